"""The layers' boundaries, read from the code: imports go web -> services -> models/engine.

Services use no request machinery (only the translation functions of Flask-Babel), never
import the web layer or the edges (mail, commands, the app factory); models import
neither; the engine imports no Flask and no SQLAlchemy; views leave the database to
the services.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import flask
import flask_login
import pytest

import matcher

PACKAGE = Path(matcher.__file__).parent
REQUEST_MACHINERY = {
    "request",
    "session",
    "g",
    "current_app",
    "render_template",
    "render_template_string",
    "url_for",
    "redirect",
    "flash",
    "abort",
    "has_request_context",
}
TRANSLATION = {"gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext", "npgettext"}
EDGES = ("matcher.web", "matcher.mail", "matcher.commands", "matcher.app")


def modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> Iterator[tuple[str, str | None]]:
    """(module, name) of every import in a file, at any depth (inside functions too)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the file's package
                package = module_name(path).split(".")
                package = package[: len(package) - node.level + (path.name == "__init__.py")]
                base = ".".join([*package, base] if base else package)
            for alias in node.names:
                yield base, alias.name


def within(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def flask_family(module: str) -> bool:
    return module.split(".")[0].startswith(("flask", "werkzeug", "jinja2"))


@pytest.mark.parametrize("path", modules("services"), ids=lambda p: p.name)
def test_services_import_no_request_machinery(path):
    for module, name in imports(path):
        if flask_family(module):
            assert module == "flask_babel" and name in TRANSLATION, (
                f"{path.name} imports {name or module} from {module}"
            )


@pytest.mark.parametrize("path", modules("services"), ids=lambda p: p.name)
def test_service_modules_hold_no_request_machinery(path):
    """Importing a service module binds none of Flask's request objects or helpers."""
    forbidden = {id(getattr(flask, name)) for name in REQUEST_MACHINERY}
    forbidden.add(id(flask_login.current_user))
    module = importlib.import_module(module_name(path))
    held = [key for key, value in vars(module).items() if id(value) in forbidden]
    assert held == [], f"{module.__name__} holds {held}"


@pytest.mark.parametrize("path", modules("services"), ids=lambda p: p.name)
def test_services_never_import_the_web_layer_or_the_edges(path):
    for module, name in imports(path):
        full = f"{module}.{name}" if name else module
        assert not within(module, *EDGES) and not within(full, *EDGES), (
            f"{path.name} imports {full}"
        )


@pytest.mark.parametrize("path", modules("models"), ids=lambda p: p.name)
def test_models_import_neither_services_nor_web(path):
    for module, name in imports(path):
        full = f"{module}.{name}" if name else module
        for upper in ("matcher.services", *EDGES):
            assert not within(module, upper) and not within(full, upper), (
                f"{path.name} imports {full}"
            )


@pytest.mark.parametrize("path", modules("engine"), ids=lambda p: p.name)
def test_engine_imports_neither_flask_nor_sqlalchemy(path):
    for module, _name in imports(path):
        assert not flask_family(module) and module.split(".")[0] != "sqlalchemy", (
            f"{path.name} imports {module}"
        )
        assert not within(module, "matcher.models", "matcher.services", *EDGES), (
            f"{path.name} imports {module}"
        )


VIEWS_THAT_MAY_TOUCH_THE_SESSION = {"util.py", "errors.py"}  # the use case block; 500/503


@pytest.mark.parametrize(
    "path", [p for p in modules("web") if p.parent.name == "web"], ids=lambda p: p.name
)
def test_views_leave_the_database_to_the_services(path):
    if path.name in VIEWS_THAT_MAY_TOUCH_THE_SESSION:
        return  # they roll back, and tell a lost database (sqlalchemy.exc) from a bug
    for module, name in imports(path):
        assert module.split(".")[0] != "sqlalchemy", f"{path.name} imports {module}"
        assert (module, name) != ("matcher.extensions", "db"), f"{path.name} imports db"


def test_the_checks_can_fail(tmp_path):
    """The readers above see what they look for, also inside a function."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from flask import request\n"
        "def f():\n"
        "    from matcher.web import util\n"
        "    import sqlalchemy.orm\n"
    )
    found = set(imports(bad))
    assert ("flask", "request") in found
    assert ("matcher.web", "util") in found
    assert ("sqlalchemy.orm", None) in found
