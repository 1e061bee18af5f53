"""Input validation at the edge (Pydantic), with messages in the user's language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from fastapi import Request
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from asamblea import i18n
from asamblea.core import edge
from asamblea.core.errors import N_, Invalid
from asamblea.core.federation import AssemblyKind, AssemblyRules, WeightRule

FIELD_LABELS = {
    "username": N_("Username"),
    "password": N_("Password"),
    "current_password": N_("Current password"),
    "new_password": N_("New password"),
    "name": N_("Name"),
    "kind": N_("Kind"),
    "parent_id": N_("Parent assembly"),
    "description": N_("Description"),
    "vouches_needed": N_("Vouches needed"),
    "quorum_percent": N_("Quorum"),
    "delegate_ratio": N_("Members per delegate"),
    "recall_percent": N_("Signatures to open a recall"),
    "support_percent": N_("Supports to go to debate"),
    "escalation_percent": N_("Assemblies to reach the agenda"),
    "delegate_weight": N_("Weight of delegates' votes"),
    "lang": N_("Language"),
    "csrf_token": N_("Form token"),
    "assembly_id": N_("Assembly"),
    "membership_id": N_("Membership"),
    "parent": N_("Parent assembly"),
    "question": N_("Question"),
    "rule": N_("Counting rule"),
    "options": N_("Options"),
    "seats": N_("Seats"),
    "threshold": N_("Majority needed"),
    "mode": N_("How members vote"),
    "opens_at": N_("Opens"),
    "closes_at": N_("Closes"),
    "attendance": N_("Attendance"),
    "acta": N_("Minutes (acta)"),
    "vote_id": N_("Vote"),
    "codigo": N_("Receipt code"),
    "title": N_("Title"),
    "text": N_("Text"),
    "side": N_("Side"),
    "reply_to": N_("Reply to"),
    "reason": N_("Reason"),
    "days": N_("Days"),
    "articles": N_("Articles"),
    "article_title": N_("Article title"),
    "target": N_("Article"),
    "charter_id": N_("Charter"),
    "choice": N_("Choice"),
    "term_days": N_("Term (days)"),
}
MESSAGES = {
    "missing": N_("{field}: this field is required."),
    "string_too_long": N_("{field}: too long (at most {max_length} characters)."),
    "string_too_short": N_("{field}: too short (at least {min_length} characters)."),
    "int_parsing": N_("{field}: must be a whole number."),
    "int_type": N_("{field}: must be a whole number."),
    "int_from_float": N_("{field}: must be a whole number."),
    "enum": N_("{field}: not one of the allowed values."),
    "literal_error": N_("{field}: not one of the allowed values."),
    "greater_than_equal": N_("{field}: must be at least {ge}."),
    "less_than_equal": N_("{field}: must be at most {le}."),
    "string_type": N_("{field}: must be text."),
    "bool_parsing": N_("{field}: must be yes or no."),
    "json_invalid": N_("The request body is not valid JSON."),
    "model_attributes_type": N_("The request body must be a JSON object."),
    "no_nul": N_("{field}: contains characters that are not allowed."),
    "edge": N_("{field}: {detail}"),
}
FALLBACK = N_("{field}: invalid value.")
#: The largest id: ids are INTEGER (32-bit) columns, and PostgreSQL refuses larger numbers.
MAX_ID = 2**31 - 1
MAX_FIELD = 20_000
#: The largest number any field takes as text (each field has its own, smaller, bound).
EDGE_MAX = 10**18

M = TypeVar("M", bound=BaseModel)


def refuse_nul(value: Any) -> Any:
    """Refuse NUL characters: PostgreSQL cannot store them and no person types them."""
    if isinstance(value, str) and "\x00" in value:
        raise PydanticCustomError("no_nul", "NUL character")
    return value


def at_the_edge(cls: type[BaseModel], value: Any, info: ValidationInfo) -> Any:
    """Every field of every form and request body: NUL refused, and text meant as a number or
    a moment read by the one edge parser (`asamblea.core.edge`): ASCII digits only, bounded
    length, years and offsets in range — never Pydantic's or Python's more lenient readers."""
    refuse_nul(value)
    if not isinstance(value, str) or not value.strip() or info.field_name is None:
        return value
    kind = _edge_kind(cls, info.field_name)
    try:
        if kind is int:
            return edge.parse_natural(value, maximum=EDGE_MAX)
        if kind is datetime:
            return edge.parse_moment(value, zone=UTC)
    except Invalid as error:
        detail = i18n.translate_error(error.message, dict(error.params))
        raise PydanticCustomError("edge", "{detail}", {"detail": detail}) from None
    return value


@cache
def _edge_kind(cls: type[BaseModel], name: str) -> type | None:
    """int or datetime when the field holds one (alone or optional), else None."""
    field_info = cls.model_fields.get(name)
    return _kind_of(field_info.annotation) if field_info else None


def _kind_of(annotation: Any) -> type | None:
    if annotation is int or annotation is datetime:
        return annotation
    origin = get_origin(annotation)
    if origin is Annotated:
        return _kind_of(get_args(annotation)[0])
    if origin in {Union, UnionType}:
        kinds = {_kind_of(arg) for arg in get_args(annotation) if arg is not type(None)}
        return kinds.pop() if len(kinds) == 1 else None
    return None


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


#: A secret taken exactly as typed (passwords, passphrases, tokens): the forms and bodies trim
#: every other text, but a space around a password is part of it, and trimming it would let the
#: trimmed variant in, or lock its owner out.
Verbatim = Annotated[str, StringConstraints(strip_whitespace=False)]

# The bounds go on the int itself: on the optional they would also be applied to None (a 500).
OptionalId = Annotated[
    Annotated[int, Field(ge=1, le=MAX_ID)] | None,
    BeforeValidator(_blank_to_none),
    Field(default=None),
]


class Form(BaseModel):
    """Base of every form: trimmed strings, unknown fields ignored."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore", frozen=True)

    _edge = field_validator("*", mode="before")(at_the_edge)


class RegisterForm(Form):
    """Create an account."""

    username: str = Field(max_length=40)
    password: Verbatim = Field(max_length=256)


class LoginForm(Form):
    """Log in."""

    username: str = Field(max_length=40)
    password: Verbatim = Field(max_length=256)


class PasswordForm(Form):
    """Change the password."""

    current_password: Verbatim = Field(max_length=256)
    new_password: Verbatim = Field(max_length=256)


class RulesFields(BaseModel):
    """An assembly's rules as fields, with the bounds and defaults of `AssemblyRules` (a field
    left out keeps the default): shared by the forms below and the API's founding body."""

    vouches_needed: int = Field(default=2, ge=1, le=20)
    quorum_percent: int = Field(default=50, ge=1, le=100)
    delegate_ratio: int = Field(default=50, ge=1, le=100_000)
    recall_percent: int = Field(default=20, ge=1, le=100)
    support_percent: int = Field(default=10, ge=1, le=100)
    escalation_percent: int = Field(default=50, ge=1, le=100)
    delegate_weight: WeightRule = WeightRule.ONE_EACH

    def rules(self) -> AssemblyRules:
        """The rules asked for."""
        return AssemblyRules(
            vouches_needed=self.vouches_needed,
            quorum_percent=self.quorum_percent,
            delegate_ratio=self.delegate_ratio,
            recall_percent=self.recall_percent,
            support_percent=self.support_percent,
            escalation_percent=self.escalation_percent,
            delegate_weight=self.delegate_weight,
        )


class RulesForm(Form, RulesFields):
    """An assembly's rules in a form."""


class RulesChangeForm(RulesForm):
    """New rules to put to the members' vote, and how many days the vote stays open."""

    days: int = Field(default=7, ge=1, le=60)


class AssemblyForm(RulesForm):
    """Found an assembly, with its rules."""

    name: str = Field(min_length=1, max_length=120)
    kind: AssemblyKind
    parent_id: OptionalId
    description: str = Field(default="", max_length=4000)


class LanguageForm(Form):
    """Switch language."""

    lang: str = Field(max_length=8)
    next: str = Field(default="/", max_length=500)


def parse(model: type[M], data: Mapping[str, Any]) -> M:
    """Validate input into `model`, or raise `Invalid` with a translated message."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as error:
        raise Invalid(validation_message(error.errors(include_url=False))) from None


async def read_form(request: Request) -> dict[str, str]:
    """The submitted form as plain strings (files and oversize fields refused)."""
    form = await request.form(max_files=0, max_fields=100)
    data: dict[str, str] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str):
            raise Invalid(N_("Files cannot be sent here."))
        if len(value) > MAX_FIELD:
            raise Invalid(N_("A field is too long."))
        data.setdefault(key, value)
    return data


def validation_message(errors: Any) -> str:
    """The first validation error, translated, e.g. «Nombre: demasiado largo (...)»."""
    if not errors:
        return i18n.gettext(FALLBACK).format(field="?")
    first = errors[0]
    location = [str(part) for part in first.get("loc", ()) if part not in {"body", "query", "path"}]
    field_name = location[-1] if location else "?"
    label = i18n.gettext(FIELD_LABELS[field_name]) if field_name in FIELD_LABELS else field_name
    template = i18n.gettext(MESSAGES.get(str(first.get("type")), FALLBACK))
    context = {k: v for k, v in (first.get("ctx") or {}).items() if isinstance(v, int | str)}
    try:
        return template.format(field=label, **context)
    except (KeyError, IndexError, ValueError):
        return i18n.gettext(FALLBACK).format(field=label)


class VoteForm(Form):
    """Draft a vote."""

    question: str = Field(min_length=1, max_length=300)
    rule: str = Field(max_length=32)
    options: str = Field(default="", max_length=12_000)
    seats: int = Field(default=1, ge=1, le=50)
    threshold: str = Field(default="simple", max_length=32)
    quorum_percent: int = Field(default=50, ge=0, le=100)
    mode: str = Field(default="secret", max_length=16)
    public: bool = False
    opens_at: str = Field(max_length=20)
    closes_at: str = Field(max_length=20)


class InPersonForm(Form):
    """Record a count by show of hands or on paper."""

    attendance: int = Field(ge=0, le=10_000_000)
    acta: str = Field(min_length=1, max_length=20_000)
