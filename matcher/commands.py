"""`flask --app matcher ...` commands: an edge like the views, one use case per command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask

from matcher import engine
from matcher.mail import send_mail_command
from matcher.models import Term
from matcher.models.base import utcnow
from matcher.services import (
    ServiceError,
    accounts,
    checkins,
    demo,
    erasure,
    publishing,
    rounds,
    terms,
)
from matcher.web.util import use_case


@contextmanager
def command_use_case() -> Iterator[None]:
    """`use_case`, with a refusal shown as the command's error (and nothing written)."""
    try:
        with use_case():
            yield
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    except engine.EngineError as error:
        raise click.ClickException(str(error)) from error


def _term(name: str) -> Term:
    term = terms.find_term(name)
    if term is None:
        raise click.ClickException(f"No term is called {name!r}.")
    return term


@click.command("create-coordinator")
@click.argument("email")
@click.option("--name", "display_name", default="Coordinator", show_default=True)
@click.password_option(help="Asked for when not given.")
def create_coordinator(email: str, display_name: str, password: str) -> None:
    """Create a coordinator account (asks for the password)."""
    with command_use_case():
        user = accounts.create_coordinator(email, password, display_name)
    click.echo(f"Coordinator {user.email} created.")
    click.echo("At their first sign-in they set up two-step sign-in with an authenticator app.")


def _demo_logins(coordinator: str, volunteer: str | None = None) -> list[str]:
    """How every demo login is formed: one password, addresses in three patterns."""
    example = f"e.g. {volunteer}; " if volunteer else ""
    return [
        f"Every demo login has the password {demo.DEMO_PASSWORD}:",
        f"  coordinator  {coordinator} (sets up two-step sign-in at the first sign-in)",
        "  students     student001@example.org to student078@example.org",
        "  volunteers   first name, a dot, the last name's initial and a number from 1 to 78,",
        f"               {example}the term's page lists every address",
    ]


@click.command("demo-data")
@click.option("--seed", default=2024, show_default=True, help="Same seed, same people.")
def demo_data(seed: int) -> None:
    """Fill the database with an open term of 78 students and 78 volunteers."""
    try:
        with use_case():
            logins = demo.load_demo(dt.date.today(), seed=seed)
    except ServiceError as error:  # loaded already: say how to sign in, and stop
        click.echo(error.message, err=True)
        click.echo("\n".join(_demo_logins(demo.COORDINATOR_EMAIL)))
        raise click.exceptions.Exit(1) from error
    click.echo(f"Demo term {logins.term.name!r} created: 78 students, 78 volunteers.")
    click.echo("\n".join(_demo_logins(logins.coordinator, logins.volunteer)))


@click.command("run-round")
@click.argument("term_name")
@click.option("--objective", type=click.Choice(["best", "fair"]), default="best")
@click.option("--min-overlap-hours", type=float, default=2.0, show_default=True)
def run_round(term_name: str, objective: str, min_overlap_hours: float) -> None:
    """Run a matching round for TERM_NAME (or its id) and print the summary."""
    term = _term(term_name)
    with command_use_case():
        settings = engine.Settings(objective=objective, min_overlap_hours=min_overlap_hours)
        round_ = rounds.run_round(term, settings, by=None)
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


@click.command("publish-round")
@click.argument("term_name")
@click.argument("number", type=int)
@click.option("--by", "coordinator_email", required=True, help="The coordinator who publishes.")
def publish_round(term_name: str, number: int, coordinator_email: str) -> None:
    """Publish round NUMBER of TERM_NAME (or its id); queue an email to each newly paired person."""
    term = _term(term_name)
    with command_use_case():
        round_ = rounds.get_round(term, number)
        if round_ is None:
            raise click.ClickException(f"{term.name} has no round {number}.")
        by = accounts.coordinator_by_email(coordinator_email)
        outcome = publishing.publish_round(round_, by=by, today=dt.date.today())
    click.echo(
        f"Round {number} of {term.name} is published: {outcome.pairs} pairs; "
        f"{len(outcome.notifications)} emails queued (the send-mail worker sends them)."
    )


@click.command("send-check-ins")
def send_check_ins() -> None:
    """Queue the check-in emails whose week has come (run daily, e.g. from cron)."""
    with command_use_case():
        queued = checkins.send_check_ins(dt.date.today())
    click.echo(f"{queued} check-in emails queued (the send-mail worker sends them).")


class _DryRun(Exception):
    """Rolls the purge back after counting (the use case rolls back on any exception)."""


@click.command("purge-term")
@click.argument("term_name")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
def purge_term(term_name: str, dry_run: bool) -> None:
    """Remove the personal data of the closed term TERM_NAME (or its id), in one transaction.

    The term and its anonymous figures stay; the accounts of people in no later term go.
    """
    term = _term(term_name)
    name = term.name
    try:
        with command_use_case():
            removed = erasure.purge_term(term)
            if dry_run:
                raise _DryRun
    except _DryRun:
        click.echo(f"Dry run: purging {name} would remove (nothing was changed):")
    else:
        click.echo(f"Purged the personal data of {name}:")
    for kind, words in erasure.PURGED_KINDS.items():
        click.echo(f"  {removed.get(kind, 0):6d}  {words}")


@click.command("forget-unconfirmed")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=erasure.UNCONFIRMED_DAYS,
    show_default=True,
    help="Forget the sign-ups older than this.",
)
def forget_unconfirmed(days: int) -> None:
    """Forget the sign-ups whose address nobody confirmed within DAYS (run daily, e.g. from
    cron): the address may be a stranger's, and the account never could sign in."""
    with command_use_case():
        forgotten = erasure.forget_unconfirmed(now=utcnow(), days=days)
    click.echo(f"Forgot {forgotten} sign-up(s) whose address nobody confirmed in {days} days.")


def register(app: Flask) -> None:
    for command in (
        create_coordinator,
        demo_data,
        run_round,
        publish_round,
        purge_term,
        forget_unconfirmed,
        send_mail_command,
        send_check_ins,
    ):
        app.cli.add_command(command)
