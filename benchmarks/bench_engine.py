"""Benchmark of the matching engine (``make bench``): time, memory, and the solver's share.

For N students and N volunteers generated like the demo data (``matcher.sample``),
each size and objective runs in its own process, so its peak memory is its own:
one warm-up run of ``match`` (its peak resident memory is reported), then a timed
run whose cost matrix is kept, then a bare ``linear_sum_assignment`` on that same
matrix. Columns:

- ``build``: preparing people, time zones and the cost matrices (s)
- ``solve``: the assignment, including the final matrix and, for ``fair``, the
  threshold search (s)
- ``explain``: breakdowns and reasons (s); ``total``: the whole ``match`` call (s)
- ``peak MB``: the process's peak resident memory; ``feasible``: share of pairs
  that break no hard constraint; ``bare LSA``: seconds of ``linear_sum_assignment``
  alone on the same final matrix; ``ratio``: total / bare LSA

Usage: ``python benchmarks/bench_engine.py [--sizes 100,1000,2000,5000]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TERM = {"term_start": date(2025, 3, 3), "term_end": date(2025, 6, 27)}  # spans US, EU, AU changes
SEED = 2024


def one(n: int, objective: str) -> dict[str, Any]:
    """Run one size and objective in this process; returns the figures."""
    from matcher.engine import Settings, match, solve
    from matcher.sample import generate_people, to_engine

    students, volunteers = to_engine(*generate_people(n, n, seed=SEED))
    settings = Settings(objective=objective)
    match(students, volunteers, settings, **TERM)  # warm-up: the first touch of memory
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kept: dict[str, Any] = {}
    real = solve.linear_sum_assignment

    def keeping(cost: Any) -> Any:
        kept["cost"] = cost
        return real(cost)

    solve.linear_sum_assignment = keeping  # type: ignore[assignment]
    result = match(students, volunteers, settings, **TERM)
    solve.linear_sum_assignment = real
    started = time.perf_counter()
    real(kept["cost"])
    bare = time.perf_counter() - started
    seconds = result.stats["seconds"]
    return {
        "n": n,
        "objective": objective,
        "build": seconds["prepare"] + seconds["costs"],
        "solve": seconds["solve"],
        "explain": seconds["explain"],
        "total": seconds["total"],
        "peak_mb": peak_mb,
        "feasible": result.stats["feasible_share"],
        "bare": bare,
        "ratio": seconds["total"] / bare if bare else float("nan"),
        "pairs": result.stats["pairs"],
        "lowest": result.stats["lowest_score"],
        "mean": result.stats["mean_score"],
        "matrix": list(kept["cost"].shape),
    }


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    import numpy
    import scipy

    return (
        f"{model}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"NumPy {numpy.__version__}, SciPy {scipy.__version__}"
    )


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| N | objective | build s | solve s | explain s | total s | peak MB | feasible "
        "| bare LSA s | ratio | pairs | lowest | mean |"
    )
    lines = [head, "|" + " --- |" * 13]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {r['objective']} | {r['build']:.3f} | {r['solve']:.3f} "
            f"| {r['explain']:.3f} | {r['total']:.3f} | {r['peak_mb']:.0f} | {r['feasible']:.1%} "
            f"| {r['bare']:.3f} | {r['ratio']:.2f} | {r['pairs']:,} | {r['lowest']} | {r['mean']} |"
        )
    return "\n".join(lines)


def targets(rows: list[dict[str, Any]]) -> list[tuple[str, bool, str]]:
    """The issue's targets, checked on the figures that were measured."""
    by = {(r["n"], r["objective"]): r for r in rows}
    out = []
    if (1000, "best") in by:
        t = by[(1000, "best")]["total"]
        out.append(("N = 1,000 total <= 0.3 s", t <= 0.3, f"{t:.3f} s"))
    if (5000, "best") in by:
        r = by[(5000, "best")]
        out.append(("N = 5,000 total <= 5 s", r["total"] <= 5, f"{r['total']:.3f} s"))
        out.append(("N = 5,000 peak <= 1 GB", r["peak_mb"] <= 1024, f"{r['peak_mb']:.0f} MB"))
    for (n, objective), r in sorted(by.items()):
        if n >= 2000:
            ok = r["ratio"] <= 1.5
            out.append((f"N = {n:,} {objective}: total <= 1.5 x bare LSA", ok, f"{r['ratio']:.2f}"))
    if (1000, "best") in by and (1000, "fair") in by:
        k = by[(1000, "fair")]["total"] / by[(1000, "best")]["total"]
        out.append(("N = 1,000 fair <= 3 x best", k <= 3, f"{k:.2f} x"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,2000,5000")
    parser.add_argument("--objectives", default="best,fair")
    parser.add_argument("--one", nargs=2, metavar=("N", "OBJECTIVE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(int(args.one[0]), args.one[1])))
        return 0
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        for objective in args.objectives.split(","):
            done = subprocess.run(
                [sys.executable, __file__, "--one", str(n), objective],
                capture_output=True,
                text=True,
                check=True,
            )
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(f"  measured N = {n:,} {objective}", file=sys.stderr)
    print(f"Machine: {machine()}")
    print(
        f"Term {TERM['term_start']} to {TERM['term_end']}, seed {SEED}, N students = N volunteers\n"
    )
    print(table(rows))
    print()
    for name, ok, value in targets(rows):
        print(f"{'PASS' if ok else 'MISS'}  {name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
