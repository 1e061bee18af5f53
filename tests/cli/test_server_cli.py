"""The server commands: version, db upgrade, demo (idempotent), and the production refusal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, or_, select
from typer.testing import CliRunner

import asamblea
from asamblea.cli import AREAS, app
from asamblea.core.federation import BASE_KINDS, AssemblyKind, MembershipState
from asamblea.core.ledger import recount, verify_board
from asamblea.services.votes import votes
from asamblea.services.votes.votes import signing_key
from asamblea.settings import Settings, get_settings
from asamblea.store.budgeting_models import BudgetElectionRow, BudgetProcessRow
from asamblea.store.database import make_engine, make_sessionmaker
from asamblea.store.deliberation_models import EscalationRow, ProposalRow
from asamblea.store.federation_models import AssemblyRow, MembershipRow, PersonRow
from asamblea.store.mobilisation_models import AdhesionRow
from asamblea.store.mobilisation_platform_models import DemandSourceRow, PlatformMergeRow
from asamblea.store.planning_models import PlanningDraftRow
from asamblea.store.votes_models import VoteRow

runner = CliRunner()


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASAMBLEA_INSTANCE_DIR", str(tmp_path))
    monkeypatch.delenv("ASAMBLEA_DATABASE_URL", raising=False)
    monkeypatch.delenv("ASAMBLEA_ENV", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_version() -> None:
    result = runner.invoke(app, ["version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == asamblea.__version__


def test_db_upgrade_then_demo_twice(instance: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.stdout
    assert "coordinadora" in first.stdout
    assert "nueva.vecina" in first.stdout
    second = runner.invoke(app, ["demo"])
    assert second.exit_code == 0
    assert "ya estaba sembrada" in second.stdout
    engine = make_engine(f"sqlite:///{instance / 'asamblea.sqlite3'}")
    with make_sessionmaker(engine).begin() as db:
        kinds = list(db.scalars(select(AssemblyRow.kind)))
        people = db.scalar(select(func.count()).select_from(PersonRow)) or 0
        active = (
            db.scalar(
                select(func.count())
                .select_from(MembershipRow)
                .where(MembershipRow.state == MembershipState.ACTIVE.value)
            )
            or 0
        )
        names = set(db.scalars(select(AssemblyRow.name)))
    engine.dispose()
    assert kinds.count(AssemblyKind.NATIONAL.value) == 1
    assert kinds.count(AssemblyKind.REGION.value) == 4
    assert sum(AssemblyKind(k) in BASE_KINDS for k in kinds) >= 8
    assert 280 <= people <= 400
    assert active >= 250
    for place in ("Lima", "Cusco", "Puno", "Loreto"):
        assert any(place in name for name in names)
    with make_sessionmaker(engine).begin() as db:
        committee = select(BudgetElectionRow.vote_id)  # the budgeting demo's, checked below
        targets = select(PlanningDraftRow.vote_id)  # the planning demo's, checked below
        joining = select(AdhesionRow.vote_id).where(AdhesionRow.vote_id.is_not(None))
        rising = select(ProposalRow.vote_id).where(  # the platform demo's demands, every level
            ProposalRow.vote_id.is_not(None),
            or_(
                ProposalRow.id.in_(select(DemandSourceRow.proposal_id)),
                ProposalRow.id.in_(select(EscalationRow.agenda_proposal_id)),
            ),
        )
        merging = select(PlatformMergeRow.vote_id)
        states = sorted(
            db.scalars(
                select(VoteRow.state).where(
                    VoteRow.id.not_in(committee),
                    VoteRow.id.not_in(targets),
                    VoteRow.id.not_in(joining),
                    VoteRow.id.not_in(rising),
                    VoteRow.id.not_in(merging),
                )
            )
        )
        platform = list(
            db.scalars(
                select(VoteRow.state).where(or_(VoteRow.id.in_(rising), VoteRow.id.in_(merging)))
            )
        )
        adhesions = list(db.scalars(select(VoteRow.state).where(VoteRow.id.in_(joining))))
        elections = list(db.scalars(select(VoteRow.state).where(VoteRow.id.in_(committee))))
        adoptions = sorted(db.scalars(select(VoteRow.state).where(VoteRow.id.in_(targets))))
        phases = list(db.scalars(select(BudgetProcessRow.phase)))
        boards = list(db.scalars(select(VoteRow.id).where(VoteRow.state == "published")))
    engine.dispose()
    assert states == ["draft", "draft", "open", *["published"] * 6]
    # Mobilisation: base assemblies joined the regional strike and the sit-in by their members'
    # votes, published when the demo was seeded.
    assert adhesions
    assert set(adhesions) == {"published"}
    # The platform: 7 demands adopted at their base, 10 adoptions above, 1 national merge.
    assert platform == ["published"] * 18
    assert phases == ["formalisation"]  # its Acta signed, the committee's election open
    assert elections == ["open"]
    # Targets: the published plan's adopted drafts and the revision round's adopted and
    # rejected drafts are published votes; one draft is still being voted on.
    assert adoptions.count("open") == 1
    assert adoptions.count("published") >= 3
    assert len(adoptions) == adoptions.count("open") + adoptions.count("published")
    key = signing_key(Settings().secret())
    with make_sessionmaker(engine).begin() as db:
        for vote_id in boards:
            board = votes.board(db, None, vote_id, key)  # published demo votes are public
            assert verify_board(board, recount=recount) == []


def test_production_refuses_to_start_without_a_secret_key(instance: Path) -> None:
    env = {**os.environ, "ASAMBLEA_ENV": "production", "ASAMBLEA_INSTANCE_DIR": str(instance)}
    env.pop("ASAMBLEA_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "asamblea.cli", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "ASAMBLEA_SECRET_KEY" in result.stderr
    short = {**env, "ASAMBLEA_SECRET_KEY": "too-short"}
    result = subprocess.run(
        [sys.executable, "-m", "asamblea.cli", "db", "upgrade"],
        env=short,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2


def test_every_command_and_setting_is_documented() -> None:
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    for name in [*names, *AREAS]:
        assert f"asamblea {name}" in readme, f"README does not mention `asamblea {name}`"
    operating = (root / "docs" / "operating.md").read_text(encoding="utf-8")
    for field in Settings.model_fields:
        assert f"ASAMBLEA_{field.upper()}" in operating, f"docs/operating.md misses {field}"
