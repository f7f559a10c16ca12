"""`fito check`, `fito lts` and `fito run` as a user runs them: a subprocess, its exit code,
its output. Exit codes: 0 all hold, 1 a violation (or incomplete under --strict), 2 an input
error or bad usage, 3 an internal error (docs/output.md).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fito_model import __version__, cli

SPECS = {
    "holds.fito": """\
-- every assertion holds
channel a, b
channel c : {0..2}
P = a -> b -> P
COPY = c?x -> c!x -> COPY
assert P :[deadlock free]
assert COPY :[divergence free]
""",
    "violated.fito": """\
channel a, b
P = a -> b -> P
Q = a -> b -> STOP
assert P :[deadlock free]
assert Q :[deadlock free]
""",
    "syntax.fito": "channel a\nP = a -> -> STOP\n",
    "names.fito": "channel a\nP = a -> Q\nassert P :[deadlock free]\n",
    "evalerr.fito": "channel c : {0..2}\nP = c!(3 / 0) -> STOP\nassert P :[deadlock free]\n",
    "count.fito": "channel tick\nCOUNT(n) = tick -> COUNT(n + 1)\nassert COUNT(0) :[deadlock free]\n",
    "dining.fito": """\
N = 3
channel pick, drop : {0..N-1}.{0..N-1}
channel a, b
PHIL(i) = pick.i.i -> pick.i.((i + 1) % N) -> drop.i.i -> drop.i.((i + 1) % N) -> PHIL(i)
FORK(i) = pick.i.i -> drop.i.i -> FORK(i) [] pick.((i + N - 1) % N).i -> drop.((i + N - 1) % N).i -> FORK(i)
SYSTEM = (||| i : {0..N-1} @ PHIL(i)) [| {| pick, drop |} |] (||| i : {0..N-1} @ FORK(i))
LOOP = (a -> LOOP) \\ {a}
assert SYSTEM :[deadlock free]
assert SYSTEM \\ {| drop |} :[divergence free]
assert LOOP :[divergence free]
assert not SYSTEM :[deadlock free]
""",
    "tiny.fito": "channel a, b\nP = a -> b -> P\nQ = a -> SKIP\n",
}


@pytest.fixture(scope="module")
def specs(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("specs")
    for name, text in SPECS.items():
        (d / name).write_text(text)
    return d


# Every subprocess this module needs, by name: started together (a run is mostly interpreter
# start-up and imports), so the module costs about as long as its slowest few runs.
RUNS = {
    "holds": ("check", "{d}/holds.fito"),
    "violated-json": ("check", "{d}/violated.fito", "--format", "json"),
    "syntax": ("check", "{d}/syntax.fito"),
    "evalerr": ("check", "{d}/evalerr.fito", "--format", "json"),
    "usage": ("check", "--max-states", "many", "{d}/holds.fito"),
    "count-strict": ("check", "{d}/count.fito", "--max-states", "20000", "--strict"),
    "same-1": ("check", "{d}/dining.fito", "{d}/violated.fito", "--format", "json"),
    "same-2": ("check", "{d}/dining.fito", "{d}/violated.fito", "--format", "json"),
    "run-1": ("run", "{d}/dining.fito", "--process", "SYSTEM", "--seed", "7", "--steps", "12"),
    "run-2": ("run", "{d}/dining.fito", "--process", "SYSTEM", "--seed", "7", "--steps", "12"),
    "lts-aut": ("lts", "{d}/tiny.fito", "--process", "P ||| Q", "--format", "aut"),
}
HASHSEED = {"same-1": "1", "same-2": "2", "run-2": "3"}  # repeated runs differ in hash seed


@pytest.fixture(scope="module")
def runs(specs) -> dict[str, subprocess.CompletedProcess]:
    procs = {}
    for name, args in RUNS.items():
        env = dict(os.environ, PYTHONHASHSEED=HASHSEED.get(name, "0"))
        argv = [sys.executable, "-m", "fito_model", *(a.format(d=specs) for a in args)]
        procs[name] = (argv, subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                              text=True, env=env))
    out = {}
    for name, (argv, proc) in procs.items():
        stdout, stderr = proc.communicate(timeout=300)
        out[name] = subprocess.CompletedProcess(argv, proc.returncode, stdout, stderr)
    return out


def fito_inproc(capsys, *args) -> tuple[int, str, str]:
    """The same CLI in this process (for variants of what the subprocess runs cover)."""
    try:
        code = cli.main([str(a) for a in args])
    except SystemExit as exc:  # argparse exits for usage errors
        code = exc.code
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def as_json(proc: subprocess.CompletedProcess) -> dict:
    return json.loads(proc.stdout)


# ----- exit codes ----------------------------------------------------------------------------

def test_exit_0_when_every_assertion_holds(runs):
    p = runs["holds"]
    assert p.returncode == 0, p.stderr
    assert "2 holds" in p.stdout


def test_exit_1_on_a_violation(runs, capsys, specs):
    assert runs["violated-json"].returncode == 1
    code, out, _ = fito_inproc(capsys, "check", specs / "violated.fito")
    assert code == 1
    assert "1 holds, 1 violated" in out and "deadlock" in out


def test_exit_2_on_a_syntax_error(runs):
    p = runs["syntax"]
    assert p.returncode == 2
    assert "error[FITO101]" in p.stdout + p.stderr
    assert "Traceback" not in p.stdout + p.stderr


def test_exit_2_on_a_name_error(capsys, specs):
    code, out, err = fito_inproc(capsys, "check", specs / "names.fito")
    assert code == 2 and "error[FITO201]" in out + err


def test_exit_2_on_an_evaluation_error(runs):
    p = runs["evalerr"]
    assert p.returncode == 2
    [a] = as_json(p)["files"][0]["assertions"]
    assert a["status"] == "error" and "division by zero" in a["message"]


def test_exit_2_for_bad_usage(runs):
    p = runs["usage"]
    assert p.returncode == 2
    assert "FITO401" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.parametrize("args", [
    (),                                    # no command
    ("check",),                            # no files
    ("check", "--format", "yaml", "x.fito"),
    ("frobnicate",),
    ("lts", "x.fito"),                     # --process is required
    ("run", "x.fito", "--process", "P", "--seed", "x"),
])
def test_usage_errors_in_process(capsys, args):
    code, _, err = fito_inproc(capsys, *args)
    assert code == 2 and "FITO401" in err


def test_exit_2_for_a_missing_file(capsys, tmp_path):
    code, out, err = fito_inproc(capsys, "check", tmp_path / "missing.fito")
    assert code == 2 and "FITO111" in out + err


def test_exit_3_on_an_internal_error(monkeypatch, capsys, specs):
    """A bug in fito is exit 3 with a traceback for the report, never a silent exit 2."""
    import fito_model.api as api

    def boom(*a, **k):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(api, "check", boom)
    code, _, err = fito_inproc(capsys, "check", specs / "holds.fito")
    assert code == 3 and "internal error" in err and "simulated bug" in err


# ----- incomplete searches ---------------------------------------------------------------------

def test_unbounded_counter_is_incomplete_with_a_hint(capsys, specs):
    code, out, _ = fito_inproc(capsys, "check", specs / "count.fito", "--max-states", "20000", "--format", "json")
    assert code == 0
    [a] = json.loads(out)["files"][0]["assertions"]
    assert a["status"] == "incomplete" and a["bound"] == "max-states"
    assert "grows without limit" in a["message"] and "raise the bound" in a["message"]
    assert a["stats"]["states"] > 20000


def test_incomplete_under_strict_is_exit_1(runs):
    p = runs["count-strict"]
    assert p.returncode == 1
    assert "incomplete" in p.stdout


def test_max_depth_incomplete(capsys, specs):
    code, out, _ = fito_inproc(capsys, "check", specs / "holds.fito", "--max-depth", "0", "--format", "json")
    assert code == 0
    assert [a["status"] for a in json.loads(out)["files"][0]["assertions"]] == ["incomplete", "incomplete"]
    code, _, _ = fito_inproc(capsys, "check", specs / "holds.fito", "--max-depth", "0", "--strict")
    assert code == 1


# ----- the JSON report ----------------------------------------------------------------------------

def test_json_schema(runs):
    p = runs["violated-json"]
    doc = as_json(p)
    assert doc["tool"] == "fito" and doc["version"] == __version__ and doc["exit_code"] == 1 == p.returncode
    [f] = doc["files"]
    assert f["path"].endswith("violated.fito") and f["diagnostics"] == []
    holds, violated = f["assertions"]
    for a in (holds, violated):
        assert {"line", "column", "text", "kind", "status", "message", "trace", "stats"} <= set(a)
        assert {"states", "transitions", "seconds"} <= set(a["stats"])
    assert (holds["line"], holds["text"], holds["kind"], holds["status"], holds["trace"]) == \
        (4, "assert P :[deadlock free]", "deadlock free", "holds", None)
    assert (violated["line"], violated["status"]) == (5, "violated")
    assert [(s["step"], s["event"], s["channel"], s["args"]) for s in violated["trace"]] == \
        [(1, "a", "a", []), (2, "b", "b", [])]
    assert violated["trace"][0]["processes"] == [
        {"process": "Q", "bindings": "", "path": f["path"], "line": 3}]
    assert violated["stats"]["states"] == 3 and violated["stats"]["transitions"] == 2


def test_json_for_input_errors_lists_diagnostics(capsys, specs):
    code, out, _ = fito_inproc(capsys, "check", specs / "names.fito", "--format", "json")
    doc = json.loads(out)
    [f] = doc["files"]
    assert code == doc["exit_code"] == 2 and f["assertions"] == []
    [d] = f["diagnostics"]
    assert (d["code"], d["line"], d["column"]) == ("FITO201", 2, 10)


def _normalised(stdout: str) -> str:
    doc = json.loads(stdout)
    for f in doc["files"]:
        for a in f["assertions"]:
            if a.get("stats"):
                for k in ("seconds", "states_per_second", "peak_memory_bytes", "bytes_per_state"):
                    a["stats"][k] = 0
    return json.dumps(doc, indent=2, ensure_ascii=False)


def test_same_input_gives_the_same_json(runs):
    """Two runs under different hash seeds agree byte for byte, timing and memory aside."""
    one, two = runs["same-1"], runs["same-2"]
    assert one.returncode == two.returncode == 1
    assert _normalised(one.stdout) == _normalised(two.stdout)
    statuses = [a["status"] for f in json.loads(one.stdout)["files"] for a in f["assertions"]]
    assert statuses == ["violated", "holds", "violated", "holds", "holds", "violated"]


# ----- fito run and fito lts --------------------------------------------------------------------------

def test_run_prints_the_seed_and_is_reproducible(runs, capsys, specs):
    one, two = runs["run-1"], runs["run-2"]
    assert one.returncode == 0, one.stderr
    assert one.stdout.splitlines()[0].startswith("seed 7:")
    assert one.stdout == two.stdout
    steps = int(one.stdout.split()[2])                  # "seed 7: N steps of SYSTEM"
    assert len([ln for ln in one.stdout.splitlines() if ln[:5].strip().rstrip(".").isdigit()]) == steps
    others = [fito_inproc(capsys, "run", specs / "dining.fito", "--process", "SYSTEM", "--seed", s,
                          "--steps", "12")[1] for s in ("1", "2", "3")]
    assert any(o.splitlines()[1:] != one.stdout.splitlines()[1:] for o in others)


def test_lts_aut_exact(runs):
    p = runs["lts-aut"]
    assert p.returncode == 0, p.stderr
    # P alternates a, b; Q does a then waits for a ✓ that P never offers: 2 x 2 states.
    # States are numbered in BFS order, P's rules before Q's; edges sorted by (source, target).
    assert p.stdout == ('des (0, 6, 4)\n'
                        '(0, "a", 1)\n'
                        '(0, "a", 2)\n'
                        '(1, "b", 0)\n'
                        '(1, "a", 3)\n'
                        '(2, "a", 3)\n'
                        '(3, "b", 2)\n')


def test_lts_dot_and_json(capsys, specs):
    code, dot, _ = fito_inproc(capsys, "lts", specs / "tiny.fito", "--process", "P", "--format", "dot")
    assert code == 0
    assert dot == ('digraph lts {\n  rankdir=LR;\n  node [shape=circle, label=""];\n'
                   '  0 [shape=doublecircle];\n  0 -> 1 [label="a"];\n  1 -> 0 [label="b"];\n}\n')
    code, out, _ = fito_inproc(capsys, "lts", specs / "tiny.fito", "--process", "Q", "--format", "json")
    assert json.loads(out) == {"initial": 0, "complete": True,
                               "states": [{"id": 0, "components": [0]}, {"id": 1, "components": [1]},
                                          {"id": 2, "components": [2]}],
                               "transitions": [{"source": 0, "event": "a", "target": 1},
                                               {"source": 1, "event": "✓", "target": 2}]}


def test_lts_of_an_undefined_process_is_an_input_error(capsys, specs):
    code, _, err = fito_inproc(capsys, "lts", specs / "tiny.fito", "--process", "NOPE")
    assert code == 2 and "NOPE" in err and "Traceback" not in err
