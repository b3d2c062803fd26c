"""Roster import on a term's page: every bad file gives a preview that says what to fix,
nothing is written before the coordinator confirms, and confirming writes all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Enrollment, Role, RosterUpload, StudentProfile, User
from matcher.models.base import utcnow
from matcher.roster import Vocabulary
from matcher.sample import generate_people
from matcher.services import roster_import
from matcher.web import labels
from tests.helpers import confirm_import as confirm
from tests.helpers import multipart, roster_csv, upload_id
from tests.helpers import upload_roster as upload

STUDENTS, VOLUNTEERS = generate_people(78, 78, seed=2024)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def students_text(people=STUDENTS) -> str:
    return roster_csv(people)


def edit_cell(text: str, row: int, column: str, value: str) -> str:
    """The file with one cell changed (row numbers as a spreadsheet shows them)."""
    lines = text.split("\r\n")
    header = lines[0].split(",")
    cells = next(csv.reader([lines[row - 1]]))
    cells[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    lines[row - 1] = out.getvalue()
    return "\r\n".join(lines)


@pytest.fixture
def signed_in(client, auth, coordinator, make_term):
    auth.login(coordinator)
    return make_term(name="Spring 2099")


def test_a_cohort_previews_then_imports_once(client, signed_in):
    term = signed_in
    students = students_text().encode("cp949")  # Excel on Korean Windows
    volunteers = roster_csv(VOLUNTEERS).encode("utf-8-sig")  # UTF-8 with a byte-order mark
    preview = upload(client, term, students, volunteers)
    assert preview.status_code == 200
    assert 'id="count-new">156<' in preview.text
    assert "CP949" in preview.text
    assert "하늘" in preview.text or "서연" in preview.text  # the names as read
    assert count(User) == 1  # nothing written before the confirmation
    done = confirm(client, term, preview)
    assert done.status_code == 302
    people = db.session.scalars(select(User).where(User.role != Role.COORDINATOR)).all()
    assert len(people) == 156
    korean = {s.email: s for s in STUDENTS}
    for person in people:
        assert person.password_hash is None and person.email_confirmed_at is None
        assert person.profile.from_import
        if person.email in korean:
            assert person.locale == korean[person.email].locale
            assert person.display_name == korean[person.email].display_name
    enrolled = db.session.scalars(select(Enrollment).where(Enrollment.term_id == term.id)).all()
    assert len(enrolled) == 156 and {e.status for e in enrolled} == {"applied"}
    assert count(RosterUpload) == 0
    # The same files again change nothing.
    stamps = dict(db.session.execute(select(StudentProfile.id, StudentProfile.updated_at)).all())
    again = upload(client, term, students, volunteers)
    assert 'id="count-unchanged">156<' in again.text and 'id="count-new">0<' in again.text
    confirm(client, term, again)
    db.session.expire_all()
    assert dict(db.session.execute(select(StudentProfile.id, StudentProfile.updated_at)).all()) == (
        stamps
    )
    assert count(User) == 157


def test_an_edited_file_updates_answers_never_password_role_or_consent(client, signed_in):
    term = signed_in
    text = students_text(STUDENTS[:3])
    confirm(client, term, upload(client, term, text.encode()))
    person = db.session.scalar(select(User).where(User.email == STUDENTS[0].email))
    person.password_hash, person.terms_accepted_at = "kept-hash", utcnow()
    person.student_profile.from_import = False
    db.session.commit()
    edited = edit_cell(text, 2, "english_level", "C2").replace(
        STUDENTS[0].email, STUDENTS[0].email.upper()
    )
    preview = upload(client, term, edited.encode())
    assert 'id="count-updated">1<' in preview.text and 'id="count-unchanged">2<' in preview.text
    confirm(client, term, preview)
    db.session.expire_all()
    person = db.session.get(User, person.id)
    assert person.student_profile.english_level == "C2"
    assert person.password_hash == "kept-hash" and person.terms_accepted_at is not None
    assert person.role == Role.STUDENT and person.email == STUDENTS[0].email
    assert person.student_profile.from_import  # to confirm again


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("goals", "conversation; knitting"), "Row 2, column goals"),
        (("english_level", "Z9"), "Row 2, column english_level"),
        (("timezone", "Asia/Pyongyang_Nowhere"), "Row 2, column timezone"),
    ],
)
def test_an_unknown_goal_level_or_zone_is_an_error_with_row_and_column(
    client, signed_in, change, message
):
    term = signed_in
    text = edit_cell(students_text(STUDENTS[:2]), 2, *change)
    preview = upload(client, term, text.encode())
    assert message in preview.text
    assert change[1].split("; ")[-1] in preview.text
    assert upload_id(preview) is None and count(RosterUpload) == 0


def test_an_unknown_interest_is_a_warning(client, signed_in):
    term = signed_in
    text = edit_cell(students_text(STUDENTS[:2]), 2, "interests", "music; knitting; K-pop")
    preview = upload(client, term, text.encode())
    assert "2 interests are not on the list" in preview.text
    assert "knitting, K-pop" in preview.text
    confirm(client, term, preview)
    person = db.session.scalar(select(User).where(User.email == STUDENTS[0].email))
    assert person.student_profile.interests == ["music"]
    assert person.student_profile.interests_other == "knitting, K-pop"


def test_values_as_people_type_them_in_english_or_korean(app):
    with force_locale("ko"):
        korean_goal = str(labels.GOALS["speech_contest"])
        korean_format = str(labels.FORMATS["online"])
    vocabulary = Vocabulary(labels.typed_labels())
    for typed in ("speech contest", "Speech-Contest", "SPEECH_CONTEST", "The speech contest"):
        assert vocabulary.code("goals", typed) == "speech_contest"
    assert korean_goal != "The speech contest"
    assert vocabulary.code("goals", korean_goal) == "speech_contest"
    assert vocabulary.code("format", korean_format) == "online"
    assert vocabulary.code("english_level", "b1") == "B1"
    assert vocabulary.code("english_level", "B1 intermediate") == "B1"
    assert vocabulary.code("gender", "Woman") == "female"
    assert vocabulary.code("goals", "knitting") is None


def test_korean_labels_in_a_file(client, signed_in):
    term = signed_in
    with force_locale("ko"):
        goal = str(labels.GOALS["job_interview"])
    text = edit_cell(students_text(STUDENTS[:1]), 2, "goals", f"{goal}; Speech Contest")
    confirm(client, term, upload(client, term, text.encode("utf-8")))
    person = db.session.scalar(select(User).where(User.email == STUDENTS[0].email))
    assert person.student_profile.goals == ["job_interview", "speech_contest"]


def test_addresses_twice_of_the_other_role_or_a_coordinators(
    client, signed_in, make_user, coordinator
):
    term = signed_in
    make_user("volunteer", email=STUDENTS[1].email)
    text = students_text(STUDENTS[:4])
    text = edit_cell(text, 4, "email", STUDENTS[0].email.upper())  # twice in the file
    text = edit_cell(text, 5, "email", coordinator.email)
    preview = upload(client, term, text.encode())
    assert "Row 3, column email" in preview.text and "belongs to a volunteer" in preview.text
    assert "Row 4, column email" in preview.text and "is also on row 2" in preview.text
    assert "Row 5, column email" in preview.text and "a coordinator" in preview.text
    assert upload_id(preview) is None
    # The same address in the students' and the volunteers' file.
    both = roster_csv(VOLUNTEERS[:1]).replace(VOLUNTEERS[0].email, STUDENTS[2].email)
    preview = upload(client, term, students_text(STUDENTS[2:3]).encode(), both.encode())
    assert "row 2 of the other file" in preview.text


def test_bad_files_say_what_to_fix(client, signed_in):
    term = signed_in
    no_email = students_text(STUDENTS[:2]).replace(",email,", ",mail,", 1)
    assert "Row 1, column email: missing column" in upload(client, term, no_email.encode()).text
    latin = "Zoë".encode("latin-1") + b"\xff\xfe\x80"  # neither UTF-8 nor CP949
    text = upload(client, term, students_text(STUDENTS[:1]).encode() + latin).text
    assert "neither UTF-8 nor CP949" in text
    lf = students_text(STUDENTS[:2]).replace("\r\n", "\n").encode()
    assert 'id="count-new">2<' in upload(client, term, lf).text
    empty = upload(client, term, b"")
    assert "the file is empty" in empty.text
    header_only = students_text(STUDENTS[:1]).split("\r\n")[0].encode()
    assert "has no people" in upload(client, term, header_only).text
    nothing = client.post(f"/terms/{term.id}/import", data={})
    assert "Choose a students file" in nothing.text


def test_too_large_or_too_long_files(client, signed_in):
    term = signed_in
    header = students_text(STUDENTS[:1]).split("\r\n")[0]
    row = students_text(STUDENTS[:1]).split("\r\n")[1]
    padded = (header + "\r\n" + row + "\r\n" + " " * roster_import.MAX_BYTES).encode()
    text = upload(client, term, padded).text
    assert "larger than 2 MB" in text
    huge = upload(client, term, padded * 3)  # past the request's limit: this page, a 413
    assert huge.status_code == 413 and "at most 2 MB" in huge.text
    many = generate_people(5001, 1, seed=7)[0]
    text = upload(client, term, roster_csv(many).encode()).text
    assert "more than 5,000 people" in text
    assert count(User) == 1


def test_confirm_is_all_or_nothing_and_only_for_its_coordinator(
    client, signed_in, make_user, auth, app
):
    term = signed_in
    preview = upload(client, term, students_text(STUDENTS[:5]).encode())
    make_user("volunteer", email=STUDENTS[4].email)  # arrives between preview and confirm
    refused = confirm(client, term, preview)
    assert refused.status_code == 302
    assert count(User) == 2  # the coordinator and that volunteer: nobody imported
    # An upload id of another coordinator, another term, or past its hour does nothing.
    other = make_user("coordinator", display_name="Other")
    text = students_text(STUDENTS[:2]).encode()
    token = upload_id(upload(client, term, text))
    auth.logout()
    auth.login(other)
    client.post(f"/terms/{term.id}/import/confirm", data={"upload_id": token})
    assert count(User) == 3
    token = upload_id(upload(client, term, text))
    db.session.get(RosterUpload, token).expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    page = client.post(
        f"/terms/{term.id}/import/confirm", data={"upload_id": token}, follow_redirects=True
    )
    assert "This preview has expired" in page.text and count(User) == 3


def test_the_import_is_for_coordinators_only(client, auth, make_user, make_term):
    term = make_term()
    auth.login(make_user("student", term=term))
    assert client.get(f"/terms/{term.id}/import").status_code == 403
    assert upload(client, term, b"x").status_code == 403


def test_a_file_upload_elsewhere_is_still_refused(client, signed_in):
    response = client.post(
        "/profile", data=multipart({"file": b"x"}), content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 400
