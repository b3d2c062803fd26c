"""The one value parser (matcher.roster) as the command line uses it: values as people
type them, every problem of a file kept for the import, CP949 files, unknown interests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from matcher.engine import Student
from matcher.roster import (
    RosterError,
    RosterText,
    Vocabulary,
    decode,
    read_people,
    read_students,
    value_key,
)
from tests.engine.test_engine_csv import EXAMPLES, edit, run


@pytest.fixture
def files(tmp_path: Path) -> Path:
    for name in ("students.csv", "volunteers.csv"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tmp_path


def test_values_compare_ignoring_case_spaces_hyphens_and_underscores():
    assert {value_key(t) for t in ("speech contest", "Speech-Contest", " SPEECH__contest ")} == {
        "speech_contest"
    }
    codes = Vocabulary()
    assert codes.code("goals", "Job Interview") == "job_interview"
    assert codes.code("format", "in-person") == "in_person"
    assert codes.code("english_level", "c1") == "C1"
    assert codes.code("goals", "The speech contest") is None  # a label, without the edge's table
    labelled = Vocabulary({"goals": {"The speech contest": "speech_contest", "x": "nope"}})
    assert labelled.code("goals", "the speech-contest") == "speech_contest"
    assert labelled.code("goals", "x") is None  # a label must name a real code


def test_the_command_line_reads_typed_values_and_warns_about_interests(files, capsys):
    edit(files / "students.csv", 2, "goals", "Speech Contest; job-interview")
    edit(files / "students.csv", 2, "english_level", "b1")
    edit(files / "students.csv", 3, "interests", "music; knitting")
    assert run(files) == 0
    err = capsys.readouterr().err
    assert "warning: " in err and "1 interests outside the list ignored: knitting" in err
    (first, second, *_) = read_students(files / "students.csv")
    assert first.goals == {"speech_contest", "job_interview"} and first.english_level == "B1"
    assert second.interests == {"music"}


def test_an_unknown_goal_stops_the_command_line_at_its_cell(files, capsys):
    edit(files / "students.csv", 3, "goals", "conversation; knitting")
    assert run(files) == 2
    assert "students.csv, row 3, column goals: 'knitting' is not one of" in capsys.readouterr().err


def test_a_cp949_file_is_read_and_a_broken_one_is_not(files):
    text = (files / "students.csv").read_text(encoding="utf-8-sig")
    edit(files / "students.csv", 2, "display_name", "하늘")
    korean = (files / "students.csv").read_text(encoding="utf-8")
    assert decode(korean.encode("cp949")) == (korean, "cp949")
    assert decode(b"\xef\xbb\xbf" + text.encode()) == (text, "utf-8")
    (files / "students.csv").write_bytes(korean.encode("cp949"))
    assert read_students(files / "students.csv")[0].display_name == "하늘"
    (files / "students.csv").write_bytes(text.encode() + b"\xff\xfe\x80")
    with pytest.raises(RosterError, match="is not UTF-8"):
        read_students(files / "students.csv")


def test_the_import_gets_every_problem_of_every_row(files):
    edit(files / "students.csv", 2, "goals", "knitting")
    edit(files / "students.csv", 2, "timezone", "Mars/Base")
    edit(files / "students.csv", 4, "id", "s001")  # the id of row 2
    rows = read_people(RosterText((files / "students.csv").read_text()), Student, "s.csv")
    assert [(p.row, p.column) for p in rows[0].problems] == [(2, "timezone"), (2, "goals")]
    assert [(p.row, p.column) for p in rows[2].problems] == [(4, "id")]
    assert rows[0].person is None and rows[1].person is not None
