import pytest
from sqlalchemy import func, select

import config
from matcher import create_app
from matcher.extensions import db
from matcher.models import User


@pytest.fixture
def csrf_on(app):
    """CSRF protection as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False


def test_404_page_in_korean(client, coordinator):
    response = client.get("/nowhere", headers={"Accept-Language": "ko"})
    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in response.get_data(as_text=True)


def test_large_post_is_refused_with_413(client, coordinator):
    response = client.post("/login", data={"email": "x" * (10 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_csrf_token_is_required(csrf_on, coordinator):
    response = csrf_on.post("/login", data={"email": coordinator.email, "password": "x" * 12})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    response = csrf_on.post("/login", data={"csrf_token": "forged", "email": coordinator.email})
    assert response.status_code == 400


def test_csrf_token_from_the_page_works(csrf_on, coordinator):
    import re

    page = csrf_on.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_on.post(
        "/login",
        data={"csrf_token": token, "email": coordinator.email, "password": "correct horse battery"},
    )
    assert response.status_code == 302


def test_csrf_error_is_translated(csrf_on, make_term, coordinator):
    make_term()
    response = csrf_on.post("/register", data={}, headers={"Accept-Language": "ko"})
    assert response.status_code == 400
    assert "양식" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_language_switcher_sets_session_and_user(client, auth, make_term, make_user, coordinator):
    term = make_term()
    student = make_user("student", term=term)
    assert 'lang="en"' in client.get("/login").get_data(as_text=True)
    client.post("/language", data={"locale": "ko", "next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="ko">' in page and "로그인" in page
    auth.login(student)
    client.post("/language", data={"locale": "en", "next": "/profile"})
    db.session.refresh(student)
    assert student.locale == "en"


def test_user_setting_beats_browser_language(client, auth, make_term, make_user, coordinator):
    student = make_user("student", term=make_term(), locale="ko")
    auth.login(student)
    page = client.get("/profile", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "내 프로필" in page


def test_language_switcher_ignores_foreign_next(client, coordinator):
    response = client.post("/language", data={"locale": "ko", "next": "https://evil.example/"})
    assert response.location.removeprefix("http://matcher.test") == "/"


def test_production_refuses_to_start_without_secret_key():
    class Prod(config.ProductionConfig):
        SECRET_KEY = None

    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app(Prod)
