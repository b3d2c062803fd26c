import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent

SLOTS = [str(s) for s in range(38, 44)] + [str(48 + s) for s in range(38, 44)]


def student_form(**fields):
    data = {
        "display_name": "Minji",
        "legal_name": "",
        "english_level": "A2",
        "goals": ["conversation", "speech_contest"],
        "interests": ["music", "cooking"],
        "interests_other": "K-dramas",
        "gender": "female",
        "volunteer_gender": "female",
        "volunteer_gender_required": "y",
        "format": "either",
        "city": "Seoul",
        "contact": "KakaoTalk: minji88",
        "continue_partner": "y",
        "timezone": "Asia/Seoul",
        "availability": SLOTS,
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def volunteer_form(**fields):
    data = {
        "display_name": "Sarah",
        "experience": "teacher",
        "korean_level": "basic",
        "capacity": "2",
        "goals": ["academic", "job_interview"],
        "interests": ["books"],
        "gender": "female",
        "format": "online",
        "city": "",
        "contact": "sarah@example.org",
        "timezone": "America/Los_Angeles",
        "availability": SLOTS,
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def term(make_term, coordinator):
    return make_term()


@pytest.fixture
def student(make_user, term, auth):
    user = make_user("student", term=term, complete=False)
    auth.login(user)
    return user


@pytest.fixture
def volunteer(make_user, term, auth):
    user = make_user("volunteer", term=term, complete=False)
    auth.login(user)
    return user


def test_empty_profile_shows_what_is_missing(client, student):
    page = client.get("/profile").get_data(as_text=True)
    assert "Still missing" in page
    assert 'name="availability"' in page
    assert page.count('type="checkbox" name="availability"') == 336


def test_student_saves_full_profile(client, student):
    response = client.post("/profile", data=student_form())
    assert response.status_code == 302
    profile = student.student_profile
    db.session.refresh(profile)
    assert profile.english_level == "A2"
    assert profile.goals == ["conversation", "speech_contest"]
    assert profile.volunteer_gender_required is True
    assert profile.availability.count("1") == 12
    assert profile.availability[38] == "1" and profile.availability[37] == "0"
    assert student.enrollments[0].continue_partner is True
    page = client.get("/profile").get_data(as_text=True)
    assert "Your profile is complete" in page


@pytest.fixture
def several(term):
    """The term lets volunteers take more than one student (off by default)."""
    term.volunteers_take_several = True
    db.session.commit()
    return term


def test_volunteer_saves_full_profile(client, several, volunteer):
    assert "How many students" in client.get("/profile").get_data(as_text=True)
    assert client.post("/profile", data=volunteer_form()).status_code == 302
    profile = volunteer.volunteer_profile
    db.session.refresh(profile)
    assert (profile.experience, profile.capacity) == ("teacher", 2)
    db.session.refresh(volunteer)
    assert volunteer.timezone == "America/Los_Angeles"


def test_one_to_one_hides_the_capacity_question_and_ignores_an_answer(client, volunteer):
    assert "How many students" not in client.get("/profile").get_data(as_text=True)
    assert client.post("/profile", data=volunteer_form(capacity="3")).status_code == 302
    profile = volunteer.volunteer_profile
    db.session.refresh(profile)
    assert (profile.experience, profile.capacity) == ("teacher", 1)


def test_volunteer_form_has_no_student_fields(client, volunteer):
    page = client.get("/profile").get_data(as_text=True)
    assert "legal_name" not in page and "english_level" not in page
    assert "korean_level" in page


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"availability": []}, "Tick at least 2 hours a week"),
        ({"availability": ["1", "2"]}, "Tick at least 2 hours a week"),
        ({"availability": ["1", "999"]}, "The availability grid was not sent whole"),
        ({"availability": ["x"]}, "The availability grid was not sent whole"),
        ({"english_level": None}, "Choose the level that sounds most like you."),
        ({"english_level": "Z9"}, "Not a valid choice"),
        ({"goals": None}, "Tick at least one goal."),
        ({"goals": ["world_domination"]}, "Choose only from the boxes shown."),
        ({"format": "in_person", "city": " "}, "Tell us the city where you can meet in person."),
        ({"volunteer_gender": ""}, "Choose the tutor gender you need"),
        ({"timezone": "Asia/Pyongyang2"}, "is not a time zone we know"),
        ({"contact": ""}, "Tell us how your partner can contact you."),
        ({"display_name": "  "}, "Enter the name you want to be called."),
        ({"interests_other": "x" * 201}, "Field cannot be longer than 200 characters."),
    ],
)
def test_student_profile_errors_change_nothing(client, student, fields, message):
    before = (student.student_profile.english_level, student.student_profile.availability)
    response = client.post("/profile", data=student_form(**fields))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert "Some answers need fixing" in page
    db.session.refresh(student.student_profile)
    assert (student.student_profile.english_level, student.student_profile.availability) == before


def test_entered_values_are_kept_after_an_error(client, student):
    page = client.post("/profile", data=student_form(goals=None)).get_data(as_text=True)
    assert 'value="KakaoTalk: minji88"' in page
    assert 'value="38" checked' in page


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"capacity": "7"}, "Choose 1, 2 or 3 students."),
        ({"experience": None}, "Choose your teaching experience."),
        ({"korean_level": None}, "Choose your Korean level."),
    ],
)
def test_volunteer_profile_errors(client, several, volunteer, fields, message):
    response = client.post("/profile", data=volunteer_form(**fields))
    assert message in response.get_data(as_text=True)
    db.session.refresh(volunteer.volunteer_profile)
    assert volunteer.volunteer_profile.experience is None


def test_profile_save_is_audited(client, student):
    client.post("/profile", data=student_form())
    assert "profile.updated" in db.session.scalars(select(AuditEvent.action)).all()


def test_coordinator_has_no_profile_page(client, auth, coordinator):
    auth.login(coordinator)
    assert client.get("/profile").status_code == 403


def test_profile_needs_sign_in(client):
    assert client.get("/profile").status_code == 302


def test_returning_student_applies_to_new_term(client, make_term, make_user, auth, coordinator):
    import datetime as dt

    old = make_term(
        name="Old",
        status="closed",
        applications_close_on=dt.date.today() - dt.timedelta(days=1),
        applications_open_on=dt.date.today() - dt.timedelta(days=30),
    )
    new = make_term(name="New")
    user = make_user("student", term=old)
    auth.login(user)
    page = client.get("/profile").get_data(as_text=True)
    assert "Apply for New" in page
    assert client.post(f"/terms/{new.id}/apply").status_code == 302
    db.session.refresh(user)
    assert sorted(e.term.name for e in user.enrollments) == ["New", "Old"]
    # a closed term refuses, and nothing is written
    client.post(f"/terms/{old.id}/apply")
    db.session.refresh(user)
    assert len(user.enrollments) == 2


def test_a_paired_person_is_not_told_to_wait_for_a_partner(client, auth, published):
    """Seen on the demo: a volunteer with two published students read on her profile that the
    coordinators would tell her by email when her partner is ready."""
    _term, students, volunteers = published
    for person in (students[0], volunteers[0]):
        auth.login(person)
        page = client.get("/profile").get_data(as_text=True)
        assert "Your profile is complete, and your partner is ready." in page
        assert 'href="/my-pair"' in page
        assert "will tell you by email when your partner is ready" not in page
        auth.logout()


def test_an_unpaired_person_still_waits(client, auth, pool):
    auth.login(pool[1][0])
    page = client.get("/profile").get_data(as_text=True)
    assert "will tell you by email when your partner is ready" in page
    assert "and your partner is ready." not in page
