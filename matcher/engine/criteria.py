"""Hard constraints and soft criteria of any pairs, from integer facts on one score grid.

Each person's answers become small integer codes (levels, formats, cities) and bit
masks (interests, goals), so the facts of a pair are integers: common minutes,
shared interests, supported goals. Every score comes from those facts through one
function, `Problem.units`, whichever way the pair was found (all feasible pairs of a
round, or one pair on the adjust screen): the same pair always gets the same score,
and two pairs equal in truth get equal scores.

Scores are integers on a grid of ``GRID`` units per point (0.01 point, what the
pages show), so totals, thresholds and comparisons are exact integer arithmetic.

Soft criteria, each in [0, 1]:

- ``overlap``: weekly common time, ``min(hours, cap) / cap``.
- ``interests``: the share of the student's interests the volunteer also has
  (0.5 when the student listed none).
- ``goals``: the share of the student's goals the volunteer supports (1 when none).
- ``level``: ``1 - max(0, need - support)``; a beginner needs support (A1 1, A2
  0.75, B1 0.5, B2 0.25, C1 and C2 none) and a volunteer gives the larger of their
  experience (none 0, some 0.5, teacher 1) and Korean (none 0, basic 0.25,
  conversational 0.75, fluent 1).
- ``gender``: 1 when the student has no tutor gender preference or it is met, else 0.
- ``continuity``: for last term's partners, half a point for each of the two who
  wants to continue; 0 for anyone else.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
from numpy.typing import NDArray

from matcher.engine import vocab
from matcher.engine.codes import GENDER_CODES, encode, shared
from matcher.engine.model import Settings, Student, Volunteer
from matcher.engine.timezones import WeekGrid, ZoneBlock, overlap_matrix, pair_common, term_windows

F32 = NDArray[np.float32]
F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Mask = NDArray[np.bool_]

GRID = 100  # score units per point
# Half a unit rounds up; the nudge keeps a score that is exactly half a unit in truth
# on the same side whatever rounding error the float arithmetic made on the way.
_NUDGE = 1e-6
LEVEL_NEED = dict(zip(vocab.ENGLISH_LEVELS, (1.0, 0.75, 0.5, 0.25, 0.0, 0.0), strict=True))
ONLINE, IN_PERSON = vocab.FORMATS.index("online"), vocab.FORMATS.index("in_person")


def level_fit(level: str, help_given: float) -> float:
    return 1.0 - max(0.0, LEVEL_NEED[level] - help_given)


# Level fit by (student level, volunteer support in quarters); gender fit by codes.
LEVEL_FIT = np.array([[level_fit(lv, q / 4) for q in range(5)] for lv in vocab.ENGLISH_LEVELS])
GENDER_FIT = np.array(
    [[1.0 if not want or want == g else 0.0 for g in GENDER_CODES] for want in GENDER_CODES]
)


class Problem:
    """Everyone of a round, sorted by (zone, id), as integer codes and UTC week patterns."""

    def __init__(
        self,
        students: Sequence[Student],
        volunteers: Sequence[Volunteer],
        settings: Settings,
        term_start: date,
        term_end: date,
        extra_zones: Sequence[str] = (),
    ):
        self.settings = settings
        self.students = sorted(students, key=lambda p: (p.timezone, p.id))
        self.volunteers = sorted(volunteers, key=lambda p: (p.timezone, p.id))
        self.s_index = {p.id: i for i, p in enumerate(self.students)}
        self.v_index = {p.id: i for i, p in enumerate(self.volunteers)}
        everyone: list[Student | Volunteer] = [*self.students, *self.volunteers]
        zones = {p.timezone for p in everyone} | set(extra_zones)
        self.grid = WeekGrid(term_windows(term_start, term_end), zones)
        self.s_blocks = self._blocks(self.students)
        self.v_blocks = self._blocks(self.volunteers)
        self.s, self.v = encode(self.students, self.volunteers)
        self.capacity, self.approved = self.v.capacity, self.v.approved
        weights = settings.weights.as_dict()
        self.scale = {c: 100.0 * w / sum(weights.values()) for c, w in weights.items()}
        self.cap_minutes = 60.0 * settings.overlap_cap_hours
        self.min_minutes = 60.0 * settings.min_overlap_hours
        self._continuity()
        self._points()

    def _blocks(self, people: Sequence[Student] | Sequence[Volunteer]) -> list[ZoneBlock]:
        packed = b"".join(bytes(p.availability) for p in people)
        avail = np.frombuffer(packed, dtype=bool).reshape(len(people), vocab.SLOTS_PER_WEEK)
        return self.grid.blocks([p.timezone for p in people], avail)

    def _continuity(self) -> None:
        """Last term's partners (named by either side) and their continuity value."""
        found: set[tuple[int, int]] = set()
        for i, s in enumerate(self.students):
            if s.previous_partner_id in self.v_index:
                found.add((i, self.v_index[s.previous_partner_id]))
        for j, v in enumerate(self.volunteers):
            if v.previous_partner_id in self.s_index:
                found.add((self.s_index[v.previous_partner_id], j))
        keys = sorted(found)
        self.cont_pairs = np.array(keys, dtype=np.int64).reshape(-1, 2)
        self.cont_keys = self.cont_pairs[:, 0] * len(self.volunteers) + self.cont_pairs[:, 1]
        wants = [
            (self.students[i].continue_partner, self.volunteers[j].continue_partner)
            for i, j in keys
        ]
        self.cont_value = np.array([0.5 * a + 0.5 * b for a, b in wants], dtype=np.float64)
        self.has_cont = np.zeros(len(self.students), dtype=bool)
        self.has_cont[self.cont_pairs[:, 0]] = True

    def _points(self) -> None:
        """Per person and per kind of pair, the parts of a score that do not need both."""
        scale, s = self.scale, self.s
        self.interest_points = np.where(
            s.interest_count > 0, scale["interests"] / np.maximum(s.interest_count, 1), 0.0
        )
        self.goal_points = np.where(
            s.goal_count > 0, scale["goals"] / np.maximum(s.goal_count, 1), 0.0
        )
        self.base_points = np.where(s.interest_count > 0, 0.0, 0.5 * scale["interests"])
        self.base_points += np.where(s.goal_count > 0, 0.0, scale["goals"])
        width = len(GENDER_CODES)
        level = np.repeat(np.repeat(LEVEL_FIT, width, axis=0), width, axis=1)
        gender = np.tile(GENDER_FIT, LEVEL_FIT.shape)
        self.kind_points = (scale["level"] * level + scale["gender"] * gender).reshape(-1)
        # kind_points[s_kind + v_kind]: level and gender points of a student and volunteer
        self.s_kind = (s.level * width + s.want) * level.shape[1]
        self.v_kind = self.v.support * width + self.v.gender

    # -- hard constraints ---------------------------------------------------------

    def format_ok(self, si: I64, vi: I64) -> Mask:
        """Online when both accept it; in person when both accept it in the same city."""
        fs, fv = self.s.format[si], self.v.format[vi]
        online = (fs != IN_PERSON) & (fv != IN_PERSON)
        same_city = self.s.city[si] == self.v.city[vi]
        return np.asarray(online | ((fs != ONLINE) & (fv != ONLINE) & same_city), dtype=bool)

    def gender_ok(self, si: I64, vi: I64) -> Mask:
        """The student requires no tutor gender, or the volunteer has it."""
        need = self.s.need[si]
        return np.asarray((need < 0) | (self.v.gender[vi] == need), dtype=bool)

    def attributes_ok(self, si: I64, vi: I64) -> Mask:
        """Format, required gender and approval together (not common time, not forbids)."""
        return self.format_ok(si, vi) & self.gender_ok(si, vi) & self.approved[vi]

    def overlap(
        self, rsel: I64, csel: I64, rights: dict[tuple[object, ...], F32] | None = None
    ) -> F32:
        """Smallest weekly common minutes of every selected student-volunteer pair.

        ``rights`` may keep work between calls with the same ``csel``.
        """
        return overlap_matrix(self.grid, self.s_blocks, self.v_blocks, rsel, csel, rights)

    def enough_time(self, minutes: NDArray[np.float32] | F64) -> Mask:
        return np.asarray(minutes >= self.min_minutes - 1e-3, dtype=bool)

    def pair_minutes(self, ri: I64, ci: I64) -> F32:
        """Smallest weekly common minutes of the pairs ``(ri[k], ci[k])``."""
        return pair_common(self.grid, self.s_blocks, self.v_blocks, ri, ci)[0]

    # -- scores -------------------------------------------------------------------

    def units(self, ri: I64, ci: I64, minutes: NDArray[np.float32] | F64) -> I64:
        """The scores of the pairs ``(ri[k], ci[k])`` on the grid (``GRID`` units a point).

        The one place a score is made: the same operations in the same order for any
        pair, whether it comes with all the feasible pairs of a round or alone.
        """
        cap = self.cap_minutes
        total = np.minimum(minutes, cap, dtype=np.float64)
        total *= self.scale["overlap"] / cap
        total += self.base_points[ri]
        for mine, theirs, points in (
            (self.s.interests, self.v.interests, self.interest_points),
            (self.s.goals, self.v.goals, self.goal_points),
        ):
            part = shared(mine, theirs, ri, ci)
            part *= points[ri]
            total += part
        total += self.kind_points[self.s_kind[ri] + self.v_kind[ci]]
        self._add_continuity(total, ri, ci)
        total *= GRID
        total += 0.5 + _NUDGE
        return np.floor(total, out=total).astype(np.int64)

    def _add_continuity(self, total: F64, ri: I64, ci: I64) -> None:
        """Add the continuity points of the pairs that have any (most have none)."""
        if not len(self.cont_keys) or not len(ri):
            return
        some = np.flatnonzero(self.has_cont[ri])
        keys = ri[some] * len(self.volunteers) + ci[some]
        at = np.minimum(np.searchsorted(self.cont_keys, keys), len(self.cont_keys) - 1)
        hit = self.cont_keys[at] == keys
        total[some[hit]] += self.scale["continuity"] * self.cont_value[at[hit]]

    def continuity(self, ri: I64, ci: I64) -> F64:
        """The continuity value of pairs: last term's partners who want to continue."""
        out = np.zeros(len(ri), dtype=np.float64)
        if len(self.cont_keys) and len(ri):
            some = np.flatnonzero(self.has_cont[ri])
            keys = ri[some] * len(self.volunteers) + ci[some]
            at = np.minimum(np.searchsorted(self.cont_keys, keys), len(self.cont_keys) - 1)
            hit = self.cont_keys[at] == keys
            out[some[hit]] = self.cont_value[at[hit]]
        return out

    def values(self, ri: I64, ci: I64, minutes: NDArray[np.float32] | F64) -> dict[str, F64]:
        """Each criterion's value in [0, 1] for the pairs ``(ri[k], ci[k])`` (to show)."""
        count, goals = self.s.interest_count[ri], self.s.goal_count[ri]
        interests = shared(self.s.interests, self.v.interests, ri, ci)
        supported = shared(self.s.goals, self.v.goals, ri, ci)
        return {
            "overlap": np.minimum(minutes.astype(np.float64), self.cap_minutes) / self.cap_minutes,
            "interests": np.where(count > 0, interests / np.maximum(count, 1), 0.5),
            "goals": np.where(goals > 0, supported / np.maximum(goals, 1), 1.0),
            "level": LEVEL_FIT[self.s.level[ri], self.v.support[ci]],
            "gender": GENDER_FIT[self.s.want[ri], self.v.gender[ci]],
            "continuity": self.continuity(ri, ci),
        }
