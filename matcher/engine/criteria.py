"""Hard constraints and soft criteria, as whole matrices or for given pairs.

All soft criteria but common time and continuity are bilinear in per-person feature
vectors (one-hot codes, sets as 0/1 rows), so their weighted sum for every pair is
one matrix product ``X @ Y.T``; the hard constraints on attributes are another.
Common time comes from ``timezones``; continuity is a handful of scattered entries.

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
from matcher.engine.model import Settings, Student, Volunteer
from matcher.engine.timezones import WeekGrid, ZoneBlock, overlap_matrix, term_windows

F32 = NDArray[np.float32]
I64 = NDArray[np.int64]

LEVEL_NEED = dict(zip(vocab.ENGLISH_LEVELS, (1.0, 0.75, 0.5, 0.25, 0.0, 0.0), strict=True))
EXPERIENCE_SUPPORT = dict(zip(vocab.EXPERIENCE, (0.0, 0.5, 1.0), strict=True))
KOREAN_SUPPORT = dict(zip(vocab.KOREAN_LEVELS, (0.0, 0.25, 0.75, 1.0), strict=True))
BILINEAR = ("interests", "goals", "level", "gender")
_GENDER_SLOTS = (*vocab.GENDERS, "")  # the last column: gender not given
_VETO = -1000.0


def support(volunteer: Volunteer) -> float:
    """How much help a volunteer gives a beginner: experience or Korean, the larger."""
    return max(EXPERIENCE_SUPPORT[volunteer.experience], KOREAN_SUPPORT[volunteer.korean_level])


def level_fit(level: str, help_given: float) -> float:
    return 1.0 - max(0.0, LEVEL_NEED[level] - help_given)


def city_key(city: str) -> str:
    return city.strip().casefold()


def _hot(values: Sequence[str], codes: Sequence[str]) -> F32:
    index = {c: i for i, c in enumerate(codes)}
    out = np.zeros((len(values), len(codes)), dtype=np.float32)
    out[np.arange(len(values)), [index[v] for v in values]] = 1.0
    return out


def _sets(values: Sequence[frozenset[str]], codes: Sequence[str]) -> F32:
    index = {c: i for i, c in enumerate(codes)}
    out = np.zeros((len(values), len(codes)), dtype=np.float32)
    for row, items in enumerate(values):
        out[row, [index[v] for v in items]] = 1.0
    return out


class Problem:
    """Everyone of a round, sorted by (zone, id), with their features and UTC patterns."""

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
        windows = term_windows(term_start, term_end)
        everyone: list[Student | Volunteer] = [*self.students, *self.volunteers]
        zones = {p.timezone for p in everyone} | set(extra_zones)
        self.grid = WeekGrid(windows, zones)
        self.s_blocks = self._blocks(self.students)
        self.v_blocks = self._blocks(self.volunteers)
        self.capacity = np.array([v.capacity for v in self.volunteers], dtype=np.int64)
        self.approved = np.array([v.approved for v in self.volunteers], dtype=bool)
        self._features()

    def _blocks(self, people: Sequence[Student] | Sequence[Volunteer]) -> list[ZoneBlock]:
        packed = b"".join(bytes(p.availability) for p in people)
        avail = np.frombuffer(packed, dtype=bool).reshape(len(people), vocab.SLOTS_PER_WEEK)
        return self.grid.blocks([p.timezone for p in people], avail)

    def _features(self) -> None:
        ss, vs = self.students, self.volunteers
        everyone: list[Student | Volunteer] = [*ss, *vs]
        interests = sorted({i for p in everyone for i in p.interests})
        s_int = _sets([s.interests for s in ss], interests)
        count = s_int.sum(axis=1, keepdims=True)
        s_int = np.hstack([s_int / np.maximum(count, 1), 0.5 * (count == 0)])
        v_int = np.hstack([_sets([v.interests for v in vs], interests), np.ones((len(vs), 1))])
        s_goal = _sets([s.goals for s in ss], vocab.GOALS)
        count = s_goal.sum(axis=1, keepdims=True)
        s_goal = np.hstack([s_goal / np.maximum(count, 1), 1.0 * (count == 0)])
        v_goal = np.hstack([_sets([v.goals for v in vs], vocab.GOALS), np.ones((len(vs), 1))])
        helps = sorted({support(v) for v in vs})
        s_level = np.array([[level_fit(s.english_level, h) for h in helps] for s in ss])
        v_level = _hot([str(support(v)) for v in vs], [str(h) for h in helps])
        s_gender = _hot([s.volunteer_gender for s in ss], _GENDER_SLOTS)
        s_gender[:, -1:] = 0.0
        none = np.array([not s.volunteer_gender for s in ss], dtype=np.float32).reshape(-1, 1)
        s_gender = np.hstack([s_gender, none])
        v_gender = np.hstack([_hot([v.gender for v in vs], _GENDER_SLOTS), np.ones((len(vs), 1))])
        self.soft: dict[str, tuple[F32, F32]] = {
            "interests": (s_int.astype(np.float32), v_int.astype(np.float32)),
            "goals": (s_goal.astype(np.float32), v_goal.astype(np.float32)),
            "level": (s_level.reshape(len(ss), len(helps)).astype(np.float32), v_level),
            "gender": (s_gender.astype(np.float32), v_gender.astype(np.float32)),
        }
        self._hard_features()
        self._continuity()

    def _hard_features(self) -> None:
        """Rows whose product is >= 1 exactly when format, gender and approval allow it."""
        ss, vs = self.students, self.volunteers
        everyone: list[Student | Volunteer] = [*ss, *vs]
        cities = sorted({city_key(p.city) for p in everyone})

        def fmt(people: Sequence[Student] | Sequence[Volunteer]) -> F32:
            online = [[p.format in ("online", "either")] for p in people]
            in_person = _hot([city_key(p.city) for p in people], cities)
            in_person *= np.array(
                [p.format in ("in_person", "either") for p in people], dtype=np.float32
            ).reshape(-1, 1)
            return np.hstack([np.array(online, dtype=np.float32).reshape(-1, 1), in_person])

        veto = np.zeros((len(ss), len(_GENDER_SLOTS)), dtype=np.float32)
        for row, s in enumerate(ss):
            if s.volunteer_gender_required and s.volunteer_gender:
                veto[row] = [_VETO * (g != s.volunteer_gender) for g in _GENDER_SLOTS]
        self.hard_s = np.hstack([fmt(ss), veto, np.full((len(ss), 1), _VETO, np.float32)])
        width = 1 + len(cities)
        self.hard_columns = {
            "format": slice(0, width),
            "gender_required": slice(width, width + len(_GENDER_SLOTS)),
            "not_approved": slice(width + len(_GENDER_SLOTS), None),
        }
        not_approved = (~self.approved).astype(np.float32).reshape(-1, 1)
        self.hard_v = np.hstack(
            [fmt(vs), _hot([v.gender for v in vs], _GENDER_SLOTS), not_approved]
        )

    def _continuity(self) -> None:
        """Last term's partners (named by either side) and their continuity value."""
        found: dict[tuple[int, int], float] = {}
        for i, s in enumerate(self.students):
            if s.previous_partner_id in self.v_index:
                found[(i, self.v_index[s.previous_partner_id])] = 0.0
        for j, v in enumerate(self.volunteers):
            if v.previous_partner_id in self.s_index:
                found[(self.s_index[v.previous_partner_id], j)] = 0.0
        for i, j in found:
            s, v = self.students[i], self.volunteers[j]
            found[(i, j)] = 0.5 * s.continue_partner + 0.5 * v.continue_partner
        keys = sorted(found)
        self.cont_pairs = np.array(keys, dtype=np.int64).reshape(-1, 2)
        self.cont_value = np.array([found[k] for k in keys], dtype=np.float32)

    # -- weights -------------------------------------------------------------------

    def scale(self) -> dict[str, float]:
        """Points per unit of each criterion: ``100 * weight / sum(weights)``."""
        weights = self.settings.weights.as_dict()
        total = sum(weights.values())
        return {c: 100.0 * w / total for c, w in weights.items()}

    @property
    def cap_minutes(self) -> float:
        return 60.0 * self.settings.overlap_cap_hours

    @property
    def min_minutes(self) -> float:
        return 60.0 * self.settings.min_overlap_hours

    # -- whole matrices --------------------------------------------------------------

    def matrices(self, rsel: I64, csel: I64) -> tuple[F32, NDArray[np.bool_]]:
        """Score (0-100) and feasibility of the selected rows x columns.

        Forbids are not applied here (the caller knows them). Attribute constraints go
        through a small table of distinct attribute rows, and large arrays are
        updated in place: at N = 5,000 each full matrix is 100 MB.
        """
        score = overlap_matrix(self.grid, self.s_blocks, self.v_blocks, rsel, csel)
        feasible = score >= self.min_minutes - 1e-3
        s_types, s_type = np.unique(self.hard_s[rsel], axis=0, return_inverse=True)
        v_types, v_type = np.unique(self.hard_v[csel], axis=0, return_inverse=True)
        table = (s_types @ v_types.T) > 0.5
        s_type, v_type = s_type.reshape(-1), v_type.reshape(-1)
        for ts, tv in zip(*np.nonzero(~table), strict=True):
            feasible[np.ix_(np.flatnonzero(s_type == ts), np.flatnonzero(v_type == tv))] = False
        scale = self.scale()
        np.minimum(score, self.cap_minutes, out=score)
        score *= scale["overlap"] / self.cap_minutes
        left = np.hstack([scale[c] * self.soft[c][0][rsel] for c in BILINEAR])
        right = np.hstack([self.soft[c][1][csel] for c in BILINEAR])
        score += left @ right.T
        if len(self.cont_pairs):
            rpos = np.full(len(self.students), -1)
            rpos[rsel] = np.arange(len(rsel))
            cpos = np.full(len(self.volunteers), -1)
            cpos[csel] = np.arange(len(csel))
            i, j = rpos[self.cont_pairs[:, 0]], cpos[self.cont_pairs[:, 1]]
            ok = (i >= 0) & (j >= 0)
            score[i[ok], j[ok]] += scale["continuity"] * self.cont_value[ok]
        return score, feasible

    def hard_masks(self, rsel: I64, csel: I64) -> tuple[dict[str, NDArray[np.bool_]], F32]:
        """Each hard constraint on its own (True: allowed), and the overlap minutes."""
        overlap = overlap_matrix(self.grid, self.s_blocks, self.v_blocks, rsel, csel)
        masks = {"overlap": overlap >= self.min_minutes - 1e-3}
        for code, cols in self.hard_columns.items():
            product = self.hard_s[rsel][:, cols] @ self.hard_v[csel][:, cols].T
            masks[code] = product > 0.5 if code == "format" else product > -0.5
        return masks, overlap

    # -- given pairs -----------------------------------------------------------------

    def pair_values(self, ri: I64, ci: I64, overlap: F32) -> dict[str, NDArray[np.float64]]:
        """Each criterion's value in [0, 1] for the pairs ``(ri[k], ci[k])``."""
        out = {
            c: np.einsum("ij,ij->i", self.soft[c][0][ri], self.soft[c][1][ci]).astype(float)
            for c in BILINEAR
        }
        out["overlap"] = np.minimum(overlap, self.cap_minutes).astype(float) / self.cap_minutes
        cont = {
            (int(a), int(b)): float(v)
            for (a, b), v in zip(self.cont_pairs, self.cont_value, strict=True)
        }
        out["continuity"] = np.array(
            [cont.get((int(a), int(b)), 0.0) for a, b in zip(ri, ci, strict=True)], dtype=float
        )
        return {c: np.clip(out[c], 0.0, 1.0) for c in vocab.CRITERIA}

    def violations(self, i: int, j: int, overlap_minutes: float, forbidden: bool) -> list[str]:
        """The hard constraints the pair (student i, volunteer j) breaks, as codes."""
        s, v = self.students[i], self.volunteers[j]
        out = []
        if overlap_minutes < self.min_minutes - 1e-3:
            out.append("overlap")
        if s.volunteer_gender_required and s.volunteer_gender and v.gender != s.volunteer_gender:
            out.append("gender_required")
        if not formats_meet(s, v):
            out.append("format")
        if forbidden:
            out.append("forbidden")
        if not v.approved:
            out.append("not_approved")
        return out


def formats_meet(s: Student, v: Volunteer) -> bool:
    """Online when both accept it; in person when both accept it in the same city."""
    online = s.format in ("online", "either") and v.format in ("online", "either")
    in_person = s.format in ("in_person", "either") and v.format in ("in_person", "either")
    return online or (in_person and city_key(s.city) == city_key(v.city))
