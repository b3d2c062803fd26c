"""`flask demo-data` says how every demo login is formed, and what it says is true."""

import re

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Role, User
from matcher.services import demo


def test_demo_data_describes_every_login(runner):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert f"password {demo.DEMO_PASSWORD}" in result.output
    assert "student001@example.org to student078@example.org" in result.output
    people = db.session.execute(select(User.email, User.role, User.display_name)).all()
    students = sorted(email for email, role, _ in people if role == Role.STUDENT)
    assert students == [f"student{k:03d}@example.org" for k in range(1, 79)]
    numbers = []
    for email, role, name in people:
        if role == Role.VOLUNTEER:
            first, initial = name.rstrip(".").lower().split(" ")
            found = re.fullmatch(rf"{first}\.{initial}(\d+)@example\.org", email)
            assert found, (email, name)
            numbers.append(int(found.group(1)))
    assert sorted(numbers) == list(range(1, 79))
    coordinator = next(email for email, role, _ in people if role == Role.COORDINATOR)
    assert f"coordinator  {coordinator} (sets up two-step sign-in" in result.output


def test_demo_data_twice_repeats_the_logins(runner):
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    again = runner.invoke(args=["demo-data"])
    assert again.exit_code == 1
    assert "exists already" in again.output
    assert f"password {demo.DEMO_PASSWORD}" in again.output
