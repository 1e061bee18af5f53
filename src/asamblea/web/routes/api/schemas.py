"""JSON shapes of the API (requests validated at the edge, responses documented in OpenAPI)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from asamblea.core.federation import (
    AssemblyKind,
    AssemblyRules,
    MembershipState,
    Role,
    RulesChangeState,
    WeightRule,
)
from asamblea.core.people import PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN
from asamblea.core.votes import VoteState
from asamblea.web.forms import MAX_ID, RulesFields, Verbatim, at_the_edge

#: No text of a request body may hold NUL (`forms.refuse_nul`, on every field).
NO_NUL = r"^[^\x00]*$"
#: A text field that must say something: a character other than white space (bodies are
#: trimmed first), and no NUL.
NON_SPACE = r"^[^\x00]*[^\s\x00][^\x00]*$"


def trimmed_at_least(length: int) -> str:
    """The pattern of a text holding at least `length` (≥ 2) characters once trimmed, no NUL."""
    return rf"^\s*[^\s\x00][^\x00]{{{length - 2},}}[^\s\x00]\s*$"


def _declare_no_nul(schema: dict[str, Any]) -> None:
    """Every free text of a body (one with no pattern, enum or format) declares `NO_NUL`."""
    if schema.get("type") == "string" and not {"pattern", "enum", "format", "const"} & set(schema):
        schema["pattern"] = NO_NUL
    for key in ("properties", "$defs"):
        for inner in schema.get(key, {}).values():
            _declare_no_nul(inner)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _declare_no_nul(schema[key])
    for option in schema.get("anyOf", []):
        _declare_no_nul(option)


class In(BaseModel):
    """Base of request bodies: trimmed strings, unknown fields refused, NUL nowhere."""

    model_config = ConfigDict(
        str_strip_whitespace=True, extra="forbid", json_schema_extra=_declare_no_nul
    )

    _edge = field_validator("*", mode="before")(at_the_edge)


class RegisterIn(In):
    """Create an account."""

    username: str = Field(
        min_length=USERNAME_MIN,
        max_length=USERNAME_MAX,
        pattern=r"^[\w.\-]+$",
        description="Letters (of one script), digits, dots, dashes and _; read through the PRECIS "
        "UsernameCasePreserved profile (RFC 8265). A name that looks like an existing one "
        "(Unicode TS #39 skeleton) or mixes scripts is refused with 422.",
    )
    password: Verbatim = Field(
        min_length=PASSWORD_MIN, max_length=PASSWORD_MAX, pattern=trimmed_at_least(PASSWORD_MIN)
    )
    locale: str | None = Field(default=None, max_length=8)


class LoginIn(In):
    """Exchange a username and password for a bearer token."""

    username: str = Field(min_length=1, max_length=40, pattern=NON_SPACE)
    password: Verbatim = Field(min_length=1, max_length=PASSWORD_MAX)


class PasswordIn(In):
    """Change the password."""

    current_password: Verbatim = Field(max_length=256)
    new_password: Verbatim = Field(max_length=256)


class AssemblyIn(In, RulesFields):
    """Found an assembly; a rule left out takes its default."""

    name: str = Field(min_length=1, max_length=120, pattern=NON_SPACE)
    kind: AssemblyKind
    parent_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    description: str = Field(default="", max_length=4000)


class RulesIn(In):
    """New rules to put to the members' vote: every rule (none may be left out), and how
    many days the vote stays open."""

    vouches_needed: int = Field(ge=1, le=20)
    quorum_percent: int = Field(ge=1, le=100)
    delegate_ratio: int = Field(ge=1, le=100_000)
    recall_percent: int = Field(ge=1, le=100)
    support_percent: int = Field(ge=1, le=100)
    escalation_percent: int = Field(ge=1, le=100)
    delegate_weight: WeightRule
    vote_days: int = Field(default=7, ge=1, le=60)

    def rules(self) -> AssemblyRules:
        """The rules asked for."""
        return AssemblyRules(**self.model_dump(exclude={"vote_days"}))


class PersonOut(BaseModel):
    """An account as its owner sees it."""

    id: int
    username: str
    locale: str | None


class TokenOut(BaseModel):
    """A bearer token, shown once."""

    token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret


class RulesOut(BaseModel):
    """An assembly's rules: its own, and those it sets for the assemblies under it."""

    vouches_needed: int
    quorum_percent: int
    delegate_ratio: int
    recall_percent: int
    support_percent: int
    escalation_percent: int
    delegate_weight: WeightRule


class RulesChangeOut(BaseModel):
    """New rules put to the members: `voting` while their vote (`vote_id`) is under way, then
    `adopted` (they apply) or `rejected` (nothing changed); `before` are the rules in force
    when they were proposed."""

    id: int
    assembly_id: int
    state: RulesChangeState
    rules: RulesOut
    before: RulesOut
    vote_id: int
    vote_state: VoteState | None
    proposed_at: datetime
    settled_at: datetime | None


class AssemblyOut(BaseModel):
    """An assembly's public face."""

    id: int
    name: str
    kind: AssemblyKind
    parent_id: int | None
    description: str
    rules: RulesOut
    active_members: int


class TreeOut(BaseModel):
    """A node of the federation tree."""

    id: int
    name: str
    kind: AssemblyKind
    active_members: int
    children: list[TreeOut]


class MembershipOut(BaseModel):
    """A membership (ids only; names come with member lists)."""

    id: int
    assembly_id: int
    state: MembershipState
    role: Role


class MemberOut(BaseModel):
    """A member as other members see them."""

    membership_id: int
    username: str
    state: MembershipState
    role: Role


class PendingOut(BaseModel):
    """A join request as members see it."""

    membership_id: int
    username: str
    vouches: int
    vouched_by_me: bool


class AssemblyDetailOut(AssemblyOut):
    """The assembly page's data; member lists only for active members."""

    breadcrumbs: list[int]
    children: list[int]
    facilitators: list[str]
    vouches_required: int
    mine: MembershipOut | None
    members: list[MemberOut] | None
    pending: list[PendingOut] | None
    rules_change: RulesChangeOut | None = None  # the latest change put to the members


class ErrorOut(BaseModel):
    """Every error: a code and a message in the request's language."""

    error: str
    message: str
