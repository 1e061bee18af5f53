"""The federation: assemblies in a tree, memberships, vouching (*aval*) and suspension.

Pure rules only: functions take plain values and either return a decision or raise a
`DomainError`. The services layer loads what a rule needs, calls it, and writes the result.

Vocabulary: a *base* assembly (workplace, union, neighbourhood, peasant or indigenous
community, students) holds people; a *federated* assembly (district, province, region,
national) holds the delegates of its children. Every assembly has at most one parent, of a
higher federated level than itself, and the tree has no cycles.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from asamblea.core.errors import N_, Conflict, Forbidden, Invalid


class AssemblyKind(StrEnum):
    """What an assembly gathers: people at the base, delegates above."""

    WORKPLACE = "workplace"
    UNION = "union"
    NEIGHBOURHOOD = "neighbourhood"
    PEASANT_COMMUNITY = "peasant_community"
    INDIGENOUS_COMMUNITY = "indigenous_community"
    STUDENT = "student"
    DISTRICT = "district"
    PROVINCE = "province"
    REGION = "region"
    NATIONAL = "national"


BASE_KINDS = frozenset(
    {
        AssemblyKind.WORKPLACE,
        AssemblyKind.UNION,
        AssemblyKind.NEIGHBOURHOOD,
        AssemblyKind.PEASANT_COMMUNITY,
        AssemblyKind.INDIGENOUS_COMMUNITY,
        AssemblyKind.STUDENT,
    }
)

#: Level in the federation: base assemblies are 0; a parent must stand on a higher level.
LEVEL: Mapping[AssemblyKind, int] = {
    **dict.fromkeys(BASE_KINDS, 0),
    AssemblyKind.DISTRICT: 1,
    AssemblyKind.PROVINCE: 2,
    AssemblyKind.REGION: 3,
    AssemblyKind.NATIONAL: 4,
}


def is_base(kind: AssemblyKind) -> bool:
    """True for assemblies of people; False for assemblies of delegates."""
    return kind in BASE_KINDS


class MembershipState(StrEnum):
    """Where a person stands in one assembly."""

    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    LEFT = "left"


class Role(StrEnum):
    """What an active member may do beyond taking part."""

    MEMBER = "member"
    FACILITATOR = "facilitator"
    DELEGATE = "delegate"  # sits in a parent assembly for a child (see core.delegation)


#: The transitions a membership may make; anything else is refused.
TRANSITIONS: Mapping[MembershipState, frozenset[MembershipState]] = {
    MembershipState.PENDING: frozenset({MembershipState.ACTIVE, MembershipState.LEFT}),
    MembershipState.ACTIVE: frozenset({MembershipState.SUSPENDED, MembershipState.LEFT}),
    MembershipState.SUSPENDED: frozenset({MembershipState.ACTIVE, MembershipState.LEFT}),
    MembershipState.LEFT: frozenset({MembershipState.PENDING}),
}


class WeightRule(StrEnum):
    """How a federated assembly weighs its delegates' votes in a roll call."""

    ONE_EACH = "one_each"
    MEMBERS_REPRESENTED = "members_represented"  # the child's active members ÷ its delegates


@dataclass(frozen=True)
class AssemblyRules:
    """Each assembly's own rules, with the defaults a new assembly starts from.

    Some rules act on the assembly itself (vouches, quorum, the support that moves a proposal
    to debate, the share that opens a recall); the others are the rules a *parent* sets for
    the assemblies under it (members per delegate, the share of children whose adoption puts
    an escalated proposal on its agenda, how its delegates' votes weigh). The founders set
    them; afterwards they change only when the members adopt a facilitator's proposal by a
    yes/no vote (`check_propose_rules`); nothing already decided or already open is reckoned
    again (see the services).
    """

    vouches_needed: int = 2
    quorum_percent: int = 50
    delegate_ratio: int = 50
    recall_percent: int = 20
    support_percent: int = 10
    escalation_percent: int = 50
    delegate_weight: WeightRule = WeightRule.ONE_EACH

    def __post_init__(self) -> None:
        if not 1 <= self.vouches_needed <= 20:
            raise Invalid(N_("Vouches needed must be between 1 and 20."))
        if not 1 <= self.quorum_percent <= 100:
            raise Invalid(N_("The quorum must be between 1 % and 100 %."))
        if not 1 <= self.delegate_ratio <= 100_000:
            raise Invalid(N_("Members per delegate must be between 1 and 100000."))
        if not 1 <= self.recall_percent <= 100:
            raise Invalid(N_("The share to open a recall must be between 1 % and 100 %."))
        if not 1 <= self.support_percent <= 100:
            raise Invalid(N_("The support share must be between 1 % and 100 %."))
        if not 1 <= self.escalation_percent <= 100:
            raise Invalid(N_("The share of assemblies must be above 0 % and at most 100 %."))
        if not isinstance(self.delegate_weight, WeightRule):
            raise Invalid(N_("Unknown weight rule for delegates."))

    @property
    def escalation_share(self) -> Fraction:
        """The escalation percent as an exact share of the children, for the counting rule."""
        return Fraction(self.escalation_percent, 100)


@dataclass(frozen=True, slots=True)
class Placed:
    """An assembly's place in the federation, no more: what a walk of the tree needs (read for
    every assembly at once, so kept small)."""

    id: int
    kind: AssemblyKind
    parent_id: int | None


@dataclass(frozen=True)
class Assembly:
    """An assembly as the rules see it."""

    id: int
    name: str
    kind: AssemblyKind
    parent_id: int | None
    description: str
    rules: AssemblyRules


@dataclass(frozen=True)
class Membership:
    """One person's standing in one assembly."""

    id: int
    assembly_id: int
    person_id: int
    state: MembershipState
    role: Role

    @property
    def is_active(self) -> bool:
        """Active members vote, vouch and see the member list."""
        return self.state is MembershipState.ACTIVE

    @property
    def is_facilitator(self) -> bool:
        """An active facilitator may suspend and reinstate members."""
        return self.is_active and self.role is Role.FACILITATOR


def check_transition(current: MembershipState, target: MembershipState) -> None:
    """Refuse a membership change that the state machine does not allow."""
    if target not in TRANSITIONS[current]:
        raise Conflict(
            N_("A membership cannot go from {current} to {target}."),
            current=current.value,
            target=target.value,
        )


def check_parent(child: AssemblyKind, parent: AssemblyKind | None) -> None:
    """A parent must be a federated assembly of a higher level than its child."""
    if parent is None:
        return
    if is_base(parent):
        raise Invalid(N_("A base assembly cannot have assemblies under it."))
    if LEVEL[parent] <= LEVEL[child]:
        raise Invalid(N_("The parent assembly must be of a higher level than this one."))


def check_no_cycle(
    assembly_id: int, new_parent_id: int | None, parent_of: Mapping[int, int | None]
) -> None:
    """Refuse a parent that is the assembly itself or one of its descendants."""
    seen: set[int] = set()
    node = new_parent_id
    while node is not None:
        if node == assembly_id or node in seen:
            raise Invalid(N_("That parent would make the federation go round in a circle."))
        seen.add(node)
        node = parent_of.get(node)


def ancestors(assembly_id: int, parent_of: Mapping[int, int | None]) -> list[int]:
    """The chain of parents from the root down to (not including) the assembly."""
    chain: list[int] = []
    node = parent_of.get(assembly_id)
    while node is not None and node not in chain:
        chain.append(node)
        node = parent_of.get(node)
    chain.reverse()
    return chain


def can_request_to_join(kind: AssemblyKind, existing: Membership | None) -> None:
    """A person may ask to join a base assembly unless already pending, active or suspended."""
    if not is_base(kind):
        raise Invalid(
            N_("Federated assemblies are made of the delegates of their member assemblies.")
        )
    if existing is not None and existing.state is not MembershipState.LEFT:
        raise Conflict(N_("You already have a membership in this assembly."))


def vouches_required(rules: AssemblyRules, active_members: int) -> int:
    """Vouches a pending member needs: the rule's number, or every active member if fewer."""
    return max(1, min(rules.vouches_needed, active_members))


def check_vouch(target: Membership, voucher: Membership | None, vouchers: Collection[int]) -> None:
    """Only another active member of the same assembly vouches, once, for a pending member."""
    if voucher is None or voucher.assembly_id != target.assembly_id or not voucher.is_active:
        raise Forbidden(N_("Only active members of this assembly can vouch."))
    if voucher.person_id == target.person_id:
        raise Forbidden(N_("Nobody can vouch for themselves."))
    if target.state is not MembershipState.PENDING:
        raise Conflict(N_("Only pending members need vouching."))
    if voucher.person_id in vouchers:
        raise Conflict(N_("You have already vouched for this person."))


def is_vouched_enough(vouch_count: int, rules: AssemblyRules, active_members: int) -> bool:
    """True when a pending member has the vouches the assembly's rule asks for."""
    return vouch_count >= vouches_required(rules, active_members)


def check_suspend(actor: Membership | None, target: Membership, facilitators: int) -> None:
    """An active facilitator may suspend another active member, but not the last facilitator."""
    _check_facilitator_of(actor, target)
    if actor is not None and actor.person_id == target.person_id:
        raise Forbidden(N_("You cannot suspend yourself."))
    check_transition(target.state, MembershipState.SUSPENDED)
    if target.is_facilitator and facilitators <= 1:
        raise Conflict(N_("The assembly's last facilitator cannot be suspended."))


def check_reinstate(actor: Membership | None, target: Membership) -> None:
    """An active facilitator may lift a suspension."""
    _check_facilitator_of(actor, target)
    if target.state is not MembershipState.SUSPENDED:
        raise Conflict(N_("Only suspended members can be reinstated."))


def check_make_facilitator(actor: Membership | None, target: Membership) -> None:
    """An active facilitator may make another active member a facilitator."""
    _check_facilitator_of(actor, target)
    if not target.is_active:
        raise Conflict(N_("Only active members can become facilitators."))
    if target.role is Role.FACILITATOR:
        raise Conflict(N_("This member is already a facilitator."))


def check_leave(member: Membership, facilitators: int, active_members: int) -> None:
    """Anyone may leave, except the last facilitator of an assembly that still has members."""
    check_transition(member.state, MembershipState.LEFT)
    if member.is_facilitator and facilitators <= 1 and active_members > 1:
        raise Conflict(N_("Name another facilitator before leaving: you are the last one."))


def delegate_seats(active_members: int, rules: AssemblyRules) -> int:
    """Seats upstairs for a child: one per `delegate_ratio` active members, at least one."""
    return max(1, active_members // rules.delegate_ratio)


def quorum(roll_size: int, rules: AssemblyRules) -> int:
    """How many of the roll must take part for a decision to count (rounded up)."""
    return math.ceil(roll_size * rules.quorum_percent / 100)


def check_change_rules(actor: Membership | None, assembly_id: int) -> None:
    """Only an active facilitator of the assembly puts new rules to its members."""
    if actor is None or actor.assembly_id != assembly_id or not actor.is_facilitator:
        raise Forbidden(N_("Only a facilitator of this assembly can do this."))


class RulesChangeState(StrEnum):
    """New rules put to the members: under their vote, then adopted or rejected (final)."""

    VOTING = "voting"
    ADOPTED = "adopted"
    REJECTED = "rejected"


def check_propose_rules(current: AssemblyRules, proposed: AssemblyRules, *, pending: bool) -> None:
    """New rules go to the members one change at a time, and only if something changes."""
    if pending:
        raise Conflict(N_("A change of the rules is already under vote in this assembly."))
    if proposed == current:
        raise Invalid(N_("These are the rules in force: change at least one."))


def state_after_rules_vote(passed: bool) -> RulesChangeState:
    """The members' published vote decides: carried, the new rules apply; failed (or short of
    quorum), nothing changes."""
    return RulesChangeState.ADOPTED if passed else RulesChangeState.REJECTED


#: How each rule reads in a vote's question (Spanish, the first language of the interface).
_RULE_WORDS = {
    "vouches_needed": ("avales", ""),
    "quorum_percent": ("quórum", " %"),
    "delegate_ratio": ("miembros por delegado/a", ""),
    "recall_percent": ("firmas para revocatoria", " %"),
    "support_percent": ("apoyos para debate", " %"),
    "escalation_percent": ("asambleas para la agenda", " %"),
    "delegate_weight": ("peso de delegados/as", ""),
}
_WEIGHT_WORDS = {"one_each": "uno cada uno", "members_represented": "miembros representados"}


def changed_rules(
    before: AssemblyRules, after: AssemblyRules
) -> dict[str, tuple[int | str, int | str]]:
    """The rules that differ, each with its value before and after, in the rules' order."""
    old, new = rules_to_dict(before), rules_to_dict(after)
    return {name: (old[name], new[name]) for name in old if old[name] != new[name]}


def rules_question(before: AssemblyRules, after: AssemblyRules) -> str:
    """The members' vote's question: every rule that changes, from its value to the new one
    (at most seven short items: it always fits a question's 300 characters)."""
    items = []
    for name, values in changed_rules(before, after).items():
        label, unit = _RULE_WORDS[name]
        old, new = (_WEIGHT_WORDS.get(str(v), str(v)) for v in values)
        items.append(f"{label} {old}{unit} → {new}{unit}")
    return f"¿Cambiamos las reglas de la asamblea? {'; '.join(items)}"


def rules_to_dict(rules: AssemblyRules) -> dict[str, int | str]:
    """The rules as plain JSON values (for the audit log, which keeps every earlier version)."""
    return {
        "vouches_needed": rules.vouches_needed,
        "quorum_percent": rules.quorum_percent,
        "delegate_ratio": rules.delegate_ratio,
        "recall_percent": rules.recall_percent,
        "support_percent": rules.support_percent,
        "escalation_percent": rules.escalation_percent,
        "delegate_weight": rules.delegate_weight.value,
    }


def rules_from_dict(values: Mapping[str, object], fallback: AssemblyRules) -> AssemblyRules:
    """Rules read back from `rules_to_dict`; a missing or malformed value keeps ``fallback``'s."""

    def number(name: str) -> int:
        value = values.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return int(getattr(fallback, name))

    weight = values.get("delegate_weight")
    known = {w.value: w for w in WeightRule}
    return AssemblyRules(
        vouches_needed=number("vouches_needed"),
        quorum_percent=number("quorum_percent"),
        delegate_ratio=number("delegate_ratio"),
        recall_percent=number("recall_percent"),
        support_percent=number("support_percent"),
        escalation_percent=number("escalation_percent"),
        delegate_weight=known.get(str(weight), fallback.delegate_weight),
    )


def _check_facilitator_of(actor: Membership | None, target: Membership) -> None:
    if actor is None or actor.assembly_id != target.assembly_id or not actor.is_facilitator:
        raise Forbidden(N_("Only a facilitator of this assembly can do this."))
