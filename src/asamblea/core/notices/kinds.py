"""Kinds of notice, who each one is for, and the registry that maps recorded events to them.

A notice is never written per person. The services already record every state change in the
audit log; a notice is *read* from it: an event becomes a notice for a person when the
registry has a rule for the event's action and the person is in the rule's audience at the
time they read (fan-out on read, docs/notices.md says why). A rule is one entry:

    register(NoticeRule("vote.opened", "vote_opened", Audience.MEMBERS, N_("A vote opened: …")))

so another domain (mobilisation, the archive) adds its kinds by adding entries, the way a
counting rule is added to `asamblea.core.tally.registry`.

What a notice may say is limited on purpose: its text is filled only from the fields named in
`SAFE_PARAMS` (the assembly's name, a vote's question, a proposal's title, a phase), which the
person can read on the page the notice links to. A notice never names who did the thing (no
voter, no supporter, no voucher), never carries a choice, and never lists members.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from asamblea.core.errors import N_


class Audience(StrEnum):
    """Who, among the people of a federation, an event concerns (resolved when they read).

    - MEMBERS: the active members of the event's assembly (who joined before the event);
    - FACILITATORS: its active facilitators;
    - SUBJECT_PERSON: the one person the event's subject names (``membership:<id>`` → its
      member, ``proposal:<id>`` → its author).

    - PLEDGERS: everyone who pledged to the campaign the subject names
      (``pledge_campaign:<id>``). The reader's own pledges are read when she reads; pledges
      are never listed, and the event names nobody;
    - PARTICIPANTS: the members of the event's assembly (the action's convening assembly),
      the active members of every assembly that joined the action the subject names
      (``action:<id>``, adhesion voted ``joined``), and whoever signed up for one of its tasks.

    An event upstairs that concerns the assembly that sent the delegates (a delegate voted
    against its mandate) is recorded under that assembly, so that its members are its audience.
    """

    MEMBERS = "members"
    FACILITATORS = "facilitators"
    SUBJECT_PERSON = "subject_person"
    PLEDGERS = "pledgers"
    PARTICIPANTS = "participants"


class Delivery(StrEnum):
    """How a person wants a kind of notice by mail: at once, in the daily digest, or not at all.

    The inbox always shows every notice; the preference is about what leaves the server.
    """

    AT_ONCE = "at_once"
    DAILY = "daily"
    NEVER = "never"


SAFE_PARAMS = frozenset({"assembly", "question", "title", "phase", "state"})
"""The only fields a notice's text may use: each is shown on the page the notice links to."""

Condition = Callable[[Mapping[str, Any]], bool]


def _always(_details: Mapping[str, Any]) -> bool:
    return True


@dataclass(frozen=True)
class NoticeRule:
    """An audit action that makes a notice of ``kind`` for ``audience``.

    ``when`` looks at the event's details (say, only a proposal settled as adopted); several
    rules may share an action and the first whose ``when`` holds wins. ``text`` is an English
    message id with ``{named}`` fields from `SAFE_PARAMS`.
    """

    action: str
    kind: str
    audience: Audience
    text: str
    when: Condition = field(default=_always, compare=False)
    default: Delivery = Delivery.AT_ONCE

    def __post_init__(self) -> None:
        unsafe = set(_fields(self.text)) - SAFE_PARAMS
        if unsafe:
            msg = f"notice {self.kind!r} uses fields not shown on its page: {sorted(unsafe)}"
            raise ValueError(msg)


def _fields(text: str) -> list[str]:
    import string  # noqa: PLC0415 - only for this check, at registration

    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


_RULES: list[NoticeRule] = []


def register(rule: NoticeRule) -> NoticeRule:
    """Add a rule (an action may have several, tried in order). Returns it, for chaining."""
    if any(r.action == rule.action and r.kind == rule.kind for r in _RULES):
        msg = f"notice rule {rule.action!r} → {rule.kind!r} is already registered"
        raise ValueError(msg)
    _RULES.append(rule)
    return rule


def unregister(rule: NoticeRule) -> None:
    """Remove a rule added by `register` (a test, or a domain switched off)."""
    _RULES.remove(rule)


def rules() -> tuple[NoticeRule, ...]:
    """Every registered rule, in registration order."""
    return tuple(_RULES)


def kinds() -> tuple[str, ...]:
    """Every kind of notice, once each, in registration order (the preferences page's rows)."""
    return tuple(dict.fromkeys(r.kind for r in _RULES))


def actions() -> frozenset[str]:
    """The audit actions that can make a notice (the inbox query reads only these)."""
    return frozenset(r.action for r in _RULES)


def rule_for(action: str, details: Mapping[str, Any]) -> NoticeRule | None:
    """The rule an event falls under, or None when it is no notice for anyone."""
    for rule in _RULES:
        if rule.action == action and rule.when(details):
            return rule
    return None


def default_delivery(kind: str) -> Delivery:
    """The delivery a person gets for ``kind`` until they choose."""
    for rule in _RULES:
        if rule.kind == kind:
            return rule.default
    return Delivery.NEVER


def _state_is(*states: str) -> Condition:
    def check(details: Mapping[str, Any]) -> bool:
        return details.get("state") in states

    return check


# The kinds the issue lists. Mobilisation and later domains register theirs beside their code.
BUILT_IN = (
    NoticeRule(
        "vote.opened",
        "vote_opened",
        Audience.MEMBERS,
        N_("A vote opened in {assembly}: {question}"),
    ),
    NoticeRule(
        "vote.published",
        "vote_published",
        Audience.MEMBERS,
        N_("The result of a vote in {assembly} is published: {question}"),
    ),
    NoticeRule(
        "membership.requested",
        "vouch_waiting",
        Audience.MEMBERS,
        N_("Someone asked to join {assembly}: vouch for them if you know them"),
    ),
    NoticeRule(
        "membership.vouched",
        "vouched",
        Audience.SUBJECT_PERSON,
        N_("A member of {assembly} vouched for you"),
    ),
    NoticeRule(
        "membership.activated",
        "accepted",
        Audience.SUBJECT_PERSON,
        N_("You were accepted as a member of {assembly}"),
    ),
    NoticeRule(
        "membership.suspended",
        "suspended",
        Audience.SUBJECT_PERSON,
        N_("Your membership of {assembly} was suspended"),
    ),
    NoticeRule(
        "proposal.supported",
        "proposal_supported",
        Audience.SUBJECT_PERSON,
        N_("Your proposal got a new support: {title}"),
        default=Delivery.DAILY,
    ),
    NoticeRule(
        "proposal.settled",
        "proposal_adopted",
        Audience.SUBJECT_PERSON,
        N_("Your proposal was adopted: {title}"),
        when=_state_is("adopted"),
    ),
    NoticeRule(
        "proposal.escalated",
        "proposal_escalated",
        Audience.SUBJECT_PERSON,
        N_("Your proposal was sent up to the federated assembly: {title}"),
    ),
    NoticeRule(
        "recall.opened",
        "recall_opened",
        Audience.MEMBERS,
        N_("A recall petition against one of the delegates of {assembly} opened"),
    ),
    NoticeRule(
        "delegate.against_mandate",
        "delegate_against_mandate",
        Audience.MEMBERS,
        N_("A delegate of {assembly} voted against its mandate: {question}"),
    ),
    NoticeRule(
        "budget.advanced",
        "budget_phase",
        Audience.MEMBERS,
        N_("The participatory budget of {assembly} moved to a new phase: {phase}"),
    ),
    NoticeRule(
        "planning.opened",
        "planning_opened",
        Audience.MEMBERS,
        N_("A planning round opened in {assembly}: {title}"),
    ),
    NoticeRule(
        "planning.invited",
        "planning_opened",
        Audience.MEMBERS,
        N_("A planning round opened in which {assembly} drafts its targets: {title}"),
    ),
)

# Mobilisation (services/mobilisation writes these events; docs/mobilisation.md lists them).
MOBILISATION = (
    NoticeRule(
        "mobilisation.pledge_triggered",
        "pledge_met",
        Audience.PLEDGERS,
        N_("The pledge you made was met: {title} goes ahead"),
    ),
    NoticeRule(
        "mobilisation.action_confirmed",
        "action_confirmed",
        Audience.PARTICIPANTS,
        N_("An action you take part in is confirmed: {title}"),
    ),
    NoticeRule(
        "mobilisation.action_postponed",
        "action_postponed",
        Audience.PARTICIPANTS,
        N_("An action you take part in was postponed: {title}"),
    ),
    NoticeRule(
        "mobilisation.action_cancelled",
        "action_cancelled",
        Audience.PARTICIPANTS,
        N_("An action you take part in was cancelled: {title}"),
    ),
)

CLOSING_SOON = NoticeRule(
    "vote.closing_soon",
    "vote_closing",
    Audience.MEMBERS,
    N_("A vote in {assembly} closes within 24 hours: {question}"),
)
"""Not an audit event: derived from open votes' closing times when the inbox is read."""

for _rule in (*BUILT_IN, *MOBILISATION, CLOSING_SOON):
    register(_rule)
