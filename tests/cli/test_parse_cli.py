"""`fito parse` through a subprocess, as users run it.

Every bad input must give exit 2, a `path:line:col: error[FITOnnn]:` line, the
source line with a caret under the spot, and never a Python traceback. Two
inputs have no source line to show, so no caret: a path that does not exist
and a directory holding no .fito files.
"""
from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spec_mutation import CLEAN, TOKENS, mutate

ERROR_LINE = r"^{path}:(\d+):(\d+): error\[FITO\d\d\d\]: .+$"
CARET_LINE = re.compile(r"^ *\| *\^+$", re.MULTILINE)


def fito(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "fito_model", "parse", *args], capture_output=True,
                          cwd=cwd, env=env, timeout=timeout)


def check_rejected(proc: subprocess.CompletedProcess, path: str, caret: bool = True) -> list[tuple[int, int]]:
    """Exit 2, an error line naming `path` (and a caret line), no traceback; returns (line, col)s."""
    err = proc.stderr.decode("utf-8", errors="replace")
    assert proc.returncode == 2, err
    assert "Traceback" not in err, err
    found = [(int(m[1]), int(m[2])) for m in re.finditer(ERROR_LINE.format(path=re.escape(path)), err, re.M)]
    assert found, err
    if caret:
        assert CARET_LINE.search(err), err
    return found


@pytest.fixture
def spec(tmp_path):
    def write(name: str, content: str | bytes) -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        return p
    return write


# ----- clean input ---------------------------------------------------------------------------

def test_clean_file_exits_0_silently(spec, tmp_path):
    spec("ok.fito", CLEAN)
    proc = fito("ok.fito", cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b""), proc.stderr.decode()


def test_empty_file_is_a_valid_empty_spec(spec, tmp_path):
    spec("empty.fito", "")
    spec("comments.fito", "-- nothing here\n{- nor here -}\n")
    proc = fito("empty.fito", "comments.fito", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()


def test_clean_json_output(spec, tmp_path):
    spec("ok.fito", CLEAN)
    proc = fito("--format", "json", "ok.fito", cwd=tmp_path)
    assert proc.returncode == 0
    assert json.loads(proc.stdout) == {"tool": "fito", "diagnostics": []}


# ----- bad input -----------------------------------------------------------------------------

def test_syntax_error(spec, tmp_path):
    spec("bad.fito", "channel a\nP = a -> ) STOP\n")
    proc = fito("bad.fito", cwd=tmp_path)
    assert check_rejected(proc, "bad.fito") == [(2, 10)]
    err = proc.stderr.decode()
    assert "2 | P = a -> ) STOP" in err
    assert "\n  |          ^\n" in err  # the caret sits under the `)`


def test_binary_junk(spec, tmp_path):
    spec("junk.fito", bytes(random.Random(1).randrange(256) for _ in range(4096)))
    check_rejected(fito("junk.fito", cwd=tmp_path), "junk.fito")


def test_nul_bytes_in_utf8_text(spec, tmp_path):
    spec("nul.fito", b"N = 1\nM = \x00\x01\x02\n")
    proc = fito("nul.fito", cwd=tmp_path)
    assert check_rejected(proc, "nul.fito") == [(2, 5)]
    assert "FITO100" in proc.stderr.decode()


def test_non_utf8_bytes(spec, tmp_path):
    spec("latin1.fito", "N = 1\nP = caf\xe9 -> STOP\n".encode("latin-1"))
    proc = fito("latin1.fito", cwd=tmp_path)
    assert check_rejected(proc, "latin1.fito") == [(2, 8)]
    assert "FITO100" in proc.stderr.decode() and "UTF-8" in proc.stderr.decode()


def test_non_utf8_column_counts_characters(spec, tmp_path):
    spec("mixed.fito", "x = \"é\" \xff\n".encode("utf-8").replace(b"\xc3\xbf", b"\xff"))
    assert check_rejected(fito("mixed.fito", cwd=tmp_path), "mixed.fito") == [(1, 9)]


def test_ten_megabyte_file(spec, tmp_path):
    spec("huge.fito", "-- padding padding padding padding padding padding padding\n" * 180_000)
    assert (tmp_path / "huge.fito").stat().st_size > 10_000_000
    proc = fito("huge.fito", cwd=tmp_path)
    assert check_rejected(proc, "huge.fito") == [(1, 1)]
    assert "FITO106" in proc.stderr.decode()


def test_ten_thousand_nested_parentheses(spec, tmp_path):
    spec("deep.fito", "x = " + "(" * 10_000 + "1" + ")" * 10_000 + "\n")
    proc = fito("deep.fito", cwd=tmp_path)
    assert check_rejected(proc, "deep.fito") == [(1, 205)]
    assert "FITO105" in proc.stderr.decode()


def test_ten_thousand_chained_operators(spec, tmp_path):
    spec("chain.fito", "channel a\nP = " + "a -> " * 10_000 + "STOP\n")
    proc = fito("chain.fito", cwd=tmp_path)
    check_rejected(proc, "chain.fito")
    assert "FITO105" in proc.stderr.decode()


def test_unterminated_block_comment(spec, tmp_path):
    spec("open.fito", "N = 1\n{- this comment\n   never ends\nP = STOP\n")
    proc = fito("open.fito", cwd=tmp_path)
    assert check_rejected(proc, "open.fito") == [(2, 1)]
    assert "FITO104" in proc.stderr.decode()


def test_missing_include(spec, tmp_path):
    spec("main.fito", 'N = 1\ninclude "nowhere.fito"\n')
    proc = fito("main.fito", cwd=tmp_path)
    assert check_rejected(proc, "main.fito") == [(2, 1)]
    assert "FITO107" in proc.stderr.decode() and "nowhere.fito" in proc.stderr.decode()


def test_include_cycle(spec, tmp_path):
    spec("a.fito", 'include "b.fito"\nA = 1\n')
    spec("b.fito", 'B = 2\ninclude "a.fito"\n')
    proc = fito("a.fito", cwd=tmp_path)
    assert check_rejected(proc, "b.fito") == [(2, 1)]
    assert "FITO108" in proc.stderr.decode() and "cycle" in proc.stderr.decode()


def test_error_in_an_included_file_points_into_it(spec, tmp_path):
    spec("lib/defs.fito", "channel c\nP = c -> \n")
    spec("main.fito", 'include "lib/defs.fito"\nQ = P\n')
    proc = fito("main.fito", cwd=tmp_path)
    check_rejected(proc, "lib/defs.fito")


def test_directory_argument(spec, tmp_path):
    spec("specs/good.fito", CLEAN)
    spec("specs/sub/bad.fito", "P = (STOP\n")
    spec("specs/notes.txt", "not a spec (")
    proc = fito("specs", cwd=tmp_path)
    assert check_rejected(proc, os.path.join("specs", "sub", "bad.fito")) == [(1, 10)]
    assert "good.fito" not in proc.stderr.decode() and "notes.txt" not in proc.stderr.decode()


def test_directory_without_specs(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = fito("empty", cwd=tmp_path)
    check_rejected(proc, "empty", caret=False)
    assert "no .fito files" in proc.stderr.decode()


def test_nonexistent_path(tmp_path):
    proc = fito("missing.fito", cwd=tmp_path)
    assert check_rejected(proc, "missing.fito", caret=False) == [(1, 1)]
    assert "FITO111" in proc.stderr.decode()


def test_several_files_and_errors_are_all_reported(spec, tmp_path):
    spec("one.fito", "channel 1\nP = STOP\nchannel 2\n")
    spec("two.fito", "f(1 + 1) = 0\n")
    proc = fito("one.fito", "two.fito", "nope.fito", cwd=tmp_path)
    assert check_rejected(proc, "one.fito") == [(1, 9), (3, 9)]
    assert check_rejected(proc, "two.fito") == [(1, 3)]
    assert check_rejected(proc, "nope.fito", caret=False) == [(1, 1)]


def test_no_arguments_is_a_usage_error(tmp_path):
    proc = fito(cwd=tmp_path)
    assert proc.returncode == 2 and b"FITO401" in proc.stderr and b"Traceback" not in proc.stderr


# ----- JSON ------------------------------------------------------------------------------------

def test_json_output_carries_the_same_diagnostics(spec, tmp_path):
    spec("one.fito", "channel 1\nP = STOP\nchannel 2\n")
    spec("open.fito", "{- never closed\n")
    args = ["one.fito", "open.fito", "missing.fito"]
    text = fito(*args, cwd=tmp_path)
    js = fito("--format", "json", *args, cwd=tmp_path)
    assert js.returncode == text.returncode == 2
    assert b"Traceback" not in js.stderr
    data = json.loads(js.stdout)
    assert data["tool"] == "fito"
    got = [(d["path"], d["line"], d["column"], d["code"], d["message"]) for d in data["diagnostics"]]
    shown = re.findall(r"^(\S+?):(\d+):(\d+): error\[(FITO\d+)\]: (.*)$", text.stderr.decode(), re.M)
    assert got == [(p, int(ln), int(col), code, msg) for p, ln, col, code, msg in shown]
    assert [g[3] for g in got] == ["FITO101", "FITO101", "FITO104", "FITO111"]


# ----- fuzzing -----------------------------------------------------------------------------------

def _no_crash(proc: subprocess.CompletedProcess) -> None:
    err = proc.stderr.decode("utf-8", errors="replace")
    assert proc.returncode in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err, err


def test_batch_of_mutated_specs_and_junk_never_crashes(tmp_path):
    """One subprocess over many generated files: quick enough for every run."""
    rng = random.Random(20260101)
    names = []
    for i in range(60):
        (tmp_path / f"m{i}.fito").write_text(mutate(rng, CLEAN, rng.randint(1, 8)), encoding="utf-8")
        names.append(f"m{i}.fito")
    for i in range(20):
        (tmp_path / f"j{i}.fito").write_bytes(bytes(rng.randrange(256) for _ in range(rng.randint(0, 300))))
        names.append(f"j{i}.fito")
    for i in range(20):
        (tmp_path / f"t{i}.fito").write_text(" ".join(rng.choice(TOKENS) for _ in range(40)), encoding="utf-8")
        names.append(f"t{i}.fito")
    proc = fito(*names, cwd=tmp_path, timeout=300)
    _no_crash(proc)
    js = fito("--format", "json", *names, cwd=tmp_path, timeout=300)
    _no_crash(js)
    json.loads(js.stdout)


SUBPROCESS_SETTINGS = settings(max_examples=30, deadline=None,
                               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.slow
@SUBPROCESS_SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(tmp_path, data):
    (tmp_path / "r.fito").write_bytes(data)
    _no_crash(fito("r.fito", cwd=tmp_path))


@pytest.mark.slow
@SUBPROCESS_SETTINGS
@given(st.randoms(use_true_random=False), st.integers(min_value=1, max_value=10))
def test_mutated_specs_never_crash(tmp_path, rng, edits):
    (tmp_path / "m.fito").write_text(mutate(rng, CLEAN, edits), encoding="utf-8")
    _no_crash(fito("m.fito", cwd=tmp_path))
