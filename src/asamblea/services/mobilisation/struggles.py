"""Struggles and adhesions: register, update, solidarity, and joining by a members' vote.

Joining a struggle or an action is a decision of the joining assembly's members: a facilitator
proposes it, and a yes/no vote of `asamblea.services.votes` opens at once (secret ballot,
public board, the assembly's quorum, simple majority), as planning targets and rules changes
are adopted. `settle_adhesion` applies the published vote; `services.closing.close_vote` calls
it in the transaction that publishes the vote, so nothing waits for a page view.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from asamblea.core.errors import N_, Conflict, Invalid, NotFound
from asamblea.core.federation import is_base
from asamblea.core.mobilisation import struggles as rules
from asamblea.core.mobilisation.actions import Visibility
from asamblea.core.mobilisation.struggles import Place, Sector, StruggleState
from asamblea.core.people import Person
from asamblea.core.votes import VoteState, members_motion
from asamblea.formats.places import known_codes
from asamblea.services.deliberation import motion_passed
from asamblea.services.mobilisation.access import (
    active_memberships,
    audit,
    check_facilitator_of,
    joined,
    under,
)
from asamblea.services.votes import votes
from asamblea.store.federation_repository import FederationRepository
from asamblea.store.mobilisation_repository import Adhesion, MobilisationRepository, Struggle
from asamblea.store.votes_repository import VoteRepository

VOTE_DAYS = 3
MAX_VOTE_DAYS = 30
TARGETS = ("struggle", "action")


@dataclass(frozen=True)
class StruggleForm:
    """What a facilitator fills in to register a struggle."""

    title: str
    demands: str
    against: str
    place: Place
    sector: Sector
    since: date
    district: str | None = None
    visibility: Visibility = Visibility.PUBLIC


def register(
    db: Session, actor: Person, assembly_id: int, form: StruggleForm, *, now: datetime
) -> Struggle:
    """A facilitator of a base assembly registers a struggle it is in."""
    assembly = check_facilitator_of(db, actor, assembly_id)
    if not is_base(assembly.kind):
        raise Invalid(N_("Only a base assembly registers a struggle it is in."))
    place = rules.check_place(Place(form.place.region, form.place.province), known_codes())
    district = None if not form.district else rules.check_text(form.district, most=80)
    struggle = MobilisationRepository(db).add_struggle(
        assembly_id=assembly_id,
        title=rules.check_text(form.title, most=rules.MAX_TITLE),
        demands=rules.check_text(form.demands, most=rules.MAX_TEXT),
        against=rules.check_text(form.against, most=160),
        region=place.region,
        province=place.province,
        district=district,
        sector=form.sector.value,
        since=rules.check_since(form.since, now.date()),
        state=StruggleState.ACTIVE.value,
        visibility=Visibility(form.visibility).value,
        created_by=actor.id,
        created_at=now,
    )
    audit(
        db,
        actor,
        "mobilisation.struggle_registered",
        assembly_id,
        f"struggle:{struggle.id}",
        details={"assembly_id": assembly_id, "region": place.region},
    )
    return struggle


def get_struggle(db: Session, struggle_id: int, *, lock: bool = False) -> Struggle:
    """The struggle, or NotFound (whoever asks: callers check visibility, `visible_struggle`)."""
    struggle = MobilisationRepository(db).struggle(struggle_id, lock=lock)
    if struggle is None:
        raise NotFound(N_("That struggle does not exist."))
    return struggle


def struggle_viewers(db: Session, struggle: Struggle) -> set[int]:
    """Assemblies whose active members see a members-only struggle: the struggle's own, those
    that joined it by their members' vote, and the assemblies under a joined one."""
    roots = {struggle.assembly_id, *joined(MobilisationRepository(db), "struggle", struggle.id)}
    return under(FederationRepository(db).placements(), roots)


def can_see_struggle(db: Session, person: Person | None, struggle: Struggle) -> bool:
    """Public struggles: anyone; members-only ones: active members of `struggle_viewers`."""
    if struggle.visibility is Visibility.PUBLIC:
        return True
    if person is None:
        return False
    return bool(active_memberships(db, person).keys() & struggle_viewers(db, struggle))


def visible_struggle(
    db: Session, person: Person | None, struggle_id: int, *, lock: bool = False
) -> Struggle:
    """The struggle, or NotFound when it does not exist or is hidden from `person`."""
    struggle = get_struggle(db, struggle_id, lock=lock)
    if not can_see_struggle(db, person, struggle):
        raise NotFound(N_("That struggle does not exist."))
    return struggle


def post_update(
    db: Session,
    actor: Person,
    struggle_id: int,
    *,
    text: str,
    state: StruggleState | None,
    now: datetime,
) -> Struggle:
    """A dated update by a facilitator of the struggle's assembly; maybe a change of state."""
    struggle = get_struggle(db, struggle_id, lock=True)
    check_facilitator_of(db, actor, struggle.assembly_id)
    clean = rules.check_text(text, most=rules.MAX_UPDATE)
    repo = MobilisationRepository(db)
    if state is not None:
        rules.check_transition(struggle.state, state)
        repo.set_struggle_state(struggle.id, state)
    repo.add_struggle_update(struggle.id, clean, state, actor.id, now)
    return get_struggle(db, struggle.id)


def declare_solidarity(
    db: Session, actor: Person, struggle_id: int, assembly_id: int, *, now: datetime
) -> None:
    """A facilitator declares their assembly's solidarity with another's struggle."""
    struggle = visible_struggle(db, actor, struggle_id, lock=True)
    check_facilitator_of(db, actor, assembly_id)
    repo = MobilisationRepository(db)
    already = [
        a.assembly_id for a in repo.adhesions("struggle", struggle.id) if a.kind == "solidarity"
    ]
    rules.check_solidarity(struggle.assembly_id, assembly_id, already)
    repo.add_adhesion(
        "struggle",
        struggle.id,
        assembly_id=assembly_id,
        kind="solidarity",
        state="joined",
        vote_id=None,
        at=now,
    )
    audit(
        db,
        actor,
        "mobilisation.solidarity_declared",
        struggle.assembly_id,
        f"struggle:{struggle.id}",
        details={"assembly_id": assembly_id},
    )


def _target_owner(db: Session, target: str, target_id: int) -> tuple[int, str]:
    repo = MobilisationRepository(db)
    if target == "struggle":
        struggle = get_struggle(db, target_id, lock=True)
        return struggle.assembly_id, struggle.title
    if target == "action":
        action = repo.action(target_id, lock=True)
        if action is None:
            raise NotFound(N_("That action does not exist."))
        return action.assembly_id, action.title
    raise NotFound(N_("Nothing to join here."))


def propose_adhesion(
    db: Session,
    actor: Person,
    target: str,
    target_id: int,
    assembly_id: int,
    *,
    now: datetime,
    days: int = VOTE_DAYS,
) -> Adhesion:
    """A facilitator puts joining a struggle or action to their members: a vote opens now."""
    if target == "struggle":
        visible_struggle(db, actor, target_id)  # a hidden struggle stays hidden
    owner, title = _target_owner(db, target, target_id)
    assembly = check_facilitator_of(db, actor, assembly_id)
    if assembly.id == owner:
        raise Conflict(N_("An assembly cannot join its own struggle or action."))
    if not 1 <= days <= MAX_VOTE_DAYS:
        raise Invalid(N_("The vote must last between 1 and {max} days."), max=MAX_VOTE_DAYS)
    repo = MobilisationRepository(db)
    pending = [
        a
        for a in repo.adhesions(target, target_id)
        if a.kind == "adhesion" and a.assembly_id == assembly.id and a.state in ("voting", "joined")
    ]
    if pending:
        raise Conflict(N_("This assembly has already done so."))
    question = f"¿Nos sumamos a «{title[:200]}»? / Do we join “{title[:200]}”?"
    spec = members_motion(question[:300], assembly.rules.quorum_percent, now, days)
    vote = votes.draft_vote(db, actor, assembly.id, spec)
    votes.open_vote(db, actor, vote.id, now)
    adhesion = repo.add_adhesion(
        target,
        target_id,
        assembly_id=assembly.id,
        kind="adhesion",
        state="voting",
        vote_id=vote.id,
        at=now,
    )
    audit(
        db,
        actor,
        "mobilisation.adhesion_proposed",
        owner,
        f"{target}:{target_id}",
        details={"assembly_id": assembly.id, "vote_id": vote.id},
    )
    return adhesion


def settle_adhesion(db: Session, vote_id: int) -> Adhesion | None:
    """Apply a published adhesion vote (idempotent; None when the vote decides no adhesion)."""
    repo = MobilisationRepository(db)
    adhesion = repo.adhesion_for_vote(vote_id)
    if adhesion is None or adhesion.state != "voting":
        return adhesion
    vote = VoteRepository(db).get(vote_id)
    if vote is None or vote.state is not VoteState.PUBLISHED:
        return adhesion
    state = "joined" if motion_passed(db, vote_id) else "rejected"
    repo.set_adhesion_state(adhesion.id, state)
    if state == "joined":
        owner, _title = _target_owner(db, adhesion.target, adhesion.target_id)
        audit(
            db,
            None,
            "mobilisation.adhered",
            owner,
            f"{adhesion.target}:{adhesion.target_id}",
            details={"assembly_id": adhesion.assembly_id, "vote_id": vote_id},
        )
    return repo.adhesion_for_vote(vote_id)


@dataclass(frozen=True)
class Overview:
    """The federation's struggles by region and by sector, with counts (for the map page)."""

    struggles: list[Struggle]
    by_region: dict[str, int]
    by_sector: dict[str, int]


def overview(
    db: Session,
    *,
    region: str | None = None,
    sector: str | None = None,
    viewer: Person | None = None,
) -> Overview:
    """Every struggle `viewer` may see (filtered by region or sector if asked), and counts over
    all of those: a members-only struggle is left out of the counts of those who may not see it.
    """
    if region is not None and region not in known_codes():
        raise Invalid(N_("Unknown place code: {code}."), code=region[:8])
    if sector is not None and sector not in {s.value for s in Sector}:
        raise Invalid(N_("Unknown sector."))
    repo = MobilisationRepository(db)
    everything = [s for s in repo.struggles() if _sees(db, viewer, s)]
    shown = [
        s
        for s in everything
        if (region is None or s.region == region) and (sector is None or s.sector.value == sector)
    ]
    return Overview(
        shown,
        dict(Counter(s.region for s in everything)),
        dict(Counter(s.sector.value for s in everything)),
    )


def _sees(db: Session, viewer: Person | None, struggle: Struggle) -> bool:
    return struggle.visibility is Visibility.PUBLIC or can_see_struggle(db, viewer, struggle)
