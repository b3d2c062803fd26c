"""Where to recruit: the weekly windows in which more volunteers would pair more students.

For each window of the week (``window_slots`` half hours starting every ``step_slots``
half hours, in the students' most common zone), the figure is how many more students
the engine would pair if as many volunteers as could help, each free exactly in that
window, joined the round. Such a *window volunteer* takes one student (capacity 1), is
approved, meets online and gives no gender: the most generous answers that still hold
for everyone, since the soft criteria change scores, never how many can be paired.
Students who require a tutor gender, or meet only in person, are left to the reasons
the round already gives (`unmatched_counts`).

The figure is exact: it is the number of pairs a re-solve with the window volunteers
finds, minus the number without them (the locked, continued, kept and hand-made
pairs of ``result`` stay fixed, as in a re-run). It does not re-solve once per
window, though; it uses the structure of the largest matchings:

- the students some largest matching leaves out (``D``, found by alternating paths,
  `solve.left_out_possible`) are the only ones a window volunteer can take to
  gain a pair, and every place next to ``D`` is taken by ``D`` in every largest
  matching;
- with ``X`` the students of ``D`` who fit the window, the gain is
  ``|X| + r(D \\ X) - r(D)``, where ``r`` is the most pairs of those students alone
  (the dual rank of ``X`` in the students' transversal matroid). It is at least the
  number of *unmatched* students who fit the window and at most ``|X|``; only when
  those two differ does a window need one Hopcroft-Karp run, on ``D``'s students only,
  and windows with the same ``X`` share it.

``k`` volunteers free in the window never pair more than ``k`` more students, and the
figure ``n`` needs no more than ``n`` of them, so "``n`` volunteers free then would let
us pair up to ``n`` more students" holds both ways.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_bipartite_matching

from matcher.engine import vocab
from matcher.engine.criteria import Problem
from matcher.engine.edges import feasible_edges
from matcher.engine.model import EngineError, Settings, Student, Volunteer, check_unique
from matcher.engine.result import MatchResult, PairOrigin
from matcher.engine.solve import left_out_possible, maximum_matching, places_graph

I64 = NDArray[np.int64]
Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class WeekTime:
    """A stretch of the week in a zone: ``day`` 0 = Monday, ``start`` minutes after
    midnight; ``minutes`` long (it may run past midnight into the next day)."""

    zone: str
    day: int
    start: int
    minutes: int

    @property
    def end(self) -> int:
        """Minutes after midnight when it ends (on the next day when below ``start``)."""
        return (self.start + self.minutes) % (24 * 60)

    def __str__(self) -> str:
        end = self.end
        return (
            f"{vocab.DAYS[self.day]} {self.start // 60:02d}:{self.start % 60:02d}-"
            f"{end // 60:02d}:{end % 60:02d} {self.zone}"
        )


@dataclass(frozen=True)
class RecruitWindow:
    """A weekly window and how many more students volunteers free in it would let pair.

    ``start_slot`` is the window's first half hour in the students' zone (0 = Monday
    00:00). ``students`` volunteers free exactly then (one student each) would let the
    engine pair ``students`` more. ``local`` is the window in the students' zone,
    ``elsewhere`` the same window in the volunteers' most common other zones.
    """

    start_slot: int
    slots: int
    students: int
    local: WeekTime
    elsewhere: tuple[WeekTime, ...]


def unmatched_counts(result: MatchResult) -> dict[str, int]:
    """How many students stay unmatched for each reason (codes of ``vocab.UNMATCHED_REASONS``)."""
    return dict(Counter(u.reason for u in result.unmatched_students))


def most_common_zones(zones: Iterable[str], limit: int | None = None) -> list[str]:
    """Zones from most to least common; ties in name order."""
    counts = Counter(zones)
    return sorted(counts, key=lambda z: (-counts[z], z))[:limit]


def window_volunteers(
    zone: str,
    starts: Sequence[int],
    window_slots: int,
    taken: Iterable[str] = (),
) -> list[Volunteer]:
    """One window volunteer per start slot: free exactly ``window_slots`` half hours
    from it (round the week's end), in ``zone``, online, approved, no gender given.

    Their ids (``window:<slot>``) avoid the ids in ``taken``.
    """
    used = set(taken)
    prefix = "window:"
    while any(i.startswith(prefix) for i in used):
        prefix = "_" + prefix
    out = []
    for start in starts:
        week = [False] * vocab.SLOTS_PER_WEEK
        for k in range(window_slots):
            week[(start + k) % vocab.SLOTS_PER_WEEK] = True
        out.append(Volunteer(f"{prefix}{start}", tuple(week), zone, format="online"))
    return out


def recruitment_windows(
    students: Sequence[Student],
    volunteers: Sequence[Volunteer],
    settings: Settings | None,
    result: MatchResult,
    *,
    term_start: date,
    term_end: date,
    forbids: Iterable[tuple[str, str]] = (),
    window_slots: int = 6,
    step_slots: int = 2,
    zones: int = 3,
    limit: int | None = None,
    apart: bool = False,
) -> list[RecruitWindow]:
    """The windows in which volunteers would let the engine pair more students, best first.

    ``result`` is the round (its fixed pairs stay: every origin but ``solved``); the
    windows start every ``step_slots`` half hours of the week and last
    ``window_slots`` half hours, in the students' most common zone; each is also given
    in the ``zones`` most common zones of the volunteers (other than the students').
    Only windows that help (a figure of 1 or more) are returned, the largest figure
    first; among equal figures, the window with the most common time with the unmatched
    students who fit it first, then in week order; with ``limit``, only the first
    ``limit`` of them (found without working out the others); with ``apart``, none that
    overlaps a window listed before it. See the module's documentation for the figure.
    """
    if not 1 <= window_slots <= vocab.SLOTS_PER_WEEK or step_slots < 1:
        raise EngineError("window_slots must be 1..336 and step_slots at least 1")
    settings = settings or Settings()
    check_unique(students, "student")
    check_unique(volunteers, "volunteer")
    if not students:
        return []
    zone = most_common_zones(s.timezone for s in students)[0]
    starts = list(range(0, vocab.SLOTS_PER_WEEK, step_slots))
    extra = window_volunteers(zone, starts, window_slots, [v.id for v in volunteers])
    problem = Problem(students, [*volunteers, *extra], settings, term_start, term_end)
    figures = _Figures(problem, result, [w.id for w in extra], forbids)
    shown = [z for z in most_common_zones(v.timezone for v in volunteers) if z != zone][:zones]
    middle = term_start + (term_end - term_start) // 2
    found = []
    spans = [{(a + k) % vocab.SLOTS_PER_WEEK for k in range(window_slots)} for a in starts]
    for k in figures.best(limit, spans if apart else None):
        start = starts[k]
        window = RecruitWindow(
            start,
            window_slots,
            figures.exact(k),
            _week_time(zone, start, window_slots, zone, middle),
            tuple(_week_time(zone, start, window_slots, z, middle) for z in shown),
        )
        found.append(window)
    return found


class _Figures:
    """The figure of each window volunteer, its bounds, and the order of the windows."""

    def __init__(
        self,
        problem: Problem,
        result: MatchResult,
        window_ids: Sequence[str],
        forbids: Iterable[tuple[str, str]],
    ) -> None:
        s_index, v_index = problem.s_index, problem.v_index
        n_s, n_v = len(problem.students), len(problem.volunteers)
        windows = np.array([v_index[w] for w in window_ids], dtype=np.int64)
        is_window = np.zeros(n_v, dtype=bool)
        is_window[windows] = True
        used = np.zeros(n_v, dtype=np.int64)
        fixed = np.zeros(n_s, dtype=bool)
        for pair in result.pairs:
            if pair.origin != PairOrigin.SOLVED:
                if pair.student_id not in s_index or pair.volunteer_id not in v_index:
                    raise EngineError(f"pair ({pair.student_id}, {pair.volunteer_id}) names nobody")
                fixed[s_index[pair.student_id]] = True
                used[v_index[pair.volunteer_id]] += 1
        remaining = np.maximum(problem.capacity - used, 0)
        free_s = np.flatnonzero(~fixed).astype(np.int64)
        free_v = np.flatnonzero((remaining > 0) & ~is_window).astype(np.int64)
        forbidden = {(s_index[s], v_index[v]) for s, v in forbids if s in s_index and v in v_index}
        edges = feasible_edges(problem, free_s, free_v, forbidden)
        graph = places_graph(edges, remaining[free_v])
        matching = maximum_matching(graph)
        # Per free student (row of edges): unmatched now, left out by some largest matching.
        unmatched = np.ones(len(free_s), dtype=bool)
        unmatched[graph.rows[matching >= 0]] = False
        deficient = np.ones(len(free_s), dtype=bool)
        deficient[graph.rows] = left_out_possible(graph, matching)
        fits, common = _fits(problem, free_s, np.sort(windows))
        order = np.argsort(np.argsort(windows))  # window k's column in the sorted windows
        self.fits, common = fits[:, order], common[:, order]
        self.deficient = deficient
        mine = self.fits & unmatched[:, None]
        self.minutes = np.where(mine, common, 0).sum(axis=0, dtype=np.float64)
        self.low = mine.sum(axis=0)  # unmatched students who fit: the least it can be
        self.high = (self.fits & deficient[:, None]).sum(axis=0)  # |X|
        self.upper = np.minimum(self.high, int(unmatched.sum()))
        # The students of D in the graph, and D's own graph (rows of D only).
        d_graph_rows = np.flatnonzero(deficient[graph.rows])
        d_students = graph.rows[d_graph_rows]
        self.d_matched = int(np.count_nonzero(~unmatched[d_students]))
        self.position = np.full(len(free_s), -1, dtype=np.int64)
        self.position[d_students] = np.arange(len(d_students))
        self.d_csr = graph.csr(graph.units)[d_graph_rows] if len(d_graph_rows) else None
        self.known: dict[bytes, int] = {}

    def exact(self, k: int) -> int:
        """Window ``k``'s figure: ``|X| + r(D \\ X) - r(D)``, or its bounds when they meet."""
        if self.low[k] == self.high[k]:
            return int(self.low[k])
        x = self.fits[:, k] & self.deficient
        key = np.packbits(x).tobytes()
        if key not in self.known:
            assert self.d_csr is not None  # some student of D is matched, so D has edges
            keep = np.ones(self.d_csr.shape[0], dtype=bool)
            keep[self.position[np.flatnonzero(x & (self.position >= 0))]] = False
            rest = _most_pairs(self.d_csr, keep, self.d_matched)
            self.known[key] = int(self.high[k]) + rest - self.d_matched
        return self.known[key]

    def best(self, limit: int | None, spans: list[set[int]] | None) -> list[int]:
        """The windows with a figure of 1 or more, best first (the first ``limit``); with
        ``spans`` (each window's slots), none that overlaps a better one.

        With a limit, windows are worked out from the highest upper bound down, and the
        search stops once ``limit`` windows chosen beat every upper bound left (a window
        that ranks lower can change neither which windows are chosen nor their order).
        """
        order = sorted(
            range(len(self.low)), key=lambda k: (-int(self.upper[k]), -self.minutes[k], k)
        )
        done: list[tuple[int, float, int]] = []
        for k in order:
            if limit is not None and len(done) >= limit:
                chosen = _chosen(done, limit, spans)
                if len(chosen) == limit and -chosen[-1][0] > self.upper[k]:
                    break
            figure = self.exact(k) if self.upper[k] > 0 else 0
            if figure > 0:
                done.append((-figure, -float(self.minutes[k]), k))
        return [k for _f, _m, k in _chosen(done, limit, spans)]


def _chosen(
    done: list[tuple[int, float, int]], limit: int | None, spans: list[set[int]] | None
) -> list[tuple[int, float, int]]:
    """The best of ``done`` (sort keys), skipping any that overlaps one taken (``spans``)."""
    done.sort()
    if spans is None:
        return done[:limit]
    taken: set[int] = set()
    out: list[tuple[int, float, int]] = []
    for item in done:
        if limit is not None and len(out) == limit:
            break
        if not spans[item[2]] & taken:
            taken |= spans[item[2]]
            out.append(item)
    return out


def _most_pairs(graph: csr_array, rows: Mask, places: int) -> int:
    """The size of a largest matching of some rows of a graph (Hopcroft-Karp).

    ``places`` is the size of a largest matching of all the rows. Hopcroft-Karp ends
    early once every row of its input is matched, and it is slow to prove that no more
    can be: with clearly more rows than that it runs on the places' side, which the
    rows then usually fill.
    """
    sub = graph[np.flatnonzero(rows)]
    if not sub.nnz:
        return 0
    if len(sub.indptr) - 1 > places * 1.05:
        sub = sub.T.tocsr()
    found = np.asarray(maximum_bipartite_matching(sub, perm_type="column"))
    return int(np.count_nonzero(found >= 0))


def _fits(problem: Problem, rsel: I64, windows: I64) -> tuple[Mask, NDArray[np.float32]]:
    """Whether each of ``rsel`` (students) may be paired with each window volunteer, and
    their common minutes."""
    minutes = problem.overlap(rsel, windows)
    si = np.repeat(rsel, len(windows))
    vi = np.tile(windows, len(rsel))
    allowed = problem.attributes_ok(si, vi).reshape(len(rsel), len(windows))
    return np.asarray(problem.enough_time(minutes) & allowed, dtype=bool), minutes


def _week_time(zone: str, start: int, slots: int, shown: str, around: date) -> WeekTime:
    """The window starting at ``start`` (a slot in ``zone``) as seen in ``shown``, in the
    week of ``around`` (the offsets of the middle of the term)."""
    day, minute = divmod(start * vocab.SLOT_MINUTES, 24 * 60)
    when = around + timedelta(days=(day - around.weekday()) % 7)
    local = datetime(when.year, when.month, when.day, minute // 60, minute % 60)
    there = local.replace(tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo(shown))
    return WeekTime(shown, there.weekday(), there.hour * 60 + there.minute, slots * 30)
