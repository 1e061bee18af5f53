"""What the demo's dates must satisfy, whatever day it is seeded (issue #13, finding 19): read
from the seeded records, never from the seed's own constants.

`check_demo_dates` runs in tests/services/test_demo_dates.py (the demo seeded at several todays,
and by `asamblea demo` itself) and in the demo test that seeds it already
(tests/services/test_demo_planning.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from babel.dates import get_month_names
from sqlalchemy import select
from sqlalchemy.orm import Session

from asamblea.core.mobilisation.actions import ActionKind
from asamblea.services.budgeting.process import PHASES
from asamblea.services.demo.calendar import LIMA, DemoCalendar
from asamblea.store.archive_models import ArchiveCaseRow, ArchiveEventRow
from asamblea.store.budgeting_models import BudgetElectionRow, BudgetProcessRow
from asamblea.store.delegation_models import DelegateElectionRow, DelegateRow
from asamblea.store.deliberation_models import EscalationRow, ProposalRow
from asamblea.store.mobilisation_models import (
    ActionRow,
    ActionUpdateRow,
    AdhesionRow,
    PledgeCampaignRow,
    StruggleRow,
    StruggleUpdateRow,
)
from asamblea.store.mobilisation_platform_models import PlatformMergePointRow, PlatformMergeRow
from asamblea.store.planning_models import PlanningDraftRow, PlanningRoundRow
from asamblea.store.votes_models import VoteRow

MONTHS = {name.lower(): number for number, name in get_month_names("wide", locale="es").items()}
#: "5 de diciembre" as the demo writes a day in Spanish.
SPANISH_DAY = re.compile(r"\b(\d{1,2}) de (" + "|".join(MONTHS) + r")\b", re.IGNORECASE)
YEAR = re.compile(r"\b(?:19|20|21)\d\d\b")


def lima_day(moment: datetime) -> date:
    """The day a moment falls on in Peru."""
    return moment.astimezone(LIMA).date()


def check_demo_dates(db: Session, calendar: DemoCalendar) -> None:
    """Every dated record of the demo seeded at ``calendar.now`` is in the right place in time,
    and every date its texts name is a date of a record."""
    now = calendar.now
    votes = {v.id: v for v in db.scalars(select(VoteRow))}
    assert votes, "the demo has no votes"
    _votes(votes.values(), now)
    _motion_about_the_strike(db, votes)
    _mobilisation(db, votes, calendar)
    _platform(db, votes)
    _budget(db, votes, calendar)
    _planning(db, votes, calendar)
    _delegation(db, votes, now)
    _archive(db, calendar)
    _texts_name_record_dates(db, calendar)


def _votes(votes: Iterable[VoteRow], now: datetime) -> None:
    """A vote closes after it opens; what is published closed in the past; what is open is open
    now; a draft (not an in-person count waiting for its confirmation) opens later."""
    for vote in votes:
        where = f"vote {vote.id} «{vote.question}» ({vote.state})"
        assert vote.opens_at < vote.closes_at, where
        if vote.state in {"closed", "published"}:
            assert vote.closes_at <= now, where
            assert vote.closed_at is None or vote.opens_at <= vote.closed_at <= now, where
        elif vote.state == "open":
            assert vote.opens_at <= now < vote.closes_at, where
        elif vote.mode == "in_person":
            assert vote.closes_at <= now, where  # counted at a meeting that is over
        else:
            assert vote.state == "draft", where
            assert vote.opens_at > now, where


def _motion_about_the_strike(db: Session, votes: dict[int, VoteRow]) -> None:
    """The open motion names the regional strike's day, and closes before the strike starts."""
    (strike,) = db.scalars(select(ActionRow).where(ActionRow.kind == ActionKind.STRIKE_48H.value))
    motions = [v for v in votes.values() if v.question.startswith("¿Apoyamos el paro regional")]
    assert len(motions) == 1, [v.question for v in motions]
    (motion,) = motions
    assert motion.state == "open"
    assert motion.closes_at < strike.starts_at, (motion.closes_at, strike.starts_at)
    named = [_day(m, lima_day(strike.starts_at)) for m in SPANISH_DAY.finditer(motion.question)]
    assert named == [lima_day(strike.starts_at)], (motion.question, strike.starts_at)


def _day(match: re.Match[str], near: date) -> date:
    """The day a "5 de diciembre" names: in the year that puts it nearest to ``near``."""
    day, month = int(match.group(1)), MONTHS[match.group(2).lower()]
    years = (near.year - 1, near.year, near.year + 1)
    return min((date(y, month, day) for y in years), key=lambda d: abs((d - near).days))


def _mobilisation(db: Session, votes: dict[int, VoteRow], calendar: DemoCalendar) -> None:
    now, today = calendar.now, calendar.today
    struggles = list(db.scalars(select(StruggleRow)))
    assert struggles
    for struggle in struggles:  # began before it was registered, registered in the past
        assert struggle.since <= lima_day(struggle.created_at) <= today, struggle.title
        assert struggle.created_at <= now, struggle.title
    for news in db.scalars(select(StruggleUpdateRow)):
        assert news.at <= now, news.text
    actions = {a.id: a for a in db.scalars(select(ActionRow))}
    assert actions
    for action in actions.values():  # convened in the past, for days to come
        assert action.created_at <= now < action.starts_at, action.title
    for update in db.scalars(select(ActionUpdateRow)):
        action = actions[update.action_id]
        assert update.at <= now, update.text
        assert update.at < action.starts_at, update.text
    for campaign in db.scalars(select(PledgeCampaignRow)):  # pledging is still open
        assert now < actions[campaign.action_id].starts_at
        assert campaign.triggered_at is None or campaign.triggered_at <= now
    for adhesion in db.scalars(select(AdhesionRow).where(AdhesionRow.vote_id.is_not(None))):
        vote = votes[adhesion.vote_id]
        assert adhesion.at <= vote.opens_at <= now
        if adhesion.target == "action":  # joined before the action, not after
            assert vote.closes_at <= actions[adhesion.target_id].starts_at


def _platform(db: Session, votes: dict[int, VoteRow]) -> None:
    """A demand sent up is voted on above after it was adopted below; merges come after the
    points they merge reached the agenda."""
    proposals = {p.id: p for p in db.scalars(select(ProposalRow))}
    escalations = list(db.scalars(select(EscalationRow)))
    assert escalations
    for escalation in escalations:
        below = proposals[escalation.proposal_id]
        above = proposals.get(escalation.agenda_proposal_id or 0)
        if below.vote_id is None or above is None or above.vote_id is None:
            continue
        adopted, voted = votes[below.vote_id], votes[above.vote_id]
        assert adopted.closes_at <= voted.opens_at, (below.title, adopted.id, voted.id)
    by_id = {e.id: e for e in escalations}
    for merge in db.scalars(select(PlatformMergeRow)):
        vote = votes[merge.vote_id]
        points = [
            merge.into_id,
            *db.scalars(
                select(PlatformMergePointRow.escalation_id).where(
                    PlatformMergePointRow.merge_id == merge.id
                )
            ),
        ]
        for point in points:
            source = proposals[by_id[point].proposal_id]
            if source.vote_id is not None:
                assert votes[source.vote_id].closes_at <= vote.opens_at, (merge.id, point)


def _budget(db: Session, votes: dict[int, VoteRow], calendar: DemoCalendar) -> None:
    """The phases follow one another; today is in the phase the process is in; the Acta was
    signed in formalisation; the committee's election closes before oversight begins; the
    process is next year's."""
    processes = list(db.scalars(select(BudgetProcessRow)))
    assert processes
    for process in processes:
        starts = [date.fromisoformat(process.calendar[p]) for p in PHASES]
        assert starts == sorted(starts), process.calendar
        phase = PHASES.index(process.phase)
        assert starts[phase] <= calendar.today, (process.phase, process.calendar)
        if phase + 1 < len(PHASES):
            assert calendar.today < starts[phase + 1], (process.phase, process.calendar)
        for signed in (process.signed_at, process.cosigned_at):
            if signed is not None:
                assert starts[PHASES.index("formalisation")] <= lima_day(signed), signed
                assert signed <= calendar.now
        oversight = starts[PHASES.index("oversight")]
        for election in db.scalars(
            select(BudgetElectionRow).where(BudgetElectionRow.process_id == process.id)
        ):
            vote = votes[election.vote_id]
            assert lima_day(vote.closes_at) <= oversight, (vote.closes_at, oversight)
            for signed in (process.signed_at, process.cosigned_at):
                assert signed is None or signed <= vote.opens_at
        assert str(calendar.today.year + 1) in process.title, process.title


def _planning(db: Session, votes: dict[int, VoteRow], calendar: DemoCalendar) -> None:
    """A round opens before its drafts go to a vote; a plan is solved after the votes on its
    targets closed; a revision opens once the plan it revises is out."""
    rounds = {r.id: r for r in db.scalars(select(PlanningRoundRow))}
    assert rounds
    for planning_round in rounds.values():
        assert planning_round.created_at <= calendar.now, planning_round.title
        drafts = select(PlanningDraftRow).where(PlanningDraftRow.round_id == planning_round.id)
        for draft in db.scalars(drafts):
            if draft.vote_id is not None:
                vote = votes[draft.vote_id]
                assert planning_round.created_at <= vote.opens_at, planning_round.title
                assert planning_round.solved_at is None or (
                    draft.state == "voting" or vote.closes_at <= planning_round.solved_at
                )
        if planning_round.solved_at is not None:
            assert planning_round.created_at <= planning_round.solved_at <= calendar.now
        previous = rounds.get(planning_round.previous_id or 0)
        if previous is not None:
            assert previous.solved_at is not None
            assert previous.solved_at <= planning_round.created_at, planning_round.title
        if planning_round.previous_id is None:
            assert str(calendar.today.year) in planning_round.title, planning_round.title


def _delegation(db: Session, votes: dict[int, VoteRow], now: datetime) -> None:
    """Delegates sit for a term that began after their election closed and runs on today."""
    delegates = list(db.scalars(select(DelegateRow)))
    assert delegates
    for delegate in delegates:
        assert delegate.starts_at <= now < delegate.ends_at
    for election in db.scalars(select(DelegateElectionRow)):
        assert election.term_starts < election.term_ends
        assert votes[election.vote_id].closes_at <= election.term_starts  # seated once counted


def _archive(db: Session, calendar: DemoCalendar) -> None:
    """The archive's fictional events happened before the case was opened."""
    for case in db.scalars(select(ArchiveCaseRow)):
        assert case.occurred_on < calendar.today, case.occurred_on
        events = db.scalars(select(ArchiveEventRow).where(ArchiveEventRow.case_id == case.id))
        for event in events:
            assert case.occurred_on <= event.happened_on <= calendar.today, event.description


def _texts_name_record_dates(db: Session, calendar: DemoCalendar) -> None:
    """Every day a text of the demo names ("5 de diciembre") is a day of one of its records,
    and every year it names is one around the records' years — no date written by hand."""
    days = {lima_day(a.starts_at) for a in db.scalars(select(ActionRow))}
    days |= {s.since for s in db.scalars(select(StruggleRow))}
    years = {d.year for d in days} | {d.year + 1 for d in days}
    years |= {calendar.today.year, calendar.today.year + 1}
    texts = [
        *db.scalars(select(VoteRow.question)),
        *db.scalars(select(ProposalRow.title)),
        *db.scalars(select(ProposalRow.text)),
        *db.scalars(select(StruggleRow.title)),
        *db.scalars(select(StruggleRow.demands)),
        *db.scalars(select(StruggleUpdateRow.text)),
        *db.scalars(select(ActionRow.title)),
        *db.scalars(select(ActionRow.description)),
        *db.scalars(select(ActionUpdateRow.text)),
        *db.scalars(select(BudgetProcessRow.title)),
        *db.scalars(select(PlanningRoundRow.title)),
        *db.scalars(select(PlanningDraftRow.note)),
        *db.scalars(select(ArchiveCaseRow.title)),
        *db.scalars(select(ArchiveEventRow.description)),
    ]
    named = 0
    for text in texts:
        for match in SPANISH_DAY.finditer(text):
            assert _day(match, calendar.today) in days, text
            named += 1
        for year in YEAR.findall(text):
            assert int(year) in years, text
    assert named >= 3, "the motion, the water cut and the sit-in's update name their days"
