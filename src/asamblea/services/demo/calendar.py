"""The demo's calendar: every moment the demo writes, relative to the day it is seeded.

The demo is seeded on any day (issue #13, finding 19), so no date in it is written by hand: what
the seed records as past is before `now`, what it announces is after it, each in the order the
real use cases would meet them (a struggle begins before it is registered, a demand is adopted by
one level before the next votes on it, a motion about a strike closes before the strike), and a
text that names a day takes it from the record it names, written in its author's language.

Days are Lima's days (America/Lima): a strike "on the 5th" starts on the 5th in Peru.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton

from asamblea.clock import utcnow
from asamblea.i18n import DEFAULT_LOCALE, format_locale

LIMA = ZoneInfo("America/Lima")
#: The open motion runs this long (it closes before the regional strike it is about).
MOTION_LENGTH = timedelta(days=5)
#: Days from today (Lima) to the actions the demo announces.
SIT_IN_IN, STRIKE_IN, INDEFINITE_IN = 2, 7, 21
#: Days before today (Lima) each demo struggle began, by the assembly's key.
STRUGGLE_SINCE = {
    "vecinal_ves": 21,  # the water cut
    "transporte": 75,
    "construccion": 40,
    "chucuito_cc": 400,
    "kukama": 1100,
    "estudiantes_cusco": 60,
    "estudiantes_loreto": 50,
}


@dataclass(frozen=True)
class DemoCalendar:
    """The demo's moments, all from one `now` (UTC, to the minute)."""

    now: datetime

    @classmethod
    def at(cls, now: datetime | None = None) -> DemoCalendar:
        """The calendar of a demo seeded at `now` (the clock's now when not given)."""
        moment = (now or utcnow()).astimezone(UTC)
        return cls(moment.replace(second=0, microsecond=0))

    @property
    def today(self) -> date:
        """Today in Lima."""
        return self.now.astimezone(LIMA).date()

    def ago(self, days: float) -> datetime:
        """`days` before now."""
        return self.now - timedelta(days=days)

    def later(self, days: float) -> datetime:
        """`days` after now."""
        return self.now + timedelta(days=days)

    def day_ago(self, days: int) -> date:
        """The Lima day `days` before today."""
        return self.today - timedelta(days=days)

    def lima(self, days: int, hour: int) -> datetime:
        """`hour` o'clock in Lima, `days` days from today (in UTC)."""
        local = datetime.combine(self.today + timedelta(days=days), time(hour), tzinfo=LIMA)
        return local.astimezone(UTC)

    # ------------------------------------------------------------ the demo's moments

    @property
    def decided(self) -> datetime:
        """When the demo's published votes opened (each runs a day)."""
        return self.ago(3)

    @property
    def struggles_registered(self) -> datetime:
        """When the base assemblies registered their struggles (before they rose as demands)."""
        return self.ago(20)

    @property
    def platform_started(self) -> datetime:
        """When the first demand of the platform was put to its base assembly's vote."""
        return self.ago(16)

    @property
    def convened(self) -> datetime:
        """When the demo's actions were convened and the assemblies voted to join them."""
        return self.ago(3)

    @property
    def sit_in(self) -> datetime:
        """Villa El Salvador's sit-in: 8 a.m. in Lima, in two days."""
        return self.lima(SIT_IN_IN, 8)

    @property
    def regional_strike(self) -> datetime:
        """Lima's 48-hour regional strike: from midnight in Lima, after the motion closes."""
        return self.lima(STRIKE_IN, 0)

    @property
    def indefinite_strike(self) -> datetime:
        """The indefinite strike the conditional pledge is for."""
        return self.lima(INDEFINITE_IN, 0)

    def since(self, seat: str) -> date:
        """The day a demo assembly's struggle began."""
        return self.day_ago(STRUGGLE_SINCE[seat])


def day_and_month(moment: datetime | date, locale: str | None) -> str:
    """A day as a person reads it in their language ("5 de diciembre", "December 5"), in Lima."""
    day = moment.astimezone(LIMA).date() if isinstance(moment, datetime) else moment
    return format_skeleton("MMMMd", day, locale=format_locale(locale or DEFAULT_LOCALE))
