"""Forms that validate themselves; business rules are checked again by the services."""

from __future__ import annotations

from flask_wtf import FlaskForm

from matcher.services import ServiceError


def attach_error(form: FlaskForm, error: ServiceError) -> None:
    """Show a service's refusal next to the field it concerns (or at the top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
