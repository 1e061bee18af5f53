"""Pledging and withdrawing through the process's pledge writer (a batch, one commit)."""

from __future__ import annotations

import asyncio

from asamblea.services.federation import accounts
from asamblea.services.mobilisation.pledge_batch import Kind, Outcome
from asamblea.services.mobilisation.pledge_writer import PledgeRequest
from asamblea.web.context import Ctx


async def through_writer(ctx: Ctx, kind: Kind, action_id: int, assembly_id: int = 0) -> Outcome:
    """Queue the request and wait for its batch's commit; a refusal is raised as the error
    it is, in the person's own language once the writer has found who they are."""
    token = accounts.bearer_token(ctx.request.headers.get("authorization"))
    if token is not None and ctx.via_token and ctx.person is None:
        pending = PledgeRequest(kind, None, action_id, assembly_id, token=token)
    else:
        pending = PledgeRequest(kind, accounts.require(ctx.person), action_id, assembly_id)
    ctx.state.pledger.submit(pending)
    try:
        outcome = await asyncio.wrap_future(pending.answer)
    finally:
        if pending.person is not None and pending.person.locale:
            ctx.locale = pending.person.locale
    if isinstance(outcome, BaseException):  # the writer sets refusals as exceptions
        raise outcome
    return outcome
