"""The examples in the engine's docstrings run."""

from __future__ import annotations

import doctest

import pytest

from matcher.engine import matching, model, queries


@pytest.mark.parametrize("module", [matching, model, queries])
def test_docstring_examples(module: object) -> None:
    outcome = doctest.testmod(module)  # type: ignore[arg-type]
    assert outcome.attempted and not outcome.failed
