from sqlalchemy import select

from matcher.extensions import db
from matcher.models import User


def test_create_coordinator_asks_for_password(runner):
    result = runner.invoke(
        args=["create-coordinator", "Boss@Example.org", "--name", "Boss"],
        input="a very long password\na very long password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert (user.email, user.role, user.display_name) == ("boss@example.org", "coordinator", "Boss")


def test_create_coordinator_refuses_bad_input(runner, coordinator):
    result = runner.invoke(
        args=["create-coordinator", coordinator.email], input="a very long password\n" * 2
    )
    assert result.exit_code == 1
    assert "already exists" in result.output
    result = runner.invoke(args=["create-coordinator", "x@example.org"], input="short\nshort\n")
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output
    assert db.session.scalars(select(User.email)).all() == [coordinator.email]


def test_setup_page_disappears_after_cli_coordinator(client, runner):
    assert client.get("/setup").status_code == 200
    runner.invoke(args=["create-coordinator", "c@example.org"], input="a very long password\n" * 2)
    assert client.get("/setup").status_code == 404
