"""Benchmark fito's explicit-state explorer against SPIN on twin models.

For every family and size, bench/models.py writes a Promela model and a CSPm
model with the same reachable state graph.  SPIN runs with partial-order
reduction and SPIN's own state-space optimisations turned off, so both tools
store the same states and states/second can be compared one-for-one.  Each
tool runs ``--repeats`` times and the medians go into a table and into
bench/out/results.json.

Nothing is installed here.  Without ``spin`` on PATH the SPIN columns stay
empty (a hint says how to install it); without a working ``fito check`` the
fito columns say "fito: not available".  No number is ever made up.

    .venv/bin/python bench/run.py                       # everything, 3 repeats
    .venv/bin/python bench/run.py --quick               # smoke run
    .venv/bin/python bench/run.py --family 2pc --sizes 2,3 --repeats 5
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import models  # noqa: E402  (bench/ is not a package)

OUT = HERE / "out"
FITO_LIMITS = ["--max-states", "20000000", "--timeout", "600"]
FITO_WALL_LIMIT = 900  # seconds; fito's own --timeout is 600

# -o1: no dead-variable resets, -o2: keep write-only variables.  Both would
# otherwise merge states that the CSP twin (and fito) keeps apart.
SPIN_GEN = ["spin", "-o1", "-o2", "-a"]
# -DNOREDUCE: no partial-order reduction; -DSAFETY: plain reachability search.
CC_FLAGS = ["-O2", "-DNOREDUCE", "-DSAFETY"]
# pan's clock is times(), 10 ms ticks: below this its elapsed time is too coarse
# and the wall clock of the ./pan process is used instead.
PAN_CLOCK_MIN = 0.1


# --------------------------------------------------------------------------
# SPIN
# --------------------------------------------------------------------------

def spin_version() -> str | None:
    if not shutil.which("spin"):
        return None
    out = subprocess.run(["spin", "-V"], capture_output=True, text=True).stdout
    return out.strip() or "spin"


def build_pan(pml: Path) -> Path:
    """spin -a + gcc, once per model, in the model's own folder."""
    work = pml.parent
    subprocess.run(SPIN_GEN + [pml.name], cwd=work, check=True, capture_output=True, text=True)
    cc = shutil.which("gcc") or shutil.which("cc") or "gcc"
    subprocess.run([cc, *CC_FLAGS, "-o", "pan", "pan.c"], cwd=work, check=True,
                   capture_output=True, text=True)
    return work / "pan"


def _num(pattern: str, text: str) -> float | None:
    m = re.search(pattern, text)
    return float(m.group(1)) if m else None


def parse_pan(out: str) -> dict:
    """Pick the figures we need out of pan's report."""
    return {
        "stored": _num(r"([\d.e+]+) states, stored", out),
        "transitions": _num(r"([\d.e+]+) transitions \(", out),
        "depth": _num(r"depth reached (\d+)", out),
        "state_vector_bytes": _num(r"State-vector (\d+) byte", out),
        "pan_seconds": _num(r"pan: elapsed time ([\d.e+-]+) seconds", out),
        "state_memory_mb": _num(r"([\d.]+)\s+actual memory usage for states", out),
        "errors": _num(r"errors: (\d+)", out),
        "depth_too_small": "max search depth too small" in out,
    }


def run_pan(pan: Path, depth: int, hash_bits: int) -> dict:
    args = [str(pan), f"-m{depth}", "-E", "-n", f"-w{hash_bits}"]
    t0 = time.perf_counter()
    proc = subprocess.run(args, cwd=pan.parent, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    res = parse_pan(proc.stdout)
    res["wall_seconds"] = wall
    res["args"] = args[1:]
    if res["stored"] is None:
        raise RuntimeError(f"pan gave no state count: {proc.stdout[-500:]} {proc.stderr[-500:]}")
    return res


def bench_spin(pml: Path, repeats: int) -> dict:
    """One untimed sizing run, then ``repeats`` timed runs of ./pan.

    The sizing run finds the search depth and state count, so the timed runs
    get a DFS stack and hash table that fit (as a SPIN user would set them)
    instead of paying for a 128 MB default table on tiny models.
    """
    pan = build_pan(pml)
    depth = 1_000_000
    probe = run_pan(pan, depth, 24)
    while probe["depth_too_small"] and depth < 100_000_000:
        depth *= 10
        probe = run_pan(pan, depth, 24)
    if probe["depth_too_small"]:
        raise RuntimeError("pan: max search depth too small even at -m100000000")
    depth = max(10_000, 2 * int(probe["depth"]))
    hash_bits = min(28, max(10, math.ceil(math.log2(probe["stored"] + 1)) + 1))
    runs = [run_pan(pan, depth, hash_bits) for _ in range(repeats)]
    if any(r["stored"] != probe["stored"] for r in runs):
        raise RuntimeError("pan state counts differ between runs")
    pan_s = statistics.median(r["pan_seconds"] or 0.0 for r in runs)
    wall_s = statistics.median(r["wall_seconds"] for r in runs)
    # states/s from pan's own "elapsed time" (search only) when its 10 ms clock
    # can resolve it, otherwise from the wall clock of the whole ./pan process.
    seconds, source = (pan_s, "pan elapsed time") if pan_s >= PAN_CLOCK_MIN else (wall_s, "wall clock")
    stored = int(probe["stored"])
    mem = statistics.median(r["state_memory_mb"] or 0.0 for r in runs)
    return {
        "states": stored,
        "transitions": int(probe["transitions"]),  # pan counts stored + matched
        "depth": int(probe["depth"]),
        "state_vector_bytes": probe["state_vector_bytes"],
        "seconds": seconds,
        "time_source": source,
        "pan_seconds_runs": [r["pan_seconds"] for r in runs],
        "wall_seconds_runs": [r["wall_seconds"] for r in runs],
        "states_per_second": stored / seconds if seconds > 0 else None,
        "bytes_per_state": mem * 1024 * 1024 / stored if mem else None,
        "pan_args": runs[0]["args"],
    }


# --------------------------------------------------------------------------
# fito
# --------------------------------------------------------------------------

def default_fito_command() -> list[str]:
    exe = ROOT / ".venv" / "bin" / "fito"
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "fito_model"]


def run_fito_once(cmd: list[str], path: Path) -> dict:
    """One ``fito check FILE --format json``; raises if no usable report."""
    args = [*cmd, "check", str(path), "--format", "json", *FITO_LIMITS]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT,
                              timeout=FITO_WALL_LIMIT)
    except FileNotFoundError as exc:
        raise RuntimeError(f"cannot run {cmd[0]}: {exc}") from None
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"no answer within {FITO_WALL_LIMIT}s") from None
    wall = time.perf_counter() - t0
    try:
        report = json.loads(proc.stdout)
        assertions = report["files"][0]["assertions"]
    except (ValueError, KeyError, IndexError, TypeError):
        tail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"exit {proc.returncode}: {tail[0][:200]}") from None
    if not assertions:
        raise RuntimeError("report lists no assertion")
    # the twins' full-exploration check is the file's last assertion
    a = assertions[-1]
    stats = a.get("stats") or {}
    return {"status": a.get("status"), "text": a.get("text"), "stats": stats,
            "wall_seconds": wall, "version": report.get("version")}


def bench_fito(cmd: list[str], path: Path, repeats: int) -> dict:
    runs = [run_fito_once(cmd, path)]
    for _ in range(repeats - 1):
        runs.append(run_fito_once(cmd, path))

    def med(key):
        vals = [r["stats"].get(key) for r in runs if r["stats"].get(key) is not None]
        return statistics.median(vals) if vals else None

    states, seconds = med("states"), med("seconds")
    rate = states / seconds if states and seconds else med("states_per_second")
    return {
        "status": runs[0]["status"],
        "statuses": [r["status"] for r in runs],
        "assertion": runs[0]["text"],
        "version": runs[0]["version"],
        "states": int(states) if states is not None else None,
        "transitions": med("transitions"),
        "seconds": seconds,
        "seconds_runs": [r["stats"].get("seconds") for r in runs],
        "wall_seconds_runs": [r["wall_seconds"] for r in runs],
        "states_per_second": rate,
        "peak_memory_bytes": med("peak_memory_bytes"),
        "bytes_per_state": med("bytes_per_state"),
    }


# --------------------------------------------------------------------------
# table
# --------------------------------------------------------------------------

COLUMNS = [
    ("family", 12), ("size", 4), ("fito states", 11), ("fito trans", 11),
    ("fito st/s", 10), ("SPIN states", 11), ("SPIN st/s", 11),
    ("fito/SPIN", 9), ("fito B/st", 9), ("note", 0),
]


def _fmt(v, nd=0):
    if v is None:
        return "-"
    if isinstance(v, float) and nd:
        return f"{v:.{nd}g}"
    return f"{v:,.0f}" if isinstance(v, (int, float)) else str(v)


def table_row(row: dict) -> str:
    f, s = row.get("fito") or {}, row.get("spin") or {}
    cells = [row["family"], row["size"], _fmt(f.get("states")), _fmt(f.get("transitions")),
             _fmt(f.get("states_per_second")), _fmt(s.get("states")),
             _fmt(s.get("states_per_second")), _fmt(row.get("ratio"), 3),
             _fmt(f.get("bytes_per_state")), "; ".join(row["notes"])]
    return "  ".join(str(c).rjust(w) if w else str(c) for c, (_, w) in zip(cells, COLUMNS))


def header() -> str:
    return "  ".join(name.rjust(w) if w else name for name, w in COLUMNS)


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--family", default="all", choices=[*models.FAMILIES, "all"])
    p.add_argument("--sizes", help="comma-separated sizes (N or K), e.g. 5,6")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="smallest size of each family, 1 repeat")
    p.add_argument("--fito", help="command that runs fito (default: .venv/bin/fito, "
                   "else python -m fito_model)")
    p.add_argument("--no-fito", action="store_true", help="run the SPIN side only")
    p.add_argument("--no-spin", action="store_true", help="run the fito side only")
    p.add_argument("--out", type=Path, default=OUT / "results.json")
    return p.parse_args(argv)


def plan(args) -> list[tuple[str, int]]:
    families = models.FAMILIES if args.family == "all" else (args.family,)
    todo = []
    for fam in families:
        if args.sizes:
            sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
        elif args.quick:
            sizes = models.SIZES[fam][:1]
        else:
            sizes = models.SIZES[fam]
        todo += [(fam, n) for n in sizes]
    return todo


def main(argv=None) -> int:
    args = parse_args(argv)
    repeats = 1 if args.quick else max(1, args.repeats)
    fito_cmd = shlex.split(args.fito) if args.fito else default_fito_command()
    spin = None if args.no_spin else spin_version()
    if not args.no_spin and spin is None:
        print("spin not found on PATH; install it with: apt-get install -y spin", flush=True)

    meta = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "repeats": repeats,
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                    "python": platform.python_version()},
        "spin": spin and {"version": spin, "generate": SPIN_GEN, "cc_flags": CC_FLAGS},
        "fito_command": None if args.no_fito else [*fito_cmd, "check", "FILE", "--format", "json", *FITO_LIMITS],
        "notes": "medians over repeats; SPIN states/s from pan's elapsed time when >= "
                 f"{PAN_CLOCK_MIN}s, else ./pan wall clock (see time_source); "
                 "SPIN transitions = pan's stored+matched (edges + 1)",
    }
    rows = []
    print(header(), flush=True)
    for fam, size in plan(args):
        work = OUT / "models" / f"{fam}_{size}"
        work.mkdir(parents=True, exist_ok=True)
        pml_text, csp_text = models.generate(fam, size)
        pml, csp = work / "model.pml", work / f"{fam}_{size}.csp"
        pml.write_text(pml_text)
        csp.write_text(csp_text)
        # the pure-Python reference count is only affordable for the standard sizes
        ref = models.reference_states(fam, size) if size in models.SIZES[fam] else None
        row = {"family": fam, "size": size, "reference_states": ref,
               "spin": None, "fito": None, "ratio": None, "notes": []}

        if spin:
            try:
                row["spin"] = bench_spin(pml, repeats)
            except (RuntimeError, subprocess.CalledProcessError) as exc:
                detail = getattr(exc, "stderr", None) or str(exc)
                row["notes"].append(f"spin failed: {str(detail).strip()[:200]}")
        if not args.no_fito:
            try:
                row["fito"] = bench_fito(fito_cmd, csp, repeats)
            except RuntimeError as exc:
                row["notes"].append(f"fito: not available ({exc})")

        f, s = row["fito"], row["spin"]
        if s and s["time_source"] == "wall clock":
            row["notes"].append("SPIN st/s from ./pan wall clock (search < 0.1 s)"
                                + ("; under 20 ms, mostly process start-up" if s["seconds"] < 0.02 else ""))
        if f and f["status"] != "holds":
            row["notes"].append(f"fito status {f['status']}")
        if f and s and f["status"] == "holds" and f["states_per_second"] and s["states_per_second"]:
            row["ratio"] = f["states_per_second"] / s["states_per_second"]
        for tool, res in (("fito", f), ("spin", s)):
            if ref is not None and res and res.get("states") is not None and res["states"] != ref:
                row["notes"].append(f"{tool} states != reference {ref}")
        if f and s and f.get("states") is not None and f["states"] != s["states"]:
            row["notes"].append("fito and SPIN state counts differ")
        rows.append(row)
        print(table_row(row), flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")

    print(f"\nresults: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
