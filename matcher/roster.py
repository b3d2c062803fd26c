"""Roster files: CSV of students, volunteers and constraints in, PAIRS.csv out.

Pure (standard library and the engine), for the CSV mode and the web app's roster
import. Files are UTF-8, with or without a byte-order mark; a file that is not valid
UTF-8 is read as CP949 (Excel on Korean Windows) when it decodes cleanly. Every problem
is a `RosterError` naming the file, the row (the header is row 1, as a spreadsheet
shows it) and the column. Values are read as people type them (`Vocabulary`): codes
case-insensitive, spaces, hyphens and underscores alike, and any label the edge adds
(the web app adds the profile form's English and Korean labels). A row becomes a
`Student` or `Volunteer` through `engine.person_from`: the columns are the engine's
fields, three of them under their documented CSV names (`CSV_NAMES`). See
``docs/csv-format.md``.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from matcher.engine import (
    EngineError,
    MatchResult,
    Student,
    Volunteer,
    person_from,
    vocab,
)

# The engine's field -> its column in the CSV files, where the two names differ.
CSV_NAMES = {
    "volunteer_gender": "tutor_gender",
    "volunteer_gender_required": "tutor_gender_required",
    "continue_partner": "continue",
}
NOT_IN_CSV = frozenset({"approved"})  # everyone in a file takes part
CONSTRAINT_COLUMNS = ("student_id", "volunteer_id", "kind")
PAIR_COLUMNS = ("student_id", "volunteer_id", "score", "overlap_hours", "explanation")
TRUE = ("yes", "true", "1")
FALSE = ("no", "false", "0", "")
FLAGS = TRUE + FALSE
LANGUAGES = ("en", "ko")
# The vocabularies whose values a file may give as a code or as a label; the key each
# field reads its values from (a student's preferred tutor gender is a gender too).
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "english_level": vocab.ENGLISH_LEVELS,
    "goals": vocab.GOALS,
    "interests": vocab.INTERESTS,
    "gender": vocab.GENDERS,
    "format": vocab.FORMATS,
    "experience": vocab.EXPERIENCE,
    "korean_level": vocab.KOREAN_LEVELS,
    "language": LANGUAGES,
    "kind": vocab.CONSTRAINT_KINDS,
}
Labels = Mapping[str, Mapping[str, str]]  # vocabulary -> {a label people may type: its code}


@dataclass(frozen=True)
class RosterText:
    """A file's text already decoded (see `decode`), to read with `read_people`."""

    text: str


Source = str | os.PathLike[str] | IO[str] | RosterText
P = TypeVar("P", Student, Volunteer)


class RosterError(ValueError):
    """A bad roster file: which file, row and column, and what is wrong."""

    def __init__(self, file: str, row: int | None, column: str | None, message: str):
        self.file, self.row, self.column, self.message = file, row, column, message
        where = file + (f", row {row}" if row is not None else "")
        where += f", column {column}" if column else ""
        super().__init__(f"{where}: {message}")


_SEPARATORS = re.compile(r"[\s_\-]+")


@lru_cache(maxsize=4096)
def value_key(text: str) -> str:
    """How typed values compare: case-insensitive; spaces, hyphens and underscores alike
    (``Speech-Contest`` = ``speech contest`` = ``speech_contest``). Cached: a file
    repeats the same few values in every row."""
    return _SEPARATORS.sub("_", text.strip().casefold()).strip("_")


class Vocabulary:
    """The values a file may give for each vocabulary: its codes, and any labels the
    edge adds (`labels`: vocabulary -> {label: code}); one parser for every reader."""

    def __init__(self, labels: Labels | None = None):
        self.tables = {
            name: {value_key(code): code for code in codes} for name, codes in VOCABULARIES.items()
        }
        for name, table in (labels or {}).items():
            for label, code in table.items():
                if code in VOCABULARIES[name]:
                    self.tables[name].setdefault(value_key(label), code)

    def code(self, name: str, text: str) -> str | None:
        """The code `text` names in this vocabulary, or None."""
        return self.tables[name].get(value_key(text))


CODES_ONLY = Vocabulary()


def decode(data: bytes) -> tuple[str, str]:
    """A file's text and the encoding it was read in: UTF-8 (a byte-order mark dropped),
    else CP949 when the bytes decode cleanly as CP949; ValueError for anything else."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as error:
        reason = error.reason
    try:
        return data.decode("cp949"), "cp949"
    except UnicodeDecodeError:
        raise ValueError(f"is not UTF-8 ({reason}), nor CP949 (Korean Windows)") from None


@dataclass(frozen=True)
class Constraint:
    """One row of a constraints file: a coordinator's lock or forbid."""

    student_id: str
    volunteer_id: str
    kind: str
    row: int


def parse_availability(text: str) -> tuple[bool, ...]:
    """``"Mon 19:00-21:00; Wed 20:00-22:30"`` -> 336 booleans; raises ValueError."""
    week = [False] * vocab.SLOTS_PER_WEEK
    given = False
    for entry in (e.strip() for e in text.split(";")):
        if entry:
            slots = _entry(entry)
            week[slots.start : slots.stop] = _ON[: len(slots)]
            given = True
    if not given:
        raise ValueError("no time given")
    return tuple(week)


_ON = [True] * vocab.SLOTS_PER_DAY  # an entry's slots, within one day


@lru_cache(maxsize=4096)
def _entry(entry: str) -> range:
    """The slots of one ``"Mon 19:00-21:00"`` (entries repeat a lot across people)."""
    parts = entry.split()
    if len(parts) != 2 or "-" not in parts[1]:
        raise ValueError(f"{entry!r} is not like 'Mon 19:00-21:00'")
    day = parts[0].capitalize()
    if day not in vocab.DAYS:
        raise ValueError(f"{parts[0]!r} is not a day (Mon ... Sun)")
    start, end = (_half_hours(t, entry) for t in parts[1].split("-", 1))
    if not start < end:
        raise ValueError(f"{entry!r} ends before it starts")
    first = vocab.DAYS.index(day) * vocab.SLOTS_PER_DAY
    return range(first + start, first + end)


def _half_hours(text: str, entry: str) -> int:
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes in ("00", "30")):
        raise ValueError(f"{text!r} in {entry!r} is not a time on the hour or half hour")
    value = int(hours) * 2 + (minutes == "30")
    if value > vocab.SLOTS_PER_DAY:
        raise ValueError(f"{text!r} in {entry!r} is after 24:00")
    return value


def format_availability(availability: Sequence[bool]) -> str:
    """The inverse of `parse_availability`: ``"Mon 19:00-21:00; Wed 20:00-22:30"``."""
    out = []
    per_day = vocab.SLOTS_PER_DAY
    for d, day in enumerate(vocab.DAYS):
        k = 0
        while k < per_day:
            if availability[d * per_day + k]:
                start = k
                while k < per_day and availability[d * per_day + k]:
                    k += 1
                out.append(f"{day} {_clock(start)}-{_clock(k)}")
            k += 1
    return "; ".join(out)


def _clock(half_hours: int) -> str:
    return f"{half_hours // 2:02d}:{30 * (half_hours % 2):02d}"


class _Row:
    """One data row, with parsers that raise `RosterError` at the right cell."""

    def __init__(
        self,
        file: str,
        number: int,
        values: dict[str, str],
        vocabulary: Vocabulary = CODES_ONLY,
    ):
        self.file, self.number, self.values = file, number, values
        self.vocabulary = vocabulary
        self.ignored: list[tuple[str, str]] = []  # (column, value) read but not kept

    def fail(self, column: str, message: str) -> RosterError:
        return RosterError(self.file, self.number, column, message)

    def text(self, column: str) -> str:
        return self.values.get(column, "").strip()

    def required(self, column: str) -> str:
        value = self.text(column)
        if not value:
            raise self.fail(column, "is empty")
        return value

    def code(self, column: str, name: str, empty: bool = False) -> str:
        value = self.text(column)
        if empty and not value:
            return ""
        code = self.vocabulary.code(name, value)
        if code is None:
            raise self.fail(column, _not_one_of(value, VOCABULARIES[name]))
        return code

    def codes(self, column: str, name: str, lenient: bool = False) -> frozenset[str]:
        """`;`-separated values; with `lenient` an unknown one is kept aside, not an error."""
        out = set()
        for item in (i.strip() for i in self.text(column).split(";")):
            if not item:
                continue
            code = self.vocabulary.code(name, item)
            if code is not None:
                out.add(code)
            elif lenient:
                self.ignored.append((column, item))
            else:
                raise self.fail(column, _not_one_of(item, VOCABULARIES[name]))
        return frozenset(out)

    def flag(self, column: str) -> bool:
        value = self.text(column).lower()
        if value not in FLAGS:
            raise self.fail(column, f"{value!r} is not yes/no, true/false, 1/0 or empty")
        return value in TRUE

    def zone(self, column: str) -> str:
        value = self.required(column)
        try:
            _zone(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail(column, f"{value!r} is not a known IANA time zone") from None
        return value

    def availability(self, column: str) -> tuple[bool, ...]:
        try:
            return parse_availability(self.text(column))
        except ValueError as error:
            raise self.fail(column, str(error)) from None

    def capacity(self, column: str) -> int:
        value = self.text(column) or "1"
        if value not in ("1", "2", "3"):
            raise self.fail(column, f"{value!r} is not 1, 2, 3 or empty")
        return int(value)


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    """The zone `name` names, loaded once: `ZoneInfo` keeps alive only the 8 zones it
    was last asked for, so with more zones in a file each row (and the engine's own
    check of each person) read its zone file again."""
    return ZoneInfo(name)


def _not_one_of(value: str, allowed: Sequence[str]) -> str:
    return f"{value!r} is not one of: {', '.join(allowed)} (or the labels the profile form shows)"


Parse = Callable[[_Row, str], Any]


def _code(name: str, empty: bool = False) -> Parse:
    return lambda row, column: row.code(column, name, empty)


def _codes(name: str, lenient: bool = False) -> Parse:
    return lambda row, column: row.codes(column, name, lenient)


# How each field is read from its cell; any other field is the cell's text.
PARSERS: dict[str, Parse] = {
    "id": _Row.required,
    "timezone": _Row.zone,
    "availability": _Row.availability,
    "english_level": _code("english_level"),
    "experience": _code("experience"),
    "korean_level": _code("korean_level"),
    "goals": _codes("goals"),
    "interests": _codes("interests", lenient=True),  # an unknown interest is only a warning
    "gender": _code("gender", empty=True),
    "volunteer_gender": _code("gender", empty=True),
    "volunteer_gender_required": _Row.flag,
    "format": _code("format"),
    "capacity": _Row.capacity,
    "continue_partner": _Row.flag,
}


def _fields(cls: type[Student] | type[Volunteer]) -> tuple[tuple[str, Parse, str], ...]:
    """Each field in the files: its name, how its cell is parsed, its column."""
    return tuple(
        (f.name, PARSERS.get(f.name, _Row.text), CSV_NAMES.get(f.name, f.name))
        for f in fields(cls)
        if f.name not in NOT_IN_CSV
    )


FIELDS = {cls: _fields(cls) for cls in (Student, Volunteer)}


STUDENT_COLUMNS = tuple(column for _, _, column in FIELDS[Student])
VOLUNTEER_COLUMNS = tuple(column for _, _, column in FIELDS[Volunteer])


def _rows(
    source: Source,
    columns: Sequence[str],
    name: str | None,
    *,
    optional: Sequence[str] = (),
    vocabulary: Vocabulary = CODES_ONLY,
    max_rows: int | None = None,
) -> tuple[str, list[_Row]]:
    """Read a CSV file and check its header; each row as a `_Row`.

    `source` is a path (read as `decode` says), a text stream or the text itself
    (`RosterText`). Every column in `columns` must be there, those in `optional` may be.
    """
    file = name or (str(source) if isinstance(source, str | os.PathLike) else "input")
    try:
        if isinstance(source, RosterText):
            text = source.text
        elif isinstance(source, str | os.PathLike):
            with open(source, "rb") as handle:
                text, _ = decode(handle.read())
        else:
            text = source.read()
    except ValueError as error:
        raise RosterError(file, None, None, str(error)) from None
    except OSError as error:
        raise RosterError(file, None, None, f"cannot be read: {error.strerror}") from None
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise RosterError(file, 1, None, "the file is empty; it needs a header row") from None
    except csv.Error as error:
        raise RosterError(file, 1, None, f"is not valid CSV: {error}") from None
    for column in columns:
        if column not in header:
            raise RosterError(file, 1, column, "missing column")
    for column in header:
        if column not in columns and column not in optional:
            raise RosterError(file, 1, column, "unknown column")
        if header.count(column) > 1:
            raise RosterError(file, 1, column, "column given twice")
    rows: list[_Row] = []
    try:
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise RosterError(
                    file, number, None, f"has {len(values)} cells, the header has {len(header)}"
                )
            if max_rows is not None and len(rows) >= max_rows:
                raise RosterError(
                    file, None, None, f"has more than {max_rows:,} people; split it in parts"
                )
            rows.append(_Row(file, number, dict(zip(header, values, strict=True)), vocabulary))
    except csv.Error as error:
        raise RosterError(file, reader.line_num, None, f"is not valid CSV: {error}") from None
    return file, rows


@dataclass
class RosterRow:
    """One person's row as read, with every problem found in it (not only the first)."""

    number: int
    values: dict[str, str]  # the cells as typed
    answers: dict[str, Any]  # engine field -> value, for the cells that could be read
    problems: list[RosterError] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # unknown interests
    person: Student | Volunteer | None = None  # when the row has no problem


def _read_row(cls: type[Student] | type[Volunteer], row: _Row) -> RosterRow:
    """Every cell of a row parsed, each problem kept; then the person, if there is none."""
    out = RosterRow(row.number, row.values, {})
    for name, parse, column in FIELDS[cls]:
        try:
            out.answers[name] = parse(row, column)
        except RosterError as error:
            out.problems.append(error)
    out.ignored = list(row.ignored)
    if not out.problems:
        try:
            out.person = person_from(cls, out.answers)  # type: ignore[type-var]
        except EngineError as error:
            out.problems.append(RosterError(row.file, row.number, None, str(error)))
    return out


def read_people(
    source: Source,
    cls: type[Student] | type[Volunteer],
    name: str | None = None,
    *,
    optional: Sequence[str] = (),
    vocabulary: Vocabulary = CODES_ONLY,
    max_rows: int | None = None,
) -> list[RosterRow]:
    """Every row of a students' or volunteers' file with all its problems (a repeated
    id is one); raises `RosterError` only for the file as a whole (header, encoding,
    too many rows). The CSV mode stops at the first problem; the import shows them all."""
    columns = STUDENT_COLUMNS if cls is Student else VOLUNTEER_COLUMNS
    _, rows = _rows(
        source, columns, name, optional=optional, vocabulary=vocabulary, max_rows=max_rows
    )
    seen: set[str] = set()
    out = []
    for row in rows:
        read = _read_row(cls, row)
        ident = row.text("id")
        if ident and ident in seen:
            read.problems.append(row.fail("id", f"{ident!r} is already used in this file"))
            read.person = None
        seen.add(ident)
        for column in optional:
            if column in VOCABULARIES:
                try:
                    read.answers[column] = row.code(column, column, empty=True)
                except RosterError as error:
                    read.problems.append(error)
                    read.person = None
        out.append(read)
    return out


def ignored_values(rows: Iterable[RosterRow]) -> list[str]:
    """The distinct values read but not kept (interests outside the list), in file order."""
    return list(dict.fromkeys(value for row in rows for _, value in row.ignored))


def _strict(
    source: Source,
    cls: type[P],
    name: str | None,
    warn: Callable[[str], None] | None,
) -> list[P]:
    """`read_people` for the CSV mode: the first problem raises; ignored values warn."""
    rows = read_people(source, cls, name)
    for row in rows:
        if row.problems:
            raise row.problems[0]
    ignored = ignored_values(rows)
    if ignored and warn is not None:
        file = name or (str(source) if isinstance(source, str | os.PathLike) else "input")
        warn(f"{file}: {len(ignored)} interests outside the list ignored: {', '.join(ignored)}")
    return [row.person for row in rows if isinstance(row.person, cls)]


def read_students(
    source: Source, name: str | None = None, *, warn: Callable[[str], None] | None = None
) -> list[Student]:
    """Students from a CSV file or text stream (columns: ``STUDENT_COLUMNS``)."""
    return _strict(source, Student, name, warn)


def read_volunteers(
    source: Source, name: str | None = None, *, warn: Callable[[str], None] | None = None
) -> list[Volunteer]:
    """Volunteers from a CSV file or text stream (columns: ``VOLUNTEER_COLUMNS``)."""
    return _strict(source, Volunteer, name, warn)


def read_constraints(
    source: Source,
    students: Iterable[Student],
    volunteers: Iterable[Volunteer],
    name: str | None = None,
) -> list[Constraint]:
    """Locks and forbids; each id must name someone in the other two files."""
    file, rows = _rows(source, CONSTRAINT_COLUMNS, name)
    student_ids = {s.id for s in students}
    volunteer_ids = {v.id for v in volunteers}
    out = []
    for row in rows:
        sid, vid = row.required("student_id"), row.required("volunteer_id")
        if sid not in student_ids:
            raise row.fail("student_id", f"no student has the id {sid!r}")
        if vid not in volunteer_ids:
            raise row.fail("volunteer_id", f"no volunteer has the id {vid!r}")
        out.append(Constraint(sid, vid, row.code("kind", "kind"), row.number))
    return out


def pair_rows(result: MatchResult) -> list[dict[str, str]]:
    """PAIRS.csv rows: each pair, then each unmatched student and volunteer."""
    out = []
    for p in result.pairs:
        words = "; ".join(c.text for c in p.breakdown)
        if p.locked:
            words = f"{p.origin}: {words}"
        out.append(
            {
                "student_id": p.student_id,
                "volunteer_id": p.volunteer_id,
                "score": f"{p.score:.2f}",
                "overlap_hours": f"{p.overlap_hours:g}",
                "explanation": words,
            }
        )
    for u in result.unmatched_students:
        out.append(_unmatched(u.id, "", u.text))
    for u in result.unmatched_volunteers:
        out.append(_unmatched("", u.id, u.text))
    return out


def _unmatched(student_id: str, volunteer_id: str, text: str) -> dict[str, str]:
    return {
        "student_id": student_id,
        "volunteer_id": volunteer_id,
        "score": "",
        "overlap_hours": "",
        "explanation": text,
    }


def write_pairs(path: str | os.PathLike[str], result: MatchResult) -> None:
    """Write PAIRS.csv (UTF-8 with a byte-order mark, for spreadsheets) atomically."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=".pairs-", suffix=".csv", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(PAIR_COLUMNS)
            writer.writerows([row[c] for c in PAIR_COLUMNS] for row in pair_rows(result))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
