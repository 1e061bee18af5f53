"""JSON shapes of the feeds API."""

from __future__ import annotations

from pydantic import BaseModel


class AssemblyFeedsOut(BaseModel):
    """One assembly's feeds: public, and (with a private address) private."""

    assembly_id: int
    name: str
    calendar: str
    decisions: str
    private_calendar: str | None
    private_decisions: str | None


class FeedsOut(BaseModel):
    """My feeds. `token` is my private address's secret (null: none); every URL that holds
    it is private: whoever has it reads what I read as a member, until I rotate or revoke it."""

    token: str | None
    calendar: str | None
    actions: str
    private_actions: str | None
    assemblies: list[AssemblyFeedsOut]
