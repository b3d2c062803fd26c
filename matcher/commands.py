"""`flask --app matcher ...` commands."""

from __future__ import annotations

import click
from flask import Flask

from matcher.services import ServiceError, accounts


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


def register(app: Flask) -> None:
    app.cli.add_command(create_coordinator)
