"""Federation use cases: found assemblies, store the rules their members adopt, ask to join,
vouch, suspend, reinstate, leave."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from asamblea.core import federation as rules
from asamblea.core.errors import N_, Forbidden, Invalid, NotFound
from asamblea.core.federation import (
    Assembly,
    AssemblyKind,
    AssemblyRules,
    Membership,
    MembershipState,
    Role,
)
from asamblea.core.people import Person
from asamblea.store.federation_repository import (
    AuditRepository,
    FederationRepository,
    PeopleRepository,
)

NAME_MAX, DESCRIPTION_MAX = 120, 4000
#: The audit action of a change of an assembly's rules (its details: the rules before and after).
RULES_CHANGED = "assembly.rules_changed"

#: A use case acting on one membership: (transaction, actor, membership id).
MembershipAction = Callable[[Session, Person, int], object]


@dataclass(frozen=True)
class TreeNode:
    """One assembly in the federation tree, with its active-member count and children."""

    assembly: Assembly
    active_members: int
    children: tuple[TreeNode, ...]


@dataclass(frozen=True)
class PendingRequest:
    """A join request as members see it: who, how many vouches, whether I vouched."""

    membership: Membership
    username: str
    vouches: int
    vouched_by_me: bool


@dataclass(frozen=True)
class AssemblyView:
    """Everything the assembly page may show to this viewer, and nothing more."""

    assembly: Assembly
    breadcrumbs: tuple[Assembly, ...]
    children: tuple[tuple[Assembly, int], ...]
    facilitators: tuple[str, ...]
    active_members: int
    vouches_required: int
    mine: Membership | None
    members: tuple[tuple[Membership, str], ...] | None = None
    pending: tuple[PendingRequest, ...] | None = None
    is_facilitator: bool = False
    extra: dict[str, object] = field(default_factory=dict)


def create_assembly(
    db: Session,
    actor: Person,
    *,
    name: str,
    kind: AssemblyKind,
    parent_id: int | None,
    description: str = "",
    assembly_rules: AssemblyRules | None = None,
) -> Assembly:
    """Found an assembly; the founder becomes its first facilitator.

    Anyone may found a base assembly and affiliate it to a federated one, or found a new
    top-level federation. A federated assembly under a parent is founded by a facilitator of
    that parent, so that nobody can plant a district inside someone else's region.
    """
    repo = FederationRepository(db)
    name, description = _clean_text(name, NAME_MAX), description.strip()[:DESCRIPTION_MAX]
    if not name:
        raise Invalid(N_("The assembly needs a name."))
    parent = _parent(repo, parent_id)
    rules.check_parent(kind, parent.kind if parent else None)
    if parent is not None and not rules.is_base(kind):
        mine = repo.membership_of(parent.id, actor.id)
        if mine is None or not mine.is_facilitator:
            raise Forbidden(
                N_("Only facilitators of the parent can found a federated assembly in it.")
            )
    assembly = repo.add_assembly(
        name, kind, parent_id, description, assembly_rules or AssemblyRules()
    )
    repo.add_membership(assembly.id, actor.id, MembershipState.ACTIVE, Role.FACILITATOR)
    AuditRepository(db).record(
        actor.id,
        "assembly.created",
        assembly.id,
        f"assembly:{assembly.id}",
        {"kind": kind.value, "parent_id": parent_id},
    )
    return assembly


def apply_rules(
    db: Session,
    actor_id: int | None,
    assembly_id: int,
    new_rules: AssemblyRules,
    details: dict[str, object] | None = None,
) -> Assembly:
    """Store an assembly's new rules and record them, before and after, in the audit log.

    No authorisation here: rules change only when the members adopt them by a vote
    (`asamblea.services.federation.rules`, which calls this when that vote carries); the
    founders set the first ones with `create_assembly`. Nothing already open is reckoned
    again: a vote keeps the quorum frozen in it when it was drafted, a roll call keeps the
    weights frozen when it opened, and a recall petition keeps the share it opened with.
    Unchanged rules write nothing.
    """
    repo = FederationRepository(db)
    assembly = repo.assembly(assembly_id, lock=True)
    if assembly is None:
        raise NotFound(N_("That assembly does not exist."))
    if new_rules == assembly.rules:
        return assembly
    repo.set_rules(assembly_id, new_rules)
    AuditRepository(db).record(
        actor_id,
        RULES_CHANGED,
        assembly_id,
        f"assembly:{assembly_id}",
        {
            "before": rules.rules_to_dict(assembly.rules),
            "after": rules.rules_to_dict(new_rules),
            **(details or {}),
        },
    )
    return _assembly(repo, assembly_id)


def rules_when_vote_opened(db: Session, assembly: Assembly, vote_id: int) -> AssemblyRules:
    """The assembly's rules as they stood when one of its votes opened, reconstructed from the
    audit log; a vote not opened yet gets today's rules.

    Only for roll calls opened before migration 0009, which froze no weights: since then a
    roll call's weights are stored when it opens (`asamblea.services.delegation.roll_call_weights`).
    The audit log is append-only and its ids grow with time: the first rules change recorded
    after the vote's ``vote.opened`` event holds, as "before", the rules the vote opened with."""
    audit = AuditRepository(db)
    opened = audit.first_id(assembly.id, "vote.opened", f"vote:{vote_id}")
    if opened is None:
        return assembly.rules
    change = audit.first_details_after(assembly.id, RULES_CHANGED, opened)
    before = change.get("before") if change else None
    if not isinstance(before, dict):
        return assembly.rules
    return rules.rules_from_dict(before, assembly.rules)


def request_to_join(db: Session, actor: Person, assembly_id: int) -> Membership:
    """Ask to join a base assembly; active members then vouch in person."""
    repo = FederationRepository(db)
    assembly = _assembly(repo, assembly_id)
    existing = repo.membership_of(assembly_id, actor.id)
    rules.can_request_to_join(assembly.kind, existing)
    if existing is not None:
        rules.check_transition(existing.state, MembershipState.PENDING)
        repo.clear_vouches(existing.id)
        repo.set_state(existing.id, MembershipState.PENDING, Role.MEMBER)
        membership = repo.membership(existing.id)
        assert membership is not None  # noqa: S101 - just updated in this transaction
    else:
        membership = repo.add_membership(
            assembly_id, actor.id, MembershipState.PENDING, Role.MEMBER
        )
    AuditRepository(db).record(
        actor.id, "membership.requested", assembly_id, f"membership:{membership.id}"
    )
    return membership


def vouch(db: Session, actor: Person, membership_id: int) -> Membership:
    """Vouch for a pending member; they become active when the rule's number is reached."""
    repo = FederationRepository(db)
    target = _membership(repo, membership_id, lock=True)
    assembly = _assembly(repo, target.assembly_id)
    voucher = repo.membership_of(target.assembly_id, actor.id)
    vouchers = repo.vouchers(target.id)
    _hide_from_outsiders(voucher)
    rules.check_vouch(target, voucher, vouchers)
    repo.add_vouch(target.id, actor.id)
    audit = AuditRepository(db)
    audit.record(actor.id, "membership.vouched", assembly.id, f"membership:{target.id}")
    active = repo.count(assembly.id, MembershipState.ACTIVE)
    if rules.is_vouched_enough(len(vouchers) + 1, assembly.rules, active):
        repo.set_state(target.id, MembershipState.ACTIVE)
        audit.record(actor.id, "membership.activated", assembly.id, f"membership:{target.id}")
    updated = repo.membership(target.id)
    assert updated is not None  # noqa: S101 - locked above
    return updated


def suspend(db: Session, actor: Person, membership_id: int) -> None:
    """A facilitator suspends an active member."""
    repo = FederationRepository(db)
    target = _membership(repo, membership_id, lock=True)
    mine = repo.membership_of(target.assembly_id, actor.id)
    _hide_from_outsiders(mine)
    facilitators = repo.count(target.assembly_id, MembershipState.ACTIVE, Role.FACILITATOR)
    rules.check_suspend(mine, target, facilitators)
    repo.set_state(target.id, MembershipState.SUSPENDED)
    AuditRepository(db).record(
        actor.id, "membership.suspended", target.assembly_id, f"membership:{target.id}"
    )


def reinstate(db: Session, actor: Person, membership_id: int) -> None:
    """A facilitator lifts a suspension."""
    repo = FederationRepository(db)
    target = _membership(repo, membership_id, lock=True)
    mine = repo.membership_of(target.assembly_id, actor.id)
    _hide_from_outsiders(mine)
    rules.check_reinstate(mine, target)
    repo.set_state(target.id, MembershipState.ACTIVE)
    AuditRepository(db).record(
        actor.id, "membership.reinstated", target.assembly_id, f"membership:{target.id}"
    )


def make_facilitator(db: Session, actor: Person, membership_id: int) -> None:
    """A facilitator names another active member facilitator."""
    repo = FederationRepository(db)
    target = _membership(repo, membership_id, lock=True)
    mine = repo.membership_of(target.assembly_id, actor.id)
    _hide_from_outsiders(mine)
    rules.check_make_facilitator(mine, target)
    repo.set_state(target.id, target.state, Role.FACILITATOR)
    AuditRepository(db).record(
        actor.id, "membership.made_facilitator", target.assembly_id, f"membership:{target.id}"
    )


def leave(db: Session, actor: Person, assembly_id: int) -> None:
    """Leave an assembly (or withdraw a join request)."""
    repo = FederationRepository(db)
    _assembly(repo, assembly_id)
    mine = repo.membership_of(assembly_id, actor.id)
    if mine is None or mine.state is MembershipState.LEFT:
        raise NotFound(N_("You are not a member of this assembly."))
    facilitators = repo.count(assembly_id, MembershipState.ACTIVE, Role.FACILITATOR)
    active = repo.count(assembly_id, MembershipState.ACTIVE)
    rules.check_leave(mine, facilitators, active)
    repo.set_state(mine.id, MembershipState.LEFT, Role.MEMBER)
    AuditRepository(db).record(actor.id, "membership.left", assembly_id, f"membership:{mine.id}")


def federation_tree(db: Session) -> tuple[TreeNode, ...]:
    """The whole federation as a forest of trees, roots first, children by name."""
    repo = FederationRepository(db)
    counts = repo.active_counts()
    by_parent: dict[int | None, list[Assembly]] = {}
    for assembly in repo.assemblies():
        by_parent.setdefault(assembly.parent_id, []).append(assembly)

    def build(parent: int | None, depth: int) -> tuple[TreeNode, ...]:
        if depth > len(counts) + 64:  # a guard; cycles are refused on write
            return ()
        return tuple(
            TreeNode(a, counts.get(a.id, 0), build(a.id, depth + 1))
            for a in by_parent.get(parent, [])
        )

    return build(None, 0)


def assembly_view(db: Session, viewer: Person | None, assembly_id: int) -> AssemblyView:
    """The assembly page: public parts for all, members and requests for active members."""
    repo = FederationRepository(db)
    assembly = _assembly(repo, assembly_id)
    counts = repo.active_counts()
    parents = repo.parent_map()
    crumbs = tuple(
        a for a in (repo.assembly(i) for i in rules.ancestors(assembly.id, parents)) if a
    )
    mine = repo.membership_of(assembly.id, viewer.id) if viewer else None
    facilitator_ids = [
        m.person_id
        for m in repo.memberships(assembly.id, MembershipState.ACTIVE)
        if m.role is Role.FACILITATOR
    ]
    people = PeopleRepository(db)
    view = AssemblyView(
        assembly=assembly,
        breadcrumbs=crumbs,
        children=tuple((c, counts.get(c.id, 0)) for c in repo.children(assembly.id)),
        facilitators=tuple(sorted(people.usernames(facilitator_ids).values(), key=str.casefold)),
        active_members=counts.get(assembly.id, 0),
        vouches_required=rules.vouches_required(assembly.rules, counts.get(assembly.id, 0)),
        mine=mine,
        is_facilitator=bool(mine and mine.is_facilitator),
    )
    if mine is None or not mine.is_active:
        return view
    return _with_member_lists(db, view, viewer)


def members(db: Session, viewer: Person, assembly_id: int) -> tuple[tuple[Membership, str], ...]:
    """The member list: only for active members of the assembly."""
    view = assembly_view(db, viewer, assembly_id)
    if view.members is None:
        raise Forbidden(N_("Only active members of this assembly can see its members."))
    return view.members


def my_assemblies(db: Session, person: Person) -> list[tuple[Assembly, Membership]]:
    """The assemblies a person belongs to or has asked to join."""
    repo = FederationRepository(db)
    found = []
    for membership in repo.memberships_of_person(person.id):
        if membership.state is MembershipState.LEFT:
            continue
        assembly = repo.assembly(membership.assembly_id)
        if assembly is not None:
            found.append((assembly, membership))
    return sorted(found, key=lambda pair: pair[0].name.casefold())


def assembly_of_membership(db: Session, membership_id: int) -> int:
    """The assembly a membership belongs to (for redirects after acting on it)."""
    return _membership(FederationRepository(db), membership_id, lock=False).assembly_id


def membership_for(db: Session, viewer: Person, membership_id: int) -> Membership:
    """A membership, to someone with standing in its assembly (others learn nothing)."""
    repo = FederationRepository(db)
    target = _membership(repo, membership_id, lock=False)
    _hide_from_outsiders(repo.membership_of(target.assembly_id, viewer.id))
    return target


def all_assemblies(db: Session) -> list[Assembly]:
    """Every assembly, by name (for choosing a parent)."""
    return FederationRepository(db).assemblies()


def _with_member_lists(db: Session, view: AssemblyView, viewer: Person | None) -> AssemblyView:
    repo = FederationRepository(db)
    everyone = [
        m for m in repo.memberships(view.assembly.id) if m.state is not MembershipState.LEFT
    ]
    names = PeopleRepository(db).usernames(m.person_id for m in everyone)
    pending = [m for m in everyone if m.state is MembershipState.PENDING]
    vouches = repo.vouch_counts([m.id for m in pending])
    listed = tuple(
        (m, names.get(m.person_id, "?")) for m in everyone if m.state is not MembershipState.PENDING
    )
    requests = tuple(
        PendingRequest(
            m,
            names.get(m.person_id, "?"),
            len(vouches.get(m.id, ())),
            viewer is not None and viewer.id in vouches.get(m.id, set()),
        )
        for m in pending
    )
    return AssemblyView(**{**view.__dict__, "members": listed, "pending": requests})


def _assembly(repo: FederationRepository, assembly_id: int) -> Assembly:
    assembly = repo.assembly(assembly_id)
    if assembly is None:
        raise NotFound(N_("That assembly does not exist."))
    return assembly


def _parent(repo: FederationRepository, parent_id: int | None) -> Assembly | None:
    if parent_id is None:
        return None
    parent = repo.assembly(parent_id)
    if parent is None:
        raise Invalid(N_("The parent assembly does not exist."))
    return parent


def _membership(repo: FederationRepository, membership_id: int, *, lock: bool) -> Membership:
    membership = repo.membership(membership_id, lock=lock)
    if membership is None:
        raise NotFound(N_("That membership does not exist."))
    return membership


def _hide_from_outsiders(mine: Membership | None) -> None:
    """Someone with no standing in the assembly learns nothing about its memberships."""
    if mine is None or mine.state in {MembershipState.LEFT, MembershipState.PENDING}:
        raise NotFound(N_("That membership does not exist."))


def _clean_text(value: str, limit: int) -> str:
    cleaned = " ".join(value.split())
    if len(cleaned) > limit:
        raise Invalid(N_("The text is too long (at most {max} characters)."), max=limit)
    return cleaned
