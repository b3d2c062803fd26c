"""`flask --app matcher ...` commands."""

from __future__ import annotations

import datetime as dt

import click
from flask import Flask
from sqlalchemy import select

from matcher import engine
from matcher.extensions import db
from matcher.models import Term
from matcher.services import ServiceError, accounts, demo, rounds


@click.command("create-coordinator")
@click.argument("email")
@click.option("--name", "display_name", default="Coordinator", show_default=True)
@click.password_option(help="Asked for when not given.")
def create_coordinator(email: str, display_name: str, password: str) -> None:
    """Create a coordinator account (asks for the password)."""
    try:
        user = accounts.create_coordinator(email, password, display_name)
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Coordinator {user.email} created.")
    click.echo("At their first sign-in they set up two-step sign-in with an authenticator app.")


@click.command("demo-data")
@click.option("--seed", default=2024, show_default=True, help="Same seed, same people.")
def demo_data(seed: int) -> None:
    """Fill the database with an open term of 78 students and 78 volunteers."""
    try:
        logins = demo.load_demo(dt.date.today(), seed=seed)
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Demo term {logins.term.name!r} created: 78 students, 78 volunteers.")
    click.echo(f"Coordinator: {logins.coordinator}  password: {logins.password}")
    click.echo(f"A student:   {logins.student}  password: {logins.password}")
    click.echo(f"A volunteer: {logins.volunteer}  password: {logins.password}")


@click.command("run-round")
@click.argument("term_name")
@click.option("--objective", type=click.Choice(["best", "fair"]), default="best")
@click.option("--min-overlap-hours", type=float, default=2.0, show_default=True)
def run_round(term_name: str, objective: str, min_overlap_hours: float) -> None:
    """Run a matching round for TERM_NAME (or its id) and print the summary."""
    term = db.session.scalar(select(Term).where(Term.name == term_name))
    if term is None and term_name.isdigit():
        term = db.session.get(Term, int(term_name))
    if term is None:
        raise click.ClickException(f"No term is called {term_name!r}.")
    try:
        settings = engine.Settings(objective=objective, min_overlap_hours=min_overlap_hours)
        round_ = rounds.run_round(term, settings, by=None)
    except (ServiceError, engine.EngineError) as error:
        raise click.ClickException(getattr(error, "message", str(error))) from error
    view = rounds.view_round(round_)
    click.echo(
        f"Round {round_.number} of {term.name}: {round_.matched} pairs, "
        f"{len(view.unmatched_students)} students and {len(view.unmatched_volunteers)} "
        f"volunteers unmatched; lowest score {round_.lowest_score}, mean {round_.mean_score}; "
        f"{round_.seconds:.3f} s."
    )
    for row in view.unmatched_students:
        click.echo(f"  unmatched student {row.name}: {row.reason}")
    for row in view.unmatched_volunteers:
        click.echo(f"  unmatched volunteer {row.name}: {row.reason}")


def register(app: Flask) -> None:
    for command in (create_coordinator, demo_data, run_round):
        app.cli.add_command(command)
