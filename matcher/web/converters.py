"""What a URL may carry: ids the database's INTEGER can hold, text without control codes.

PostgreSQL's INTEGER is 32-bit: a larger id would fail in the query (a 500) instead of
simply finding nothing (a 404). Every `<int:...>` route, `?round=`-style query id and id
field goes through `parse_id`, so that bound holds in one place. A query string with a
control character (a NUL, which PostgreSQL cannot compare; a line break, which cannot go
into a redirect's header) is a 400 before any view reads it.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, Map, ValidationError

DB_INT_MAX = 2**31 - 1
_MAX_DIGITS = len(str(DB_INT_MAX))
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def parse_id(text: Any) -> int:
    """`text` as an id (ASCII digits, 0 to DB_INT_MAX), else ValueError.

    Unlike `int()`, refuses signs, spaces, underscores and non-ASCII digits ("²", "٣").
    Usable as `request.args.get(name, type=parse_id)` and as a field's `coerce`.
    """
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str) or not 0 < len(text) <= _MAX_DIGITS:
        raise ValueError("not an id")
    if not (text.isascii() and text.isdigit()) or int(text) > DB_INT_MAX:
        raise ValueError("not an id")
    return int(text)


def id_arg(name: str) -> int | None:
    """The query-string id `name`: None when absent or empty, 404 when it cannot be an id."""
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return parse_id(raw)
    except ValueError:
        abort(404)


class IdConverter(IntegerConverter):
    """`<int:...>` bounded to the database's INTEGER: a larger number is a 404."""

    regex = r"[0-9]+"

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> Any:
        if len(value) > _MAX_DIGITS:
            raise ValidationError()
        return super().to_python(value)


def refuse_control_characters_in_query() -> None:
    if any(_CONTROL.search(text) for item in request.args.items(multi=True) for text in item):
        abort(400)


def register(app: Flask) -> None:
    """Make `<int:...>` mean IdConverter in every route (call before adding routes), and
    refuse query strings with control characters."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_control_characters_in_query)
