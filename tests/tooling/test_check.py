"""python -m mpconform check: the same cells as the conformance run, a table, an exit status,
one clear error for a bad argument, and nothing left running, also after Ctrl-C."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from mpconform.host import check, cli
from tests.tooling.test_cleanup import processes_with, wait_until_gone

ROOT = Path(__file__).resolve().parents[2]
SOME_CELLS = "nested-managed.dict.queue-put or nested-unmanaged.namespace.append or gotcha.list.isinstance"


@pytest.mark.parametrize("expression, selected, rejected", [
    ("nested", [("nested-managed.list.append", "fork")], [("direct-assign.list.assign", "fork")]),
    ("reassign-back and spawn", [("reassign-back.list.append", "spawn")], [("reassign-back.list.append", "fork")]),
    ("queue and not joinable", [("nested-managed.dict.queue-put", "fork")],
     [("nested-managed.dict.joinable-queue-put", "fork")]),
    ("(fork or spawn) and not forkserver", [("x.y.z", "spawn")], [("x.y.z", "forkserver")]),
    ("", [("anything", "fork")], []),
])
def test_k_selects_as_pytest_does(expression, selected, rejected):
    matches = check.keyword_matcher(expression)
    assert all(matches(*cell) for cell in selected)
    assert not any(matches(*cell) for cell in rejected)


@pytest.mark.parametrize("arguments, message", [
    (["-k", "nested and ("], "-k 'nested and (': expected a word or '(' at the end"),
    (["-k", "nested )"], "-k 'nested )': unexpected ')'"),
    (["-k", "no-such-case-anywhere"], "selects no cell"),
    (["--python", "2.7", "-k", "direct-assign.list.assign"], "--python 2.7: neither an interpreter found here"),
    (["--jobs", "0", "-k", "direct-assign.list.assign"], "--jobs 0: at least 1"),
])
def test_bad_arguments_get_one_clear_error(capsys, arguments, message):
    assert cli.main(["check", *arguments]) == 2
    assert message in capsys.readouterr().err


def _two_interpreters():
    """The host's interpreter (it has pytest) and one conformance environment of another version."""
    others = sorted(ROOT.glob(".nox/conformance-3-*/bin/python"))
    mine = f"{sys.version_info[0]}-{sys.version_info[1]}"
    other = next((str(path) for path in others if f"conformance-{mine}/" not in str(path)), None)
    if other is None:
        pytest.skip("needs a conformance environment (nox -s conformance-3.X) of another version")
    return [sys.executable, other]


def _conformance_cells(python, results):
    run = subprocess.run([python, "-m", "pytest", "tests/conformance", "-q", "-p", "no:cacheprovider",
                          "-k", SOME_CELLS, "--mpconform-results", str(results)],
                         cwd=str(ROOT), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:]
    (shard,) = (results / "partial").glob("*.json")
    return shard.name, json.loads(shard.read_text())["cells"]


def test_check_records_the_same_cells_as_the_conformance_run(tmp_path, capsys):
    pythons = _two_interpreters()
    assert cli.main(["check", "-k", SOME_CELLS, "--python", *pythons, "--json", str(tmp_path / "check")]) == 0
    printed = capsys.readouterr().out
    assert any(line.startswith("nested-managed.dict.queue-put ") for line in printed.splitlines())
    for number, python in enumerate(pythons):
        name, expected = _conformance_cells(python, tmp_path / f"pytest-{number}")
        checked = json.loads((tmp_path / "check" / "partial" / name).read_text())["cells"]
        assert len(checked) == len(expected) >= 9
        assert checked == expected  # outcomes, expectations, values: all but durations, which neither keeps


def test_the_table_folds_start_methods_and_a_differing_cell_fails_the_check(tmp_path, capsys, monkeypatch):
    cases = tmp_path / "cases"
    cases.mkdir()
    # Two cases written for this test: one right, one whose expectation is wrong on purpose.
    (cases / "mine.py").write_text(
        "PATTERN = 'direct-assign'\n"
        "FAMILIES = [{'summary': 'assign', 'references': ['gh-1'], 'slot_value': 1,\n"
        "             'expect': [{'outcome': 'propagated'}],\n"
        "             'operations': {'right': {'code': '{slot} = 2', 'containers': ['list']}}},\n"
        "            {'summary': 'assign, wrongly expected', 'references': ['gh-1'], 'slot_value': 1,\n"
        "             'expect': [{'outcome': 'lost'}],\n"
        "             'operations': {'wrong': {'code': '{slot} = 2', 'containers': ['list']}}}]\n")
    monkeypatch.setenv("MPCONFORM_CASES", str(cases))
    status = cli.main(["check", "--python", sys.executable, "--start-method", "fork", "spawn"])
    printed = capsys.readouterr().out
    assert status == 1
    label = f"{sys.version_info[0]}.{sys.version_info[1]}"
    rows = {line.split()[0]: line.split()[1:] for line in printed.splitlines() if line.startswith("direct-assign.")}
    assert rows == {"direct-assign.list.right": ["✓"], "direct-assign.list.wrong": ["✓", "‼"]}
    assert "2 cells differ from their expectation:" in printed
    assert f"direct-assign.list.wrong on {label} under fork: expected lost, observed propagated" in printed


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("when", ["finished", "ctrl-c"])
def test_check_leaves_no_process_behind(when):
    # A temp dir of the run's own, short: a manager's socket path must stay under 108 bytes.
    own_tmp = Path(tempfile.mkdtemp(prefix="chk-"))
    try:
        _check_leaves_no_process_behind(when, own_tmp)
    finally:
        shutil.rmtree(own_tmp, ignore_errors=True)


def _check_leaves_no_process_behind(when, own_tmp):
    marker = uuid.uuid4().hex
    env = dict(os.environ, MPCONFORM_CLEANUP_MARKER=marker, TMPDIR=str(own_tmp),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))
    command = [sys.executable, "-m", "mpconform", "check", "--python", sys.executable]
    if when == "finished":
        command += ["-k", "direct-assign.list"]
    run = subprocess.Popen(command, cwd=str(ROOT), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    if when == "ctrl-c":
        deadline = time.time() + 60
        while time.time() < deadline and len(processes_with(marker)) < 6:  # workers, runners, managers
            time.sleep(0.1)
        time.sleep(1.0)
        os.killpg(run.pid, signal.SIGINT)  # as a terminal does: the whole foreground group
    output = run.communicate(timeout=300)[0].decode()
    if when == "ctrl-c":
        assert run.returncode == 130, output
        assert "interrupted; every worker and runner was stopped" in output
    else:
        assert run.returncode == 0, output
    assert wait_until_gone(marker) == []
    if when == "finished":  # every manager was shut down, not killed: no socket folder is left
        assert list(own_tmp.glob("pymp-*")) == []
