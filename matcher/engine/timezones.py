"""Weekly availability across time zones, on the term's real dates.

Each person gives a week of 30-minute slots in their own IANA zone. The term is cut
into 7-day windows from its first day; in each window every slot is placed on its
real date and converted to UTC with ``zoneinfo``, giving a pattern on a circular
UTC week. A pair's overlap is the smallest, over the windows, of the size of the
intersection of their two patterns, so a daylight-saving change during the term
counts. The UTC week is cut into cells as fine as the offsets need (30 minutes,
15 for +05:45, and so on), which keeps every real offset exact.

Cost: a zone has only a few distinct offset regimes during a term (before, during
and after a change), so overlaps need one matrix product per distinct pair of
regimes of a student zone and a volunteer zone, never one per week or per pair.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from matcher.engine import vocab
from matcher.engine.codes import bit_count
from matcher.engine.model import EngineError

WEEK_MINUTES = 7 * 24 * 60
F32 = NDArray[np.float32]
I64 = NDArray[np.int64]


def term_windows(term_start: date, term_end: date) -> tuple[date, ...]:
    """The first day of each 7-day window of the term.

    Windows start on the term's first day and follow each other; when the term is
    not a whole number of weeks, the last window ends on the term's last day instead
    (overlapping the one before), so every window lies inside the term.
    """
    if term_end < term_start:
        raise EngineError(f"term ends ({term_end}) before it starts ({term_start})")
    days = (term_end - term_start).days + 1
    out = [term_start + timedelta(days=7 * k) for k in range(max(1, days // 7))]
    if days > 7 and days % 7:
        out.append(term_end - timedelta(days=6))
    return tuple(out)


def _minutes(dt: datetime) -> int:
    offset = dt.utcoffset()
    assert offset is not None
    return int(offset.total_seconds() // 60)


@lru_cache(maxsize=65536)
def _midnight_offset(zone: str, day: date) -> int:
    return _minutes(datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone)))


@lru_cache(maxsize=8192)
def week_offsets(zone: str, window_start: date) -> tuple[int, ...]:
    """UTC offset in minutes of each of the 336 local slots placed in one window."""
    tz = ZoneInfo(zone)
    out: list[int] = []
    for weekday in range(7):
        day = window_start + timedelta(days=(weekday - window_start.weekday()) % 7)
        first = _midnight_offset(zone, day)
        if first == _midnight_offset(zone, day + timedelta(days=1)):
            out.extend([first] * vocab.SLOTS_PER_DAY)
            continue
        for slot in range(vocab.SLOTS_PER_DAY):
            minute = slot * vocab.SLOT_MINUTES
            local = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=tz)
            out.append(_minutes(local))
    return tuple(out)


@dataclass
class ZoneBlock:
    """The people of one zone (contiguous rows) and the zone's regimes over the term."""

    zone: str
    start: int
    stop: int
    regimes: list[tuple[int, ...]]
    week_regime: I64
    patterns: dict[int, F32] = field(default_factory=dict)
    packed: dict[int, NDArray[np.uint8]] = field(default_factory=dict)  # patterns as bits
    used: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))


class WeekGrid:
    """The term's windows and the UTC cell size shared by both sides."""

    def __init__(self, windows: tuple[date, ...], zones: set[str]):
        self.windows = windows
        self.regimes: dict[str, tuple[list[tuple[int, ...]], I64]] = {}
        step = vocab.SLOT_MINUTES
        for zone in sorted(zones):
            seen: dict[tuple[int, ...], int] = {}
            ids = [seen.setdefault(week_offsets(zone, w), len(seen)) for w in windows]
            self.regimes[zone] = (list(seen), np.array(ids, dtype=np.int64))
            for offsets in seen:
                step = math.gcd(step, *set(offsets))
        self.step = step  # minutes per UTC cell
        self.cells = WEEK_MINUTES // step
        self.per_slot = vocab.SLOT_MINUTES // step

    def local_to_utc(self, offsets: tuple[int, ...]) -> I64:
        """For each local cell of the week, the UTC cell it falls on."""
        local = np.arange(self.cells, dtype=np.int64)
        off = np.repeat(np.asarray(offsets, dtype=np.int64), self.per_slot) // self.step
        return (local - off) % self.cells

    def utc_patterns(self, avail: NDArray[np.bool_], offsets: tuple[int, ...]) -> F32:
        """0/1 UTC week patterns (n x cells) of people with these local slots."""
        target = self.local_to_utc(offsets)
        slot = np.arange(self.cells) // self.per_slot  # the local slot of each local cell
        out = np.zeros((avail.shape[0], self.cells), dtype=np.float32)
        if len(np.unique(target)) == self.cells:  # a bijection: a plain gather
            source = np.empty_like(target)
            source[target] = slot
            out[:] = avail[:, source]
        else:  # a change of offset inside the window: some cells taken twice, some never
            order = np.argsort(target, kind="stable")
            hit, starts = np.unique(target[order], return_index=True)
            out[:, hit] = np.maximum.reduceat(avail[:, slot[order]], starts, axis=1)
        return out

    def blocks(self, zones: list[str], avail: NDArray[np.bool_]) -> list[ZoneBlock]:
        """Zone blocks of one side; ``zones`` must be sorted so each zone is contiguous."""
        out: list[ZoneBlock] = []
        start = 0
        while start < len(zones):
            stop = start
            while stop < len(zones) and zones[stop] == zones[start]:
                stop += 1
            regimes, week_regime = self.regimes[zones[start]]
            block = ZoneBlock(zones[start], start, stop, regimes, week_regime)
            block.used = np.zeros(self.cells, dtype=bool)
            for r, offsets in enumerate(regimes):
                pattern = self.utc_patterns(avail[start:stop], offsets)
                block.patterns[r] = pattern
                block.packed[r] = np.packbits(pattern > 0, axis=1)
                block.used |= pattern.any(axis=0)
            out.append(block)
            start = stop
        return out


def _select(block: ZoneBlock, sel: I64) -> tuple[I64, slice]:
    """Rows of a block inside a sorted selection, and where they land in the output."""
    lo, hi = np.searchsorted(sel, [block.start, block.stop])
    return sel[lo:hi] - block.start, slice(int(lo), int(hi))


def overlap_matrix(
    grid: WeekGrid,
    rows: list[ZoneBlock],
    cols: list[ZoneBlock],
    rsel: I64,
    csel: I64,
    rights: dict[tuple[object, ...], F32] | None = None,
) -> F32:
    """Smallest weekly overlap over the term, in minutes, of every selected row-column pair.

    ``rsel`` and ``csel`` are sorted indexes of the people to compare. Per pair of
    zones, only the UTC cells the row zone's people ever use take part, at the
    coarsest cell size the two zones' offsets allow, and all the pair's distinct
    combinations of regimes go into one matrix product. ``rights`` keeps the column
    sides' matrices between calls on the same ``csel`` (blocks of rows).
    """
    out = np.zeros((len(rsel), len(csel)), dtype=np.float32)
    rights = {} if rights is None else rights
    for bs in rows:
        rloc, rout = _select(bs, rsel)
        if not len(rloc):
            continue
        lefts: dict[tuple[int, ...], F32] = {}  # shared by column zones with the same needs
        for bv in cols:
            cloc, cout = _select(bv, csel)
            if len(cloc):
                _zone_pair(grid, (bs, rloc), (bv, cloc), out[rout, cout], (lefts, rights))
    return out


def _zone_pair(
    grid: WeekGrid,
    row: tuple[ZoneBlock, I64],
    col: tuple[ZoneBlock, I64],
    view: F32,
    made: tuple[dict[tuple[int, ...], F32], dict[tuple[object, ...], F32]],
) -> None:
    """`overlap_matrix` for the people of one row zone and one column zone, into ``view``."""
    (bs, rloc), (bv, cloc), (lefts, rights) = row, col, made
    combos = sorted(set(zip(bs.week_regime.tolist(), bv.week_regime.tolist(), strict=True)))
    offsets = {o for r in bs.regimes for o in r} | {o for r in bv.regimes for o in r}
    factor = math.gcd(vocab.SLOT_MINUTES, *offsets) // grid.step
    keep = np.flatnonzero(bs.used & (np.arange(grid.cells) % factor == 0))
    left_regimes = sorted({rs for rs, _ in combos})
    right_regimes = sorted({rv for _, rv in combos})
    key = (factor, *left_regimes)
    if key not in lefts:
        lefts[key] = np.vstack([_part(bs, r, rloc, keep) for r in left_regimes])
    right_key = (bv.zone, bs.zone, factor, *right_regimes)
    if right_key not in rights:  # each cell worth its minutes: the products are minutes
        right = np.vstack([_part(bv, r, cloc, keep) for r in right_regimes]).T
        right *= grid.step * factor  # small integers: exact in float32, and so are the sums
        rights[right_key] = right
    product = lefts[key] @ rights[right_key]
    nr, nc = len(rloc), len(cloc)
    for k, (rs, rv) in enumerate(combos):
        a, b = left_regimes.index(rs) * nr, right_regimes.index(rv) * nc
        part = product[a : a + nr, b : b + nc]
        if k == 0:
            view[...] = part
        else:
            np.minimum(view, part, out=view)


def _part(block: ZoneBlock, regime: int, local: I64, keep: I64) -> F32:
    """The patterns of some people of a block in one regime, on some cells only."""
    pattern = block.patterns[regime]
    if len(local) == block.stop - block.start:
        return pattern[:, keep]
    return pattern[np.ix_(local, keep)]


def _packed_at(blocks: list[ZoneBlock], index: I64, window: int, width: int) -> NDArray[np.uint8]:
    """The UTC patterns in one window of the people at ``index``, 8 cells a byte."""
    out = np.zeros((len(index), width), np.uint8)
    for b in blocks:
        inside = (index >= b.start) & (index < b.stop)
        if inside.any():
            out[inside] = b.packed[int(b.week_regime[window])][index[inside] - b.start]
    return out


def pair_common(
    grid: WeekGrid,
    rows: list[ZoneBlock],
    cols: list[ZoneBlock],
    ri: I64,
    ci: I64,
    display: list[tuple[int, ...]] | None = None,
) -> tuple[F32, NDArray[np.bool_] | None]:
    """For given pairs: smallest weekly overlap (minutes), and optionally common time.

    ``display`` gives, per window, the offsets of the zone to show common time in;
    the second result is then the local cells (pairs x cells) common in every window.
    """
    signatures: dict[tuple[object, ...], int] = {}
    for k in range(len(grid.windows)):
        key = (
            tuple(int(b.week_regime[k]) for b in rows),
            tuple(int(b.week_regime[k]) for b in cols),
            display[k] if display is not None else None,
        )
        signatures.setdefault(key, k)
    minutes = np.full(len(ri), np.inf, dtype=np.float32)
    common = np.ones((len(ri), grid.cells), dtype=bool) if display is not None else None
    width = -(-grid.cells // 8)
    for k in signatures.values():
        bits = _packed_at(rows, ri, k, width)  # the cells both have, as bits
        bits &= _packed_at(cols, ci, k, width)
        cells = bit_count(bits).sum(axis=1, dtype=np.int64)
        np.minimum(minutes, (cells * grid.step).astype(np.float32), out=minutes)
        if common is not None and display is not None:
            both = np.unpackbits(bits, axis=1, count=grid.cells).view(bool)
            common &= both[:, grid.local_to_utc(display[k])]
    if not len(grid.windows):
        minutes[:] = 0
    return minutes, common


def display_offsets(grid: WeekGrid, zone: str) -> list[tuple[int, ...]]:
    """Per window, the offsets of a display zone (it must not need finer cells)."""
    out = [week_offsets(zone, w) for w in grid.windows]
    if any(o % grid.step for offsets in out for o in offsets):
        raise EngineError(f"display zone {zone} needs a finer grid")
    return out


def runs(cells: NDArray[np.bool_], step: int) -> list[list[tuple[int, int, int]]]:
    """Per row, the (day, start minute, end minute) runs of set cells, split at midnight."""
    per_day = 24 * 60 // step
    n = cells.shape[0]
    days = cells.reshape(n * 7, per_day)
    padded = np.zeros((n * 7, per_day + 2), dtype=np.int8)
    padded[:, 1:-1] = days
    edges = np.diff(padded, axis=1)
    sr, sc = np.nonzero(edges == 1)
    er, ec = np.nonzero(edges == -1)
    out: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]
    for row, start, end in zip(sr.tolist(), sc.tolist(), ec.tolist(), strict=True):
        out[row // 7].append((row % 7, start * step, end * step))
    return out
