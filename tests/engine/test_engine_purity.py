"""The engine and the CSV mode stay pure, and the sample people are deterministic."""

from __future__ import annotations

import subprocess
import sys
from zoneinfo import ZoneInfo

from matcher.engine import vocab
from matcher.sample import generate_people, to_engine


def test_importing_the_engine_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, matcher.engine, matcher.roster, matcher.sample, matcher.__main__\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_sample_people_are_deterministic_and_varied():
    students, volunteers = generate_people(78, 78, seed=7)
    assert (students, volunteers) == generate_people(78, 78, seed=7)
    assert generate_people(78, 78, seed=8) != (students, volunteers)
    assert {s.timezone for s in students} == {"Asia/Seoul"}
    zones = {v.timezone for v in volunteers}
    assert len(zones) >= 8
    assert {"America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kathmandu"} <= zones
    for zone in zones:
        ZoneInfo(zone)
    assert any(s.volunteer_gender_required for s in students)
    assert any(p.format == "in_person" for p in (*students, *volunteers))
    assert any(v.capacity == 2 for v in volunteers)
    assert any(s.continue_partner and s.previous_partner_id for s in students)
    assert all(s.email.endswith("@example.org") for s in students)
    assert all(0 < len(p.availability) < vocab.SLOTS_PER_WEEK for p in (*students, *volunteers))
    engine_students, engine_volunteers = to_engine(students, volunteers)
    assert [s.id for s in engine_students] == [s.id for s in students]
    assert engine_volunteers[0].capacity == volunteers[0].capacity
