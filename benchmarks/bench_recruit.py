"""Time `recruitment_windows` and `blocking_pairs` (issue 12) on the demo generator's people.

    .venv/bin/python benchmarks/bench_recruit.py 78 5000          # N students, N volunteers
    .venv/bin/python benchmarks/bench_recruit.py 5000 --volunteers 0.8 --limit 5 --apart

Not part of `make bench`: each size runs one round, then the two reports, in CPU and
wall-clock seconds (the CPU figure is steadier on a shared machine).
"""

from __future__ import annotations

import argparse
import time
from datetime import date

from matcher.engine import Settings, blocking_pairs, match, recruitment_windows
from matcher.sample import generate_people, to_engine

TERM = {"term_start": date(2025, 3, 3), "term_end": date(2025, 6, 27)}


def timed(call, *args, **kwargs):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    out = call(*args, **kwargs)
    return out, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--volunteers", type=float, default=1.0, help="volunteers per student")
    parser.add_argument("--limit", type=int, default=None, help="windows worked out")
    parser.add_argument("--apart", action="store_true", help="no two windows overlap")
    args = parser.parse_args()
    settings = Settings()
    for n in args.sizes:
        students, volunteers = to_engine(*generate_people(n, n, seed=2024))
        volunteers = volunteers[: int(args.volunteers * n)]
        result = match(students, volunteers, settings, **TERM)
        people = (students, volunteers, settings, result)
        windows, w_wall, w_cpu = timed(
            recruitment_windows, *people, limit=args.limit, apart=args.apart, **TERM
        )
        blocking, b_wall, b_cpu = timed(blocking_pairs, *people, **TERM)
        best = windows[0].students if windows else 0
        print(
            f"{n} + {len(volunteers)}: {len(result.unmatched_students)} unmatched; "
            f"windows {len(windows)} (best {best}) in {w_cpu:.3f} s CPU ({w_wall:.3f} s wall); "
            f"blocking pairs {len(blocking)} in {b_cpu:.3f} s CPU ({b_wall:.3f} s wall)",
            flush=True,
        )


if __name__ == "__main__":
    main()
