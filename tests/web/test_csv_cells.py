"""CSV export: no cell that a spreadsheet would run as a formula, full-width ones included."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Pair, User
from matcher.services.pairs import _cell
from tests.web.world import sign_in_as

FORMULAS = ["＝HYPERLINK(1)", "＋1", "－1", "＠SUM(A1)", " =1+1", "  @x", "\u3000＝1", "\t=1"]
NOT_FORMULAS = ["Minji", "Kim = Lee", "", "2027-03-02", "4.5"]


@pytest.mark.parametrize(
    "text,neutralised", [(t, True) for t in FORMULAS] + [(t, False) for t in NOT_FORMULAS]
)
def test_csv_cells_that_look_like_formulas_are_neutralised(text, neutralised):
    assert _cell(text) == ("'" + text if neutralised else text)


def test_the_pairs_export_neutralises_full_width_formulas(client, world):
    pairs = list(db.session.scalars(select(Pair).where(Pair.term_id == 1).order_by(Pair.id)))
    names = ["＝HYPERLINK(1)", " +1", "＠SUM(A1)"]
    for pair, name in zip(pairs, names, strict=True):
        db.session.get(User, pair.student_id).display_name = name
    db.session.commit()
    sign_in_as(client, world, "coordinator")
    text = client.get("/terms/1/pairs.csv").get_data(as_text=True).lstrip("\ufeff")
    students = [row["student"] for row in csv.DictReader(io.StringIO(text))]
    assert students == ["'" + name for name in names]
