"""iCalendar and Atom written by formats.calendar / formats.feed, parsed back with libraries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import feedparser
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from asamblea.formats.calendar import CalendarItem, dump_calendar
from asamblea.formats.feed import FeedEntry, dump_feed

T0 = datetime(2026, 12, 6, 15, 30, tzinfo=UTC)


def test_calendar_round_trips_through_icalendar() -> None:
    items = [
        CalendarItem(
            "vote-1@h",
            "¿Arreglamos la pista? ñ",
            T0,
            T0 + timedelta(days=2),
            "https://h/votes/1",
            T0,
            "Abierta, cierra el martes",
        ),
        CalendarItem("budget-2-deadline@h", "Fin de inscripciones", T0, None, "https://h/b/2", T0),
    ]
    parsed = Calendar.from_ical(dump_calendar("Comité de vaso de leche", items))
    assert str(parsed["version"]) == "2.0"
    assert str(parsed["x-wr-calname"]) == "Comité de vaso de leche"
    events = parsed.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == ["vote-1@h", "budget-2-deadline@h"]
    first = events[0]
    assert str(first["summary"]) == "¿Arreglamos la pista? ñ"
    assert first.decoded("dtstart") == T0
    assert first.decoded("dtend") == T0 + timedelta(days=2)
    assert str(first["url"]) == "https://h/votes/1"
    assert events[1].decoded("dtstart") == events[1].decoded("dtend") == T0
    for event in events:
        assert "attendee" not in event
        assert "organizer" not in event


def test_naive_times_are_taken_as_utc_and_others_converted() -> None:
    lima = datetime(2026, 12, 6, 10, 30, tzinfo=UTC).astimezone(
        __import__("zoneinfo").ZoneInfo("America/Lima")
    )
    items = [CalendarItem("a@h", "x", T0.replace(tzinfo=None), None, "https://h", lima)]
    event = Calendar.from_ical(dump_calendar("c", items)).walk("VEVENT")[0]
    assert event.decoded("dtstart") == T0
    assert event.decoded("dtstamp") == lima.astimezone(UTC)


def test_an_empty_calendar_is_still_a_calendar() -> None:
    parsed = Calendar.from_ical(dump_calendar("vacío", []))
    assert parsed.walk("VEVENT") == []


_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
)


@settings(max_examples=40, deadline=None)
@given(summaries=st.lists(_text, min_size=1, max_size=5))
def test_any_text_survives_the_calendar(summaries: list[str]) -> None:
    items = [
        CalendarItem(f"v-{i}@h", s, T0, None, "https://h", T0) for i, s in enumerate(summaries)
    ]
    events = Calendar.from_ical(dump_calendar("c", items)).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == summaries


def test_atom_feed_round_trips_through_feedparser() -> None:
    entries = [
        FeedEntry("https://h/votes/1", "Primera decisión", T0, "https://h/votes/1", "Sí: 12"),
        FeedEntry(
            "https://h/votes/2",
            "Segunda <decisión> & más",
            T0 + timedelta(hours=1),
            "https://h/votes/2",
        ),
    ]
    data = dump_feed(
        feed_id="https://h/a/1/feed",
        title="Asamblea del Callao",
        self_url="https://h/a/1/feed.atom",
        page_url="https://h/a/1",
        entries=entries,
        now=T0,
    )
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Asamblea del Callao"
    assert parsed.feed.author == "Asamblea del Callao"
    assert [e.id for e in parsed.entries] == ["https://h/votes/2", "https://h/votes/1"]
    assert parsed.entries[0].title == "Segunda <decisión> & más"
    assert parsed.entries[1].summary == "Sí: 12"
    assert parsed.entries[1].link == "https://h/votes/1"
    assert parsed.feed.updated_parsed[:5] == (T0 + timedelta(hours=1)).timetuple()[:5]


def test_an_empty_feed_is_valid_and_dated_now() -> None:
    data = dump_feed(
        feed_id="urn:x", title="t", self_url="https://h/f", page_url="https://h", entries=[], now=T0
    )
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    assert parsed.entries == []
    assert parsed.feed.updated_parsed[:5] == T0.timetuple()[:5]
