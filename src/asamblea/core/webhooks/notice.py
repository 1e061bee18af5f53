"""The notice that tells an assembly's facilitators their webhook was turned off."""

from __future__ import annotations

from asamblea.core.errors import N_
from asamblea.core.notices import Audience, NoticeRule, register, rules

WEBHOOK_DISABLED = NoticeRule(
    "webhook.disabled",
    "webhook_disabled",
    Audience.FACILITATORS,
    N_("A webhook of {assembly} failed too many times in a row and was turned off"),
)

if WEBHOOK_DISABLED not in rules():
    register(WEBHOOK_DISABLED)
