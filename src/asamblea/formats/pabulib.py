"""Pabulib `.pb` files (pabulib.org): read and write META, PROJECTS and VOTES.

A file has three sections, each a heading line then a `;`-separated header and rows::

    META                PROJECTS                 VOTES
    key;value           project_id;cost;...      voter_id;vote[;points];...
    budget;100000       1;25000;...              v1;1,3[;2,1]

Vote types: ``approval`` and ``choose-1`` (a list of project ids), ``cumulative`` (ids with a
parallel ``points`` list) and ``ordinal`` (ids from most to least preferred, read as ranks 1, 2, …).
An ordinal file may carry a ``points`` column with the points per rank the city used (Kraków:
``3,2,1`` on every vote): `PabulibFile.scoring` returns it when every vote agrees with one vector.
META's ``rule`` is mapped to ours by `file_rule` where we implement it. Money in the file is in
currency units with at most two decimals; the model keeps integer céntimos (× 100).

Every problem raises `asamblea.formats.errors.FormatError` with the 1-based line number.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from asamblea.core.budgeting import (
    BallotKind,
    Ballots,
    Completion,
    Instance,
    Project,
    Rule,
    Scoring,
)
from asamblea.core.errors import DomainError
from asamblea.formats.errors import FormatError

SECTIONS = ("meta", "projects", "votes")
VOTE_TYPES = {
    "approval": BallotKind.APPROVAL,
    "choose-1": BallotKind.APPROVAL,
    "cumulative": BallotKind.CUMULATIVE,
    "ordinal": BallotKind.ORDINAL,
}

FILE_RULES = {
    "greedy": (Rule.GREEDY, Completion.NONE),
    "equalshares": (Rule.EQUAL_SHARES, Completion.NONE),
    "equalshares/add1": (Rule.EQUAL_SHARES, Completion.ADD1),
}
"""META ``rule`` values we implement, as (rule, completion). Others (``greedy-threshold``,
``greedy-no-skip``, ``equalshares/add1-comparison``, ``unknown``) are not mapped."""

Row = tuple[str, ...]
MAX_CENTS = 10**15
"""Largest amount accepted, in céntimos (ten trillion units: far above any real budget)."""
MAX_POINTS = 10**6


@dataclass(frozen=True, eq=False)
class PabulibFile:
    """A parsed file: the raw sections (for writing back) and the model built from them."""

    meta: tuple[tuple[str, str], ...]
    project_columns: Row
    projects: tuple[Row, ...]
    vote_columns: Row
    votes: tuple[Row, ...]
    instance: Instance
    ballots: Ballots
    scoring: Scoring | None = None
    """Points per rank from an ordinal file's ``points`` column, when all votes agree."""

    def meta_value(self, key: str, default: str | None = None) -> str | None:
        """A META value by key."""
        return dict(self.meta).get(key, default)

    @property
    def kind(self) -> BallotKind:
        """The kind of ballots in the file."""
        return self.ballots.kind

    def file_rule(self) -> tuple[Rule, Completion] | None:
        """The rule META names, when we implement it (see `FILE_RULES`)."""
        name = (self.meta_value("rule") or "").strip().lower()
        return FILE_RULES.get(name)

    def selected(self) -> frozenset[str] | None:
        """Projects marked ``selected`` = 1 (the official winners), if the column exists."""
        if "selected" not in self.project_columns:
            return None
        column = self.project_columns.index("selected")
        return frozenset(row[0] for row in self.projects if row[column].strip() == "1")


def read_pabulib(path: str | Path) -> PabulibFile:
    """Read a `.pb` file (UTF-8), or a gzip-compressed one (`.pb.gz`)."""
    try:
        raw = Path(path).read_bytes()
        if str(path).endswith(".gz"):
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FormatError("el archivo no está en UTF-8", path=path) from error
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise FormatError("el archivo .gz está dañado", path=path) from error
    except OSError as error:
        raise FormatError(f"no se puede leer el archivo ({error.strerror})", path=path) from error
    try:
        return parse_pabulib(text)
    except FormatError as error:
        raise error.at(path) from None


def parse_pabulib(text: str) -> PabulibFile:
    """Parse the text of a `.pb` file."""
    sections = _split_sections(text)
    meta = _read_meta(sections["meta"])
    meta_map = dict(meta)
    lines = _meta_lines(sections["meta"])
    budget = _money(_required(meta_map, "budget"), "budget", lines["budget"])
    vote_type = _required(meta_map, "vote_type").strip().lower()
    if vote_type not in VOTE_TYPES:
        raise FormatError(
            f"tipo de voto no soportado: {vote_type!r} (se admiten {', '.join(VOTE_TYPES)})",
            line=lines["vote_type"],
        )
    kind = VOTE_TYPES[vote_type]
    project_columns, project_rows = _table(sections["projects"], ("project_id", "cost"))
    instance = _instance(budget, project_columns, project_rows)
    vote_columns, vote_rows = _table(sections["votes"], ("voter_id", "vote"))
    if kind is BallotKind.CUMULATIVE and "points" not in vote_columns:
        raise FormatError("votos acumulativos sin columna 'points'", line=sections["votes"][0][0])
    ballots, scoring = _ballots(kind, instance, vote_columns, vote_rows)
    return PabulibFile(
        meta=meta,
        project_columns=project_columns,
        projects=tuple(row for _, row in project_rows),
        vote_columns=vote_columns,
        votes=tuple(row for _, row in vote_rows),
        instance=instance,
        ballots=ballots,
        scoring=scoring,
    )


Numbered = list[tuple[int, list[str]]]


def _split_sections(text: str) -> dict[str, Numbered]:
    """Rows of each section with their line numbers; the first row of each is its header."""
    reader = csv.reader(io.StringIO(text), delimiter=";")
    sections: dict[str, Numbered] = {}
    current: Numbered | None = None
    try:
        for row in reader:
            line = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            name = row[0].strip().lower()
            if name in SECTIONS and len(row) == 1:
                if name in sections:
                    raise FormatError(f"sección {name.upper()} repetida", line=line)
                current = sections[name] = []
            elif current is None:
                raise FormatError("el archivo debe empezar con la sección META", line=line)
            else:
                current.append((line, row))
    except csv.Error as error:
        raise FormatError(f"CSV inválido: {error}", line=reader.line_num) from error
    for name in SECTIONS:
        if name not in sections:
            raise FormatError(f"falta la sección {name.upper()}")
        if not sections[name]:
            raise FormatError(f"la sección {name.upper()} no tiene encabezado")
    return sections


def _read_meta(rows: Numbered) -> tuple[tuple[str, str], ...]:
    pairs = []
    for line, row in rows[1:]:
        if len(row) < 2:
            raise FormatError("META espera 'clave;valor'", line=line)
        pairs.append((row[0].strip(), row[1].strip()))
    return tuple(pairs)


def _meta_lines(rows: Numbered) -> dict[str, int]:
    """The line of each META key (the last one when a key repeats, as ``dict(meta)`` keeps)."""
    return {row[0].strip(): line for line, row in rows[1:]}


def _required(meta: dict[str, str], key: str) -> str:
    if key not in meta:
        raise FormatError(f"falta '{key}' en META")
    return meta[key]


def _money(value: str, what: str, line: int) -> int:
    """Currency units with at most two decimals → integer céntimos."""
    try:
        amount = Decimal(value.strip().replace(",", "."))
    except InvalidOperation as error:
        raise FormatError(f"{what} no es un número: {value!r}", line=line) from error
    cents = amount * 100
    if not cents.is_finite() or cents != cents.to_integral_value() or cents < 0:
        raise FormatError(
            f"{what} debe ser un monto no negativo con a lo más dos decimales: {value!r}",
            line=line,
        )
    if cents > MAX_CENTS:
        raise FormatError(f"{what} es demasiado grande: {value!r}", line=line)
    return int(cents)


def _table(rows: Numbered, required: Sequence[str]) -> tuple[Row, list[tuple[int, Row]]]:
    header_line, header = rows[0]
    columns = tuple(h.strip() for h in header)
    for name in required:
        if name not in columns:
            raise FormatError(f"falta la columna '{name}'", line=header_line)
    body = []
    for line, row in rows[1:]:
        if len(row) != len(columns):
            raise FormatError(f"se esperaban {len(columns)} campos y hay {len(row)}", line=line)
        body.append((line, tuple(row)))
    return columns, body


def _instance(budget: int, columns: Row, rows: list[tuple[int, Row]]) -> Instance:
    cost_at = columns.index("cost")
    name_at = columns.index("name") if "name" in columns else None
    projects = []
    seen: set[str] = set()
    for line, row in rows:
        pid = row[0].strip()
        if not pid or pid in seen:
            raise FormatError(f"project_id vacío o repetido: {pid!r}", line=line)
        seen.add(pid)
        cost = _money(row[cost_at], f"el costo de {pid}", line)
        name = row[name_at].strip() if name_at is not None else ""
        projects.append(Project(pid, cost, name))
    try:
        return Instance(budget=budget, projects=tuple(projects))
    except DomainError as error:
        raise FormatError(str(error)) from error


def _ballots(
    kind: BallotKind, instance: Instance, columns: Row, rows: list[tuple[int, Row]]
) -> tuple[Ballots, Scoring | None]:
    """Merge identical vote fields first (fast), then parse each distinct one once."""
    vote_at = columns.index("vote")
    points_at = columns.index("points") if "points" in columns else None
    raw: dict[tuple[str, str], int] = {}
    first_line: dict[tuple[str, str], int] = {}
    for line, row in rows:
        key = (row[vote_at], row[points_at] if points_at is not None else "")
        if key in raw:
            raw[key] += 1
        else:
            raw[key] = 1
            first_line[key] = line
    index = instance.index()
    parsed = [_parse_vote(kind, key, index, first_line[key]) for key in raw]
    scoring = _file_scoring(raw, first_line) if kind is BallotKind.ORDINAL else None
    try:
        return Ballots.merge(kind, len(instance.projects), parsed, raw.values()), scoring
    except DomainError as error:  # pragma: no cover - _parse_vote already checks
        raise FormatError(str(error)) from error


def _file_scoring(
    raw: dict[tuple[str, str], int], lines: dict[tuple[str, str], int]
) -> Scoring | None:
    """The one points-per-rank vector every ranked vote's ``points`` field follows, if any.

    A vote ranking ``k`` projects must carry the first ``k`` entries of the vector; None when the
    file has no such column or votes disagree (the rules then need a scoring given).
    """
    vector: list[int] = []
    for (vote, points), _count in raw.items():
        ranked = [n for n in vote.split(",") if n.strip()]
        values = [v.strip() for v in points.split(",") if v.strip()]
        if not ranked:
            continue
        if len(values) != len(ranked):
            return None
        if any(not (v.isascii() and v.isdecimal()) or len(v) > 7 for v in values):
            raise FormatError(f"puntos inválidos: {points!r}", line=lines[(vote, points)])
        numbers = [int(v) for v in values]
        common = min(len(vector), len(numbers))
        if numbers[:common] != vector[:common]:
            return None
        if len(numbers) > len(vector):
            vector = numbers
    try:
        return Scoring(vector=tuple(vector)) if vector else None
    except DomainError:
        return None


def _parse_vote(
    kind: BallotKind, key: tuple[str, str], index: dict[str, int], line: int
) -> dict[int, int]:
    names = [n.strip() for n in key[0].split(",") if n.strip()]
    if kind is BallotKind.CUMULATIVE:
        values = [v.strip() for v in key[1].split(",") if v.strip()]
        if len(values) != len(names):
            raise FormatError("'vote' y 'points' tienen distinto número de elementos", line=line)
    elif kind is BallotKind.ORDINAL:
        values = [str(rank) for rank in range(1, len(names) + 1)]
    else:
        values = ["1"] * len(names)
    ballot: dict[int, int] = {}
    for name, value in zip(names, values, strict=True):
        if name not in index:
            raise FormatError(f"el voto menciona un proyecto desconocido: {name!r}", line=line)
        if index[name] in ballot:
            raise FormatError(f"el voto menciona dos veces el proyecto {name!r}", line=line)
        if not (value.isascii() and value.isdecimal()) or len(value) > 7 or int(value) > MAX_POINTS:
            raise FormatError(f"puntos inválidos: {value!r}", line=line)
        if int(value) > 0:
            ballot[index[name]] = int(value)
    return ballot


def write_pabulib(data: PabulibFile) -> str:
    """The text of a `.pb` file for ``data`` (`;`-separated, quoted as needed)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(data.meta)
    writer.writerow(["PROJECTS"])
    writer.writerow(data.project_columns)
    writer.writerows(data.projects)
    writer.writerow(["VOTES"])
    writer.writerow(data.vote_columns)
    writer.writerows(data.votes)
    return out.getvalue()


def save_pabulib(data: PabulibFile, path: str | Path) -> None:
    """Write ``data`` to ``path`` (UTF-8)."""
    Path(path).write_text(write_pabulib(data), encoding="utf-8")


def units(cents: int) -> str:
    """Céntimos as currency units, without decimals when whole (as Pabulib files do)."""
    whole, rest = divmod(cents, 100)
    return str(whole) if rest == 0 else f"{whole}.{rest:02d}"


def to_pabulib(
    instance: Instance,
    ballots: Ballots,
    *,
    meta: Sequence[tuple[str, str]] = (),
    selected: Sequence[str] | None = None,
) -> PabulibFile:
    """Build a file from our model: one VOTES row per voter (distinct ballots expanded)."""
    kind_name = str(ballots.kind)
    fixed = {"budget", "vote_type", "num_projects", "num_votes"}
    extra = [(k, v) for k, v in meta if k not in fixed]
    head = [
        ("num_projects", str(len(instance.projects))),
        ("num_votes", str(ballots.num_voters)),
        ("budget", units(instance.budget)),
        ("vote_type", kind_name),
    ]
    project_columns: Row = ("project_id", "cost", "votes", "name")
    support = ballots.supporters().tolist()
    rows: list[Row] = [
        (p.id, units(p.cost), str(support[i]), p.name) for i, p in enumerate(instance.projects)
    ]
    if selected is not None:
        chosen = set(selected)
        project_columns = (*project_columns, "selected")
        rows = [(*row, "1" if row[0] in chosen else "0") for row in rows]
    cumulative = ballots.kind is BallotKind.CUMULATIVE
    vote_columns: Row = ("voter_id", "vote", "points") if cumulative else ("voter_id", "vote")
    votes = tuple(_expand(instance, ballots, cumulative=cumulative))
    return PabulibFile(
        meta=tuple(head + extra),
        project_columns=project_columns,
        projects=tuple(rows),
        vote_columns=vote_columns,
        votes=votes,
        instance=instance,
        ballots=ballots,
    )


def _expand(instance: Instance, ballots: Ballots, *, cumulative: bool) -> Iterator[Row]:
    voter = 0
    ids = instance.ids
    ordinal = ballots.kind is BallotKind.ORDINAL
    for group in range(ballots.num_groups):
        ballot = ballots.ballot(group)
        order = sorted(ballot, key=ballot.__getitem__) if ordinal else list(ballot)
        vote = ",".join(ids[p] for p in order)
        points = ",".join(str(v) for v in ballot.values())
        for _ in range(int(ballots.counts[group])):
            voter += 1
            yield (str(voter), vote, points) if cumulative else (str(voter), vote)
