"""CSV mode: `python -m matcher match` on good and bad files."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from matcher.__main__ import main
from matcher.engine import availability_from_slots
from matcher.roster import RosterError, format_availability, parse_availability, read_students

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
TERM = ["--term-start", "2025-03-03", "--term-end", "2025-06-27"]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    for name in ("students.csv", "volunteers.csv", "constraints.csv"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tmp_path


def run(folder: Path, *extra: str) -> int:
    return main(
        [
            "match",
            str(folder / "students.csv"),
            str(folder / "volunteers.csv"),
            "--out",
            str(folder / "pairs.csv"),
            *TERM,
            *extra,
        ]
    )


def edit(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` counts like a spreadsheet (header is row 1)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_the_examples_pair_from_a_real_process(files: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "matcher",
            "match",
            str(files / "students.csv"),
            str(files / "volunteers.csv"),
            "--out",
            str(files / "pairs.csv"),
            "--constraints",
            str(files / "constraints.csv"),
            *TERM,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Matched 12 pairs" in done.stdout and "lowest" in done.stdout
    with (files / "pairs.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["student_id", "volunteer_id", "score", "overlap_hours", "explanation"]
    pairs = [r for r in rows if r["student_id"] and r["volunteer_id"]]
    assert len(pairs) == 12
    assert ("s009", "v007") in {(r["student_id"], r["volunteer_id"]) for r in pairs}
    assert ("s004", "v009") not in {(r["student_id"], r["volunteer_id"]) for r in pairs}
    unmatched = [r for r in rows if not r["volunteer_id"]]
    assert unmatched and all(r["explanation"] and not r["score"] for r in unmatched)
    assert any(not r["student_id"] for r in rows)  # volunteers without a student


def test_byte_order_mark_and_fair_objective(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = files / "students.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run(files, "--objective", "fair", "--min-overlap-hours", "1.5") == 0
    assert "Matched" in capsys.readouterr().out


BAD = [
    ("students.csv", 1, "timezone", "zone_name", "missing column"),
    ("students.csv", 3, "timezone", "Asia/Pyongyang_Nowhere", "not a known IANA time zone"),
    ("volunteers.csv", 4, "availability", "Mon 19:00-21:15", "half hour"),
    ("volunteers.csv", 4, "availability", "Monday 19:00-21:00", "not a day"),
    ("students.csv", 2, "availability", "Tue 22:00-20:00", "ends before it starts"),
    ("students.csv", 2, "availability", "", "no time given"),
    ("students.csv", 5, "id", "s001", "already used"),
    ("students.csv", 6, "english_level", "D1", "not one of"),
    ("students.csv", 6, "goals", "conversation;dancing", "not one of"),
    ("students.csv", 6, "tutor_gender_required", "maybe", "yes/no"),
    ("volunteers.csv", 3, "capacity", "4", "not 1, 2, 3"),
    ("volunteers.csv", 3, "format", "video", "not one of"),
    ("volunteers.csv", 2, "experience", "expert", "not one of"),
    ("constraints.csv", 2, "student_id", "nobody", "no student has the id"),
    ("constraints.csv", 3, "volunteer_id", "v999", "no volunteer has the id"),
    ("constraints.csv", 3, "kind", "prefer", "not one of"),
]


@pytest.mark.parametrize(("name", "row", "column", "value", "message"), BAD)
def test_a_bad_file_exits_2_names_the_cell_and_writes_nothing(
    files: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    row: int,
    column: str,
    value: str,
    message: str,
) -> None:
    edit(files / name, row, column, value)
    assert run(files, "--constraints", str(files / "constraints.csv")) == 2
    error = capsys.readouterr().err
    assert f"{name}, row {row}, column {column}" in error
    assert message in error
    assert not (files / "pairs.csv").exists()


def test_unknown_column_empty_file_and_not_utf8(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        (files / "volunteers.csv")
        .read_text(encoding="utf-8")
        .replace("continue", "continue,notes", 1)
    )
    (files / "volunteers.csv").write_text(text, encoding="utf-8")
    assert run(files) == 2
    assert "volunteers.csv, row 1, column notes: unknown column" in capsys.readouterr().err
    (files / "volunteers.csv").write_text("")
    assert run(files) == 2
    assert "volunteers.csv, row 1: the file is empty" in capsys.readouterr().err
    (files / "volunteers.csv").write_bytes("id,display_name\nv1,Zoë\n".encode("latin-1"))
    assert run(files) == 2
    assert "volunteers.csv: is not UTF-8" in capsys.readouterr().err
    assert not (files / "pairs.csv").exists()


def test_a_lock_that_breaks_a_hard_constraint_exits_2(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (files / "constraints.csv").write_text("student_id,volunteer_id,kind\ns007,v012,lock\n")
    assert run(files, "--constraints", str(files / "constraints.csv")) == 2
    error = capsys.readouterr().err
    assert "constraints.csv, row 2, column kind: lock (s007, v012)" in error
    assert "in common" in error
    assert not (files / "pairs.csv").exists()


def test_bad_arguments_exit_2(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(
            [
                "match",
                "a.csv",
                "b.csv",
                "--out",
                "p.csv",
                "--term-start",
                "2025-13-01",
                "--term-end",
                "2025-06-27",
            ]
        )
    assert raised.value.code == 2
    assert run(files, "--term-end", "2025-01-01") == 2
    assert "before" in capsys.readouterr().err
    missing = main(
        [
            "match",
            str(files / "none.csv"),
            str(files / "volunteers.csv"),
            "--out",
            str(files / "pairs.csv"),
            *TERM,
        ]
    )
    assert missing == 2
    assert not (files / "pairs.csv").exists()


def test_availability_text_round_trips() -> None:
    text = "Mon 19:00-21:00; Wed 20:00-22:30; Sun 23:00-24:00"
    assert format_availability(parse_availability(text)) == text
    assert format_availability(parse_availability("wed 20:00-21:00;mon 19:00-20:00")) == (
        "Mon 19:00-20:00; Wed 20:00-21:00"
    )
    week = parse_availability("Mon 19:00-21:00; mon 20:00-22:00;; Mon 22:00-22:30 ;")
    assert week == availability_from_slots(range(38, 45)) and len(week) == 336
    assert format_availability(week) == "Mon 19:00-22:30"


def imported_by(*args: str) -> tuple[int, set[str]]:
    """The exit code of a real `python -m matcher` process and the modules it imported."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "matcher", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line.split("|") for line in done.stderr.splitlines()]
    return done.returncode, {line[-1].strip() for line in lines if len(line) == 3}


def test_the_command_imports_only_what_it_uses(files: Path) -> None:
    args = ["match", str(files / "students.csv"), str(files / "volunteers.csv")]
    code, modules = imported_by(*args, "--out", str(files / "pairs.csv"), *TERM)
    assert code == 0 and {"numpy", "scipy.sparse.csgraph", "matcher.engine.solve"} <= modules
    unused = ("recruit", "queries", "stability")
    assert not modules & {f"matcher.engine.{name}" for name in unused}
    assert not {m for m in modules if m.split(".")[0] in ("flask", "sqlalchemy")}
    # A bad file is answered before NumPy and SciPy are loaded.
    edit(files / "students.csv", 2, "goals", "knitting")
    code, modules = imported_by(*args, "--out", str(files / "pairs.csv"), *TERM)
    assert code == 2 and "matcher.roster" in modules
    assert not {m for m in modules if m.split(".")[0] in ("numpy", "scipy")}


def test_roster_error_carries_file_row_and_column(files: Path) -> None:
    edit(files / "students.csv", 4, "gender", "unknown")
    with pytest.raises(RosterError) as raised:
        read_students(files / "students.csv")
    assert (raised.value.row, raised.value.column) == (4, "gender")


def test_phases_go_to_stderr_for_large_files_unless_quiet(
    files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(files) == 0
    assert capsys.readouterr().err == ""  # a dozen people: no phases
    monkeypatch.setattr("matcher.__main__.PHASES_FROM", 10)
    assert run(files) == 0
    err = capsys.readouterr().err
    assert "read the files:" in err and "match:" in err and "solve" in err
    assert "write the pairs" in err
    assert run(files, "--quiet") == 0
    assert capsys.readouterr().err == ""
