"""The constituent text (*carta*): titled, numbered articles, every version kept, word diffs.

Pure rules. A `Charter` holds every `ArticleVersion` ever adopted; the current text of an
article is its highest version. Articles are numbered 1..n without gaps; a new article is
added at the end (number n + 1), so numbering stays contiguous and an article's number never
changes — its history is found by number. The order of calls for each use case:

- **propose a wording** (a ``charter_amendment`` proposal): `check_wording(charter, target,
  title, text, proposal_id=...)` → store the `Wording` beside the proposal (``target`` None =
  a new article).
- **vote on competing wordings** of the same target: `ballot_options(charter, target,
  wordings)` → a Schulze vote (`CHARTER_RULE`) over ``options.labels``; when it is counted,
  `options.winner(index)` gives the winning proposal id (None: keep the current wording).
- **adopt** (the charter's assembly adopted a wording): `adopt_wording(charter, wording,
  proposed_by=..., backed_by=...)` → store the returned `ArticleVersion`.
- **read**: `current_articles`, `history(charter, number)`, `version(charter, number, v)`;
  **compare** two versions: `diff_words(old.text, new.text)` → `diff_to_html(segments)`;
  **export**: `to_markdown(charter)`.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import SimpleNamespace

import diff_match_patch.diff_match_patch as _engine
from diff_match_patch import diff_match_patch

from asamblea.core.errors import N_, Conflict, Invalid, NotFound
from asamblea.core.votes import OPTION_MAX, OPTIONS_MAX

ARTICLE_TITLE_MAX, ARTICLE_TEXT_MAX = 200, 20_000
#: Competing wordings of one article are ranked and counted by Schulze.
CHARTER_RULE = "schulze"
KEEP_CURRENT = "Mantener la redacción vigente"
KEEP_WITHOUT = "No añadir el artículo"


@dataclass(frozen=True)
class ArticleVersion:
    """One adopted wording of an article; versions of an article count 1, 2, 3, ..."""

    number: int
    version: int
    title: str
    text: str
    proposed_by: int | None  # the proposal (None for the founding text)
    backed_by: tuple[int, ...] = ()  # assembly ids that backed this wording, ascending


@dataclass(frozen=True)
class Charter:
    """The constituent text with its whole history."""

    title: str
    versions: tuple[ArticleVersion, ...] = ()


@dataclass(frozen=True)
class Wording:
    """What a charter-amendment proposal puts forward for one article."""

    proposal_id: int
    target: int | None  # the article number, or None for a new article
    title: str
    text: str


def current_articles(charter: Charter) -> tuple[ArticleVersion, ...]:
    """The text in force: the highest version of each article, by number."""
    latest: dict[int, ArticleVersion] = {}
    for v in charter.versions:
        if v.number not in latest or v.version > latest[v.number].version:
            latest[v.number] = v
    return tuple(latest[n] for n in sorted(latest))


def history(charter: Charter, number: int) -> tuple[ArticleVersion, ...]:
    """Every version of one article, oldest first."""
    found = sorted((v for v in charter.versions if v.number == number), key=lambda v: v.version)
    if not found:
        raise NotFound(N_("There is no article {number}."), number=number)
    return tuple(found)


def version(charter: Charter, number: int, version_number: int) -> ArticleVersion:
    """One version of one article."""
    for v in history(charter, number):
        if v.version == version_number:
            return v
    raise NotFound(
        N_("Article {number} has no version {version}."), number=number, version=version_number
    )


def check_numbering(charter: Charter) -> None:
    """Articles are 1..n without gaps, and each article's versions are 1..k without gaps."""
    numbers = sorted({v.number for v in charter.versions})
    if numbers != list(range(1, len(numbers) + 1)):
        raise Invalid(N_("The articles must be numbered 1, 2, 3, ... without gaps."))
    for number in numbers:
        versions = [v.version for v in history(charter, number)]
        if versions != list(range(1, len(versions) + 1)):
            raise Invalid(N_("Article {number} has a gap in its versions."), number=number)


def check_wording(
    charter: Charter, target: int | None, title: str, text: str, *, proposal_id: int
) -> Wording:
    """Validate the wording a proposal puts forward (flush the proposal first for its id)."""
    title = " ".join(title.split())
    text = text.replace("\r\n", "\n").strip()
    if not 1 <= len(title) <= ARTICLE_TITLE_MAX:
        raise Invalid(N_("An article's title needs 1 to {max} characters."), max=ARTICLE_TITLE_MAX)
    if not 1 <= len(text) <= ARTICLE_TEXT_MAX:
        raise Invalid(N_("An article's text needs 1 to {max} characters."), max=ARTICLE_TEXT_MAX)
    if target is not None:
        current = history(charter, target)[-1]
        if (current.title, current.text) == (title, text):
            raise Invalid(N_("This wording is the same as the one in force."))
    return Wording(proposal_id, target, title, text)


@dataclass(frozen=True)
class WordingOptions:
    """The options of one Schulze vote: index 0 keeps the text; index i is ``proposals[i]``."""

    labels: tuple[str, ...]
    proposals: tuple[int | None, ...]

    def winner(self, index: int) -> int | None:
        """The proposal id of the winning option (None: keep the current wording)."""
        if not 0 <= index < len(self.proposals):
            raise Invalid(N_("There is no option {index}."), index=index)
        return self.proposals[index]


def ballot_options(
    charter: Charter, target: int | None, wordings: Sequence[Wording]
) -> WordingOptions:
    """Options: "keep the current wording", then each alternative in proposal order."""
    if target is not None:
        history(charter, target)  # the article must exist
    if not wordings or len(wordings) + 1 > OPTIONS_MAX:
        raise Invalid(N_("A vote needs between 2 and {max} options."), max=OPTIONS_MAX)
    if any(w.target != target for w in wordings):
        raise Invalid(N_("Only wordings of the same article compete in one vote."))
    ordered = sorted(wordings, key=lambda w: w.proposal_id)
    if len({w.proposal_id for w in ordered}) != len(ordered):
        raise Invalid(N_("A wording appears twice."))
    labels = [KEEP_CURRENT if target is not None else KEEP_WITHOUT]
    for i, w in enumerate(ordered, start=1):
        prefix = f"Redacción {i} (propuesta {w.proposal_id}): "
        labels.append(_shorten(prefix + w.title, OPTION_MAX))
    return WordingOptions(tuple(labels), (None, *(w.proposal_id for w in ordered)))


def _shorten(label: str, maximum: int) -> str:
    return label if len(label) <= maximum else label[: maximum - 1].rstrip() + "…"


def adopt_wording(
    charter: Charter, wording: Wording, *, proposed_by: int | None, backed_by: Iterable[int]
) -> ArticleVersion:
    """The new version the adopted wording makes (store it; older versions stay).

    A new article takes the next number, n + 1; an existing one its next version."""
    if wording.target is None:
        number, next_version = len(current_articles(charter)) + 1, 1
    else:
        latest = history(charter, wording.target)[-1]
        if (latest.title, latest.text) == (wording.title, wording.text):
            raise Conflict(N_("This wording is already the one in force."))
        number, next_version = latest.number, latest.version + 1
    return ArticleVersion(
        number=number,
        version=next_version,
        title=wording.title,
        text=wording.text,
        proposed_by=proposed_by,
        backed_by=tuple(sorted(set(backed_by))),
    )


def with_version(charter: Charter, new: ArticleVersion) -> Charter:
    """The charter with one more version (what storage holds after `adopt_wording`)."""
    return Charter(charter.title, (*charter.versions, new))


# --- word diffs ----------------------------------------------------------------------------


class DiffOp(StrEnum):
    """What happened to a run of words between two versions."""

    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"
    REPLACE = "replace"


@dataclass(frozen=True)
class Segment:
    """A run of the diff: ``old`` is the text before, ``new`` the text after ("" if none)."""

    op: DiffOp
    old: str
    new: str

    @property
    def text(self) -> str:
        """The text a reader sees for this run (the new text, or the deleted one)."""
        return self.new or self.old


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
#: The most CPU time (of the calling thread) the diff may search before it settles for a
#: coarser, still exact, diff.
DIFF_SECONDS = 0.02
# Each distinct token is written as one code point of the supplementary private-use planes
# (15 and 16), so the character diff below works on words; no code point there is a space, a
# letter or a line break, and there are enough for two texts of ARTICLE_TEXT_MAX characters.
_PLANE = 0xF0000
_STOPS = frozenset(".;:!?")
# diff-match-patch reads its deadline from `time.time()` (its only use of the clock). Pointed at
# this thread's CPU clock, the bound is CPU spent on this diff: a busy server (other requests,
# other processes) does not cut a diff short.
_engine.time = SimpleNamespace(time=time.thread_time)


def tokens(text: str) -> list[str]:
    """Words, runs of whitespace and single punctuation marks; joined they give back ``text``."""
    return _TOKEN.findall(text)


def diff_words(old: str, new: str) -> list[Segment]:
    """A word-level diff from ``old`` to ``new``: joining ``old`` parts gives old, ``new`` new.

    Two passes of Myers' O(ND) diff (diff-match-patch) over tokens: first sentences and lines, to
    find the changed passages of a long text cheaply, then the words of each changed passage,
    with semantic clean-up. Bounded: the searches together stop after `DIFF_SECONDS` and then
    mark what is left replaced; the result is exact either way. Texts are at most
    `ARTICLE_TEXT_MAX` characters each."""
    if len(old) > ARTICLE_TEXT_MAX or len(new) > ARTICLE_TEXT_MAX:
        raise Invalid(N_("An article's text needs 1 to {max} characters."), max=ARTICLE_TEXT_MAX)
    ends = time.thread_time() + DIFF_SECONDS
    old_words, new_words = tokens(old), tokens(new)
    raw: list[Segment] = []
    gone: list[str] = []
    came: list[str] = []
    for op, text in _diff(_units(old_words), _units(new_words), ends, clean=False):
        if op == 0:
            raw.extend(_diff_passage("".join(gone), "".join(came), ends))
            gone.clear()
            came.clear()
            raw.append(_segment(op, text))
        else:
            (gone if op < 0 else came).append(text)
    raw.extend(_diff_passage("".join(gone), "".join(came), ends))
    return _merge_changes([s for s in raw if s.old or s.new])


def _units(words: list[str]) -> list[str]:
    """Sentences and lines: runs of tokens up to a stop mark or a line break, joined."""
    units: list[str] = []
    start = 0
    for i, word in enumerate(words):
        if word in _STOPS or "\n" in word:
            units.append("".join(words[start : i + 1]))
            start = i + 1
    if start < len(words):
        units.append("".join(words[start:]))
    return units


def _diff_passage(old: str, new: str, ends: float) -> list[Segment]:
    """The word diff of one changed passage."""
    if not old and not new:
        return []
    return [_segment(op, t) for op, t in _diff(tokens(old), tokens(new), ends, clean=True)]


def _diff(old: list[str], new: list[str], ends: float, *, clean: bool) -> list[tuple[int, str]]:
    """diff-match-patch over units written as one private-use code point each, until ``ends``."""
    codes = {u: chr(_PLANE + i) for i, u in enumerate(dict.fromkeys(old + new))}
    units = {code: u for u, code in codes.items()}
    engine = diff_match_patch()
    engine.Diff_Timeout = max(ends - time.thread_time(), 0.0001)  # 0 would mean no limit
    encoded = ("".join(map(codes.__getitem__, seq)) for seq in (old, new))
    ops = engine.diff_main(*encoded, False)
    if clean:
        engine.diff_cleanupSemantic(ops)
    return [(op, "".join(map(units.__getitem__, chars))) for op, chars in ops]


def _segment(op: int, text: str) -> Segment:
    """The run for one diff-match-patch operation (-1 delete, 0 equal, 1 insert)."""
    if op == 0:
        return Segment(DiffOp.EQUAL, text, text)
    return Segment(DiffOp.DELETE, text, "") if op < 0 else Segment(DiffOp.INSERT, "", text)


def _merge_changes(raw: list[Segment]) -> list[Segment]:
    """Join changes separated only by a space, so "bien común" → "derecho humano" reads as one."""
    out: list[Segment] = []
    for i, s in enumerate(raw):
        lone_space = (
            s.op is DiffOp.EQUAL
            and s.old.isspace()
            and 0 < i < len(raw) - 1
            and raw[i + 1].op is not DiffOp.EQUAL
        )
        if out and out[-1].op is not DiffOp.EQUAL and (lone_space or s.op is not DiffOp.EQUAL):
            old, new = out[-1].old + s.old, out[-1].new + s.new
            op = DiffOp.INSERT if not old else DiffOp.DELETE if not new else DiffOp.REPLACE
            out[-1] = Segment(op, old, new)
        else:
            out.append(s)
    return out


def apply_diff(old: str, segments: Iterable[Segment]) -> str:
    """Replay a diff on ``old`` (refused if the diff was made from another text)."""
    segments = list(segments)
    if "".join(s.old for s in segments) != old:
        raise Invalid(N_("This comparison was made from another text."))
    return "".join(s.new for s in segments)


def diff_to_html(segments: Iterable[Segment]) -> str:
    """Escaped HTML: unchanged text as is, removals in ``<del>``, additions in ``<ins>``."""
    parts: list[str] = []
    for s in segments:
        if s.op is DiffOp.EQUAL:
            parts.append(html.escape(s.old))
            continue
        if s.old:
            parts.append(f"<del>{html.escape(s.old)}</del>")
        if s.new:
            parts.append(f"<ins>{html.escape(s.new)}</ins>")
    return "".join(parts)


# --- export --------------------------------------------------------------------------------


def to_markdown(charter: Charter) -> str:
    """The text in force as Markdown: the charter's title, then one heading per article."""
    lines = [f"# {_one_line(charter.title)}", ""]
    for article in current_articles(charter):
        lines += [f"## Artículo {article.number}. {_one_line(article.title)}", "", article.text, ""]
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())
