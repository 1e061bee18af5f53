"""What every group-commit writer shares (votes' casting, mobilisation's pledges): one thread
takes what is waiting in its queue, up to a bound, and writes it as one batch."""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import TypeVar

Item = TypeVar("Item")


def write_in_batches(
    waiting: queue.Queue[Item | None], most: int, write: Callable[[list[Item]], None]
) -> None:
    """Hand ``write`` batches of up to ``most`` items until a ``None`` (stop) arrives; what
    arrived before the stop is written first."""
    while True:
        first = waiting.get()
        if first is None:
            return
        batch = [first]
        while len(batch) < most:
            try:
                item = waiting.get_nowait()
            except queue.Empty:
                break
            if item is None:
                write(batch)
                return
            batch.append(item)
        write(batch)
