"""``python -m matcher match``: pair students and volunteers from CSV files, no database.

Exit status: 0 when the pairs were written, 2 for a bad file or argument (nothing is
written then). Imports no Flask, and NumPy and SciPy only once the files are read (a
bad file is answered at once): see ``docs/csv-format.md``. From ``PHASES_FROM`` people
on a side on, the phases and their seconds go to stderr as they end (``--quiet``
silences them).
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from datetime import date
from time import perf_counter

from matcher.engine import EngineError, InvalidLock, MatchResult, Settings, Student, Volunteer
from matcher.roster import (
    Constraint,
    RosterError,
    read_constraints,
    read_students,
    read_volunteers,
    write_pairs,
)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-03-03") from None


def _hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 168:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of hours from 0 to 168")
    return value


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m matcher", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "match",
        help="pair students with volunteers from CSV files",
        description="Pair students with volunteers from CSV files (see docs/csv-format.md).",
    )
    run.add_argument("students", metavar="STUDENTS.csv")
    run.add_argument("volunteers", metavar="VOLUNTEERS.csv")
    run.add_argument("--out", required=True, metavar="PAIRS.csv", help="where to write the pairs")
    run.add_argument("--constraints", metavar="CONSTRAINTS.csv", help="locks and forbids")
    run.add_argument("--min-overlap-hours", type=_hours, default=2.0, metavar="H")
    run.add_argument("--objective", choices=("best", "fair"), default="best")
    run.add_argument("--term-start", type=_date, required=True, metavar="YYYY-MM-DD")
    run.add_argument("--term-end", type=_date, required=True, metavar="YYYY-MM-DD")
    run.add_argument("--quiet", action="store_true", help="print no phases on stderr")
    return top


PHASES_FROM = 2000  # people on the larger side from which the phases are printed


class Phases:
    """Prints each phase of a run and its seconds on stderr, when asked to."""

    def __init__(self) -> None:
        self.shown = False
        self.last = perf_counter()

    def show(self, on: bool) -> None:
        self.shown = on

    def done(self, phase: str, detail: str = "") -> None:
        now = perf_counter()
        if self.shown:
            print(f"{phase}: {now - self.last:.2f} s{detail}", file=sys.stderr, flush=True)
        self.last = now


def summary(result: MatchResult, names: dict[str, str]) -> str:
    """The text printed after a run: counts, scores, and each unmatched person's reason."""
    s = result.stats
    lines = [
        f"Matched {s['pairs']} pairs: {s['pairs']} of {s['students']} students "
        f"(the most possible: {s['max_matchable']}); {s['locked']} locked.",
    ]
    if s["pairs"]:
        lines.append(f"Scores: lowest {s['lowest_score']:.2f}, mean {s['mean_score']:.2f}.")
    for title, people in (
        ("Unmatched students", result.unmatched_students),
        ("Volunteers without a student", result.unmatched_volunteers),
    ):
        if people:
            lines.append(f"{title} ({len(people)}):")
            for u in people:
                name = f" ({names[u.id]})" if u.id in names else ""
                lines.append(f"  {u.id}{name}: {u.text}")
    return "\n".join(lines)


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def run_match(args: argparse.Namespace) -> int:
    if args.term_end < args.term_start:
        print("error: --term-end is before --term-start", file=sys.stderr)
        return 2
    phases = Phases()
    try:
        students = read_students(args.students, warn=_warn)
        volunteers = read_volunteers(args.volunteers, warn=_warn)
        constraints = (
            read_constraints(args.constraints, students, volunteers) if args.constraints else []
        )
    except RosterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    phases.show(not args.quiet and max(len(students), len(volunteers)) >= PHASES_FROM)
    phases.done("read the files")
    try:
        result = _match(args, students, volunteers, constraints)
    except EngineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    steps = [f"{k} {v:.2f}" for k, v in result.stats["seconds"].items() if k != "total"]
    phases.done("match", f" ({', '.join(steps)})")
    try:
        write_pairs(args.out, result)
    except OSError as error:
        print(f"error: cannot write {args.out}: {error.strerror}", file=sys.stderr)
        return 2
    phases.done("write the pairs, with their explanations")
    names = {s.id: s.display_name for s in students if s.display_name}
    names.update({v.id: v.display_name for v in volunteers if v.display_name})
    print(summary(result, names))
    print(f"Wrote {args.out}.")
    return 0


def _match(
    args: argparse.Namespace,
    students: list[Student],
    volunteers: list[Volunteer],
    constraints: list[Constraint],
) -> MatchResult:
    """`match` with the files' locks and forbids; a bad lock names its row."""
    from matcher.engine import match  # NumPy and SciPy: only once the files are read

    locks = [(c.student_id, c.volunteer_id) for c in constraints if c.kind == "lock"]
    forbids = [(c.student_id, c.volunteer_id) for c in constraints if c.kind == "forbid"]
    settings = Settings(min_overlap_hours=args.min_overlap_hours, objective=args.objective)
    try:
        return match(
            students,
            volunteers,
            settings,
            term_start=args.term_start,
            term_end=args.term_end,
            locks=locks,
            forbids=forbids,
        )
    except InvalidLock as error:
        lock = (error.student_id, error.volunteer_id)
        row = next((c.row for c in constraints if (c.student_id, c.volunteer_id) == lock), None)
        raise EngineError(f"{args.constraints}, row {row}, column kind: {error}") from error


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "match":
        return run_match(args)
    return 2  # pragma: no cover - argparse requires a command


if __name__ == "__main__":
    # One batch whose objects (modules, people, pairs, explanations) live until the
    # process ends. The cycle collector finds almost nothing to free (836 objects, at
    # 1,000 or 5,000 people a side, the same peak memory) but rescans them all as they
    # pile up (0.035 of 0.55 CPU s at 1,000, 0.25 of 2.45 at 5,000), and Python's
    # shutdown runs one more full collection over all of them (0.045 s at 1,000):
    # frozen, they are not scanned. Only here, not in `main`, which tests call in
    # their own process.
    gc.disable()
    status = main()
    gc.freeze()
    sys.exit(status)
