"""The seeded world for the web tests (see world.py)."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.web.world import World, seed_world


@pytest.fixture
def world(app: Flask) -> World:
    """A published term and an open one with a draft round: every kind of row exists."""
    return seed_world()
