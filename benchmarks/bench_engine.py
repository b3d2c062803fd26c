"""Benchmark of the matching engine (``make bench``): the engine against bare SciPy solvers.

N students and N volunteers come from ``matcher.sample`` (the demo generator, seed
2024), for N = 1,000, 2,000, 5,000 and 10,000 (and 20,000 with ``--big``, which
``make bench BIG=1`` passes). Each size and objective runs in a process of its own:

1. one ``match``; the process's peak resident memory after it is the round's
   ``peak MB`` (the generated people included);
2. then ``--repeat`` rounds, interleaved so that a busy machine slows all three
   alike: ``match``, then on the very problem ``match`` handed to its solver a bare
   dense ``linear_sum_assignment`` (rows x places, a pair costing ``-(BIG + score)``
   and anything else 0: the engine's former solve) and a bare sparse
   ``min_weight_full_bipartite_matching`` (the feasible pairs and one dummy place per
   student). Each figure is the fastest of its repeats;
3. ``words``: wording every pair's breakdown, which ``match`` leaves to whoever
   reads it (a page, an export).

Last, ``python -m matcher match`` on 1,000 + 1,000 rows written from the same
generator, as a whole process (the fastest of three). The targets are checked on
the figures at the end.

On a machine shared with other work, ``--cpu`` times with the processes' CPU seconds
instead of the wall clock (with one BLAS thread), which other work barely changes;
the build / solve / explain columns stay wall-clock seconds.

Usage: ``python benchmarks/bench_engine.py [--sizes 1000,2000] [--big] [--repeat 3] [--cpu]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from bare import Bare  # benchmarks/bare.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TERM = {"term_start": date(2025, 3, 3), "term_end": date(2025, 6, 27)}  # US, EU, AU changes
SEED = 2024
SIZES = (1000, 2000, 5000, 10000)
BIG = 20000
CSV_SIDE = 1000
clock = time.perf_counter  # time.process_time with --cpu


def one(n: int, objective: str, repeat: int) -> dict[str, Any]:
    """Measure one size and objective in this process; returns the figures."""
    import numpy as np

    from matcher.engine import Settings, match, matching
    from matcher.sample import generate_people, to_engine

    students, volunteers = to_engine(*generate_people(n, n, seed=SEED))
    settings = Settings(objective=objective)
    kept: dict[str, Any] = {}
    real = matching.assign

    def keeping(edges: Any, capacity: Any, objective: str) -> Any:
        kept["edges"], kept["capacity"] = edges, capacity
        return real(edges, capacity, objective)

    matching.assign = keeping  # type: ignore[assignment]
    match(students, volunteers, settings, **TERM)
    matching.assign = real
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    bare = Bare(kept["edges"], kept["capacity"], dense=n <= BIG, clock=clock)
    times: dict[str, list[float]] = {"engine": [], "dense": [], "sparse": []}
    runs = []
    for _ in range(repeat):
        started = clock()
        runs.append(match(students, volunteers, settings, **TERM))
        times["engine"].append(clock() - started)
        times["dense"].append(bare.dense())
        times["sparse"].append(bare.sparse())
    best = runs[int(np.argmin(times["engine"]))]
    started = clock()
    for pair in best.pairs:
        pair.to_dict()
    words = clock() - started
    seconds = best.stats["seconds"]
    return {
        "n": n,
        "objective": objective,
        "engine": min(times["engine"]),
        "build": seconds["prepare"] + seconds["costs"],
        "solve": seconds["solve"],
        "explain": seconds["explain"],
        "words": words,
        "peak_mb": peak_mb,
        "dense": min(times["dense"]) if bare.has_dense else None,
        "sparse": min(times["sparse"]),
        "all": times,
        "feasible": best.stats["feasible_share"],
        "edges": len(kept["edges"]),
        "pairs": best.stats["pairs"],
        "lowest": best.stats["lowest_score"],
        "mean": best.stats["mean_score"],
        "solved": solved_total(best),
        "checked": bare.checked,
    }


def solved_total(result: Any) -> tuple[int, int]:
    """The engine's solved pairs: how many, and their total score in grid units."""
    solved = [p for p in result.pairs if p.origin == "solved"]
    return len(solved), round(sum(p.score for p in solved) * 100)


def csv_files(folder: Path, n: int) -> tuple[Path, Path]:
    """Students and volunteers of the generator as the CSV mode's files."""
    from matcher.engine import availability_from_slots
    from matcher.roster import CSV_NAMES, STUDENT_COLUMNS, VOLUNTEER_COLUMNS, format_availability
    from matcher.sample import generate_people

    fields = {column: name for name, column in CSV_NAMES.items()}

    def cell(person: Any, column: str) -> str:
        value = getattr(person, fields.get(column, column))
        if column == "availability":
            return format_availability(availability_from_slots(value))
        if isinstance(value, tuple):
            return ";".join(value)
        if isinstance(value, bool):
            return "yes" if value else ""
        return str(value)

    paths = (folder / "students.csv", folder / "volunteers.csv")
    people = generate_people(n, n, seed=SEED)
    for path, group, columns in zip(
        paths, people, (STUDENT_COLUMNS, VOLUNTEER_COLUMNS), strict=True
    ):
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows([cell(p, c) for c in columns] for p in group)
    return paths


def csv_mode(n: int, tries: int = 3) -> list[float]:
    """Seconds of whole ``python -m matcher match`` processes on n + n rows."""
    with tempfile.TemporaryDirectory() as folder:
        students, volunteers = csv_files(Path(folder), n)
        command = [
            sys.executable,
            "-m",
            "matcher",
            "match",
            str(students),
            str(volunteers),
            "--out",
            str(Path(folder) / "pairs.csv"),
            "--quiet",
            "--term-start",
            str(TERM["term_start"]),
            "--term-end",
            str(TERM["term_end"]),
        ]
        out = []
        for _ in range(tries):
            wall, cpu = time.perf_counter(), _children_cpu()
            subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
            cpu_mode = clock is time.process_time
            out.append(_children_cpu() - cpu if cpu_mode else time.perf_counter() - wall)
        return out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine() -> str:
    import numpy
    import scipy

    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"NumPy {numpy.__version__}, SciPy {scipy.__version__}"
    )


def _s(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.3f}"


def _x(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio:.2f}"


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| N | objective | feasible | engine s | build | solve | explain | words s | peak MB "
        "| bare dense s | bare sparse s | engine / dense | engine / sparse "
        "| pairs | lowest | mean |"
    )
    lines = [head, "|" + " --- |" * 16]
    for r in rows:
        dense = r["engine"] / r["dense"] if r["dense"] else None
        lines.append(
            f"| {r['n']:,} | {r['objective']} | {r['feasible']:.1%} | {r['engine']:.3f} "
            f"| {r['build']:.3f} | {r['solve']:.3f} | {r['explain']:.3f} | {r['words']:.3f} "
            f"| {r['peak_mb']:,.0f} | {_s(r['dense'])} | {r['sparse']:.3f} | {_x(dense)} "
            f"| {r['engine'] / r['sparse']:.2f} | {r['pairs']:,} | {r['lowest']} | {r['mean']} |"
        )
    return "\n".join(lines)


def checks(rows: list[dict[str, Any]]) -> list[str]:
    """Problems found: a bare solver that disagrees with the engine on pairs or total."""
    out = []
    for r in rows:
        if r["objective"] != "best":
            continue
        for name, pairs, total in r["checked"]:
            if (pairs, total) != tuple(r["solved"]):
                out.append(
                    f"N = {r['n']:,}: bare {name} gives {pairs} pairs and {total}, "
                    f"the engine {r['solved'][0]} and {r['solved'][1]}"
                )
    return out


def targets(rows: list[dict[str, Any]], csv_seconds: list[float]) -> list[tuple[str, bool, str]]:
    """The issue's targets, on the figures measured."""
    by = {(r["n"], r["objective"]): r for r in rows}
    out = []
    for objective in ("best", "fair"):
        r = by.get((5000, objective))
        if r and r["dense"]:
            out.append(
                (
                    f"N = 5,000 {objective}: engine < bare dense LSA",
                    r["engine"] < r["dense"],
                    f"{r['engine']:.2f} s vs {r['dense']:.2f} s",
                )
            )
        if r:
            ratio = r["engine"] / r["sparse"]
            out.append(
                (
                    f"N = 5,000 {objective}: engine <= 1.5 x bare sparse",
                    ratio <= 1.5,
                    f"{ratio:.2f} x",
                )
            )
    for objective in ("best", "fair"):
        r = by.get((BIG, objective))
        if r:
            out.append(
                (f"N = 20,000 {objective}: <= 60 s", r["engine"] <= 60, f"{r['engine']:.1f} s")
            )
            out.append(
                (
                    f"N = 20,000 {objective}: peak <= 4 GB",
                    r["peak_mb"] <= 4096,
                    f"{r['peak_mb']:,.0f} MB",
                )
            )
        r = by.get((10000, objective))
        if r:
            out.append(
                (
                    f"N = 10,000 {objective}: peak <= 1 GB",
                    r["peak_mb"] <= 1024,
                    f"{r['peak_mb']:,.0f} MB",
                )
            )
    if csv_seconds:
        fastest = min(csv_seconds)
        out.append(
            (
                f"python -m matcher match, {CSV_SIDE:,} + {CSV_SIDE:,} rows: <= 0.5 s",
                fastest <= 0.5,
                f"{fastest:.2f} s",
            )
        )
    for n in sorted({r["n"] for r in rows}):
        if (n, "best") in by and (n, "fair") in by:
            k = by[(n, "fair")]["engine"] / by[(n, "best")]["engine"]
            out.append((f"N = {n:,}: fair <= 1.5 x best", k <= 1.5, f"{k:.2f} x"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--big", action="store_true", help=f"add N = {BIG:,}")
    parser.add_argument("--objectives", default="best,fair")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of each (fewer above 5,000)")
    parser.add_argument("--cpu", action="store_true", help="time in CPU seconds")
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cpu:
        global clock
        clock = time.process_time
        os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = "1"
    if args.one:
        print(json.dumps(one(int(args.one[0]), args.one[1], int(args.one[2]))))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")] + ([BIG] if args.big else [])
    load = os.getloadavg()[0]
    rows = []
    for n in sizes:
        repeat = args.repeat if n <= 5000 else max(1, args.repeat - (1 if n <= 10000 else 2))
        for objective in args.objectives.split(","):
            command = [sys.executable, __file__, "--one", str(n), objective, str(repeat)]
            command += ["--cpu"] if args.cpu else []
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(f"  measured N = {n:,} {objective}", file=sys.stderr)
    csv_seconds = csv_mode(CSV_SIDE)
    print(f"Machine: {machine()}")
    if args.cpu:
        print("Times in CPU seconds, one BLAS thread (--cpu); build/solve/explain wall-clock.")
    print(f"Load average {load:.1f} before, {os.getloadavg()[0]:.1f} after (other work shares it).")
    print(
        f"Term {TERM['term_start']} to {TERM['term_end']}, seed {SEED}, N students = N volunteers"
    )
    print()
    print(table(rows))
    print()
    print(
        f"python -m matcher match, {CSV_SIDE:,} + {CSV_SIDE:,} rows, whole process: "
        + ", ".join(f"{s:.2f} s" for s in csv_seconds)
    )
    print()
    for problem in checks(rows):
        print(f"CHECK  {problem}")
    for name, ok, value in targets(rows, csv_seconds):
        print(f"{'PASS' if ok else 'MISS'}  {name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
