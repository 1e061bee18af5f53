"""The demo makes sense whatever day it is seeded (issue #13, finding 19): seeded at several
todays across a year — on the last evening of a year (its strike and sit-in fall in the next), on a
day that is already March in UTC but still February in Lima, in mid-year — every dated record
is where it belongs in time and every date a text names is its record's (tests/services/
demo_dates.py). And `asamblea demo`, run as an organiser runs it, prints only its own lines (no
solver banner) and seeds a demo whose dates hold at the real today, archive included."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nacl import pwhash
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.services.archive import keys
from asamblea.services.archive.custody import vault_for
from asamblea.services.demo.archive import seed_demo_archive
from asamblea.services.demo.calendar import DemoCalendar
from asamblea.services.demo.federation import seed_demo
from asamblea.services.votes import votes
from asamblea.store.database import make_engine, make_sessionmaker
from tests.databases import drop_database, engine_for, new_database
from tests.demo_command import demo_database, run_demo
from tests.services.demo_dates import check_demo_dates

pytestmark = pytest.mark.slow  # each case seeds the whole demo federation
KEY = votes.signing_key("clave-de-prueba-" + "x" * 40)
SECRET = "secreto-de-prueba-" + "y" * 40
keys.use_kdf_limits(pwhash.argon2id.OPSLIMIT_MIN, pwhash.argon2id.MEMLIMIT_MIN)

TODAYS = {
    # 31 December, 23:50 in Lima (05:50 UTC on 1 January): next week is next year.
    "year-end": datetime(2027, 1, 1, 4, 50, tzinfo=UTC),
    # 1 March in UTC, still 28 February in Lima: days counted in Lima, not in UTC.
    "month-end": datetime(2026, 3, 1, 3, 0, tzinfo=UTC),
    "mid-year": datetime(2026, 7, 15, 15, 30, tzinfo=UTC),
}


@pytest.fixture(scope="module")
def sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One migrated SQLite database; each case seeds inside a transaction rolled back after."""
    url, _ = new_database("sqlite", tmp_path_factory.mktemp("demo-dates"))
    engine = engine_for(url)
    yield engine
    engine.dispose()
    drop_database(url, None)


@pytest.mark.parametrize("now", TODAYS.values(), ids=TODAYS.keys())
def test_the_demo_dates_make_sense_on_any_day(
    sqlite: Engine, now: datetime, tmp_path: Path
) -> None:
    with sqlite.connect() as connection:
        outer = connection.begin()
        db = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            assert seed_demo(db, KEY, now=now)[1]
            vault = vault_for(SECRET, str(tmp_path / "archive"))
            assert seed_demo_archive(db, vault, now=now, export_to=tmp_path / "demo.zip")
            check_demo_dates(db, DemoCalendar.at(now))
        finally:
            db.close()
            outer.rollback()


def test_asamblea_demo_prints_only_its_lines_and_its_dates_hold_today(tmp_path: Path) -> None:
    seeded = run_demo(tmp_path, timeout=300)
    database = demo_database(tmp_path)
    after = utcnow()
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    assert seeded.stderr == ""
    for banner in ("HiGHS", "Copyright", "licence", "THIRD_PARTY"):
        assert banner not in seeded.stdout
    lines = seeded.stdout.splitlines()
    assert lines[0] == "Federación de demostración sembrada."
    assert lines[-1].startswith("Archivo de testimonios:")
    engine = make_engine(database)
    try:
        with make_sessionmaker(engine).begin() as db:
            check_demo_dates(db, DemoCalendar.at(after))
    finally:
        engine.dispose()
