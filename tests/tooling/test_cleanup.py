"""No process outlives a run: not after it ends, nor after Ctrl-C, SIGTERM or SIGKILL mid-run.

Every process a run starts inherits a marker in its environment; afterwards none may be left.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from mpconform import shard_writer
from mpconform.harness.client import Runner

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def processes_with(marker):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/environ" % entry, "rb") as environ:
                    if marker.encode() in environ.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


def wait_until_gone(marker, seconds=30.0):
    deadline = time.time() + seconds
    while time.time() < deadline:
        left = processes_with(marker)
        if not left:
            return []
        time.sleep(0.2)
    return processes_with(marker)


def default_sigint():
    """As in a terminal: a run launched from a background shell would inherit SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_run(tmp_path, marker):
    results = tmp_path / "results"
    results.mkdir()
    existing = results / (shard_writer.shard_name() + ".json")
    existing.write_text('{"kept": true}\n')
    env = dict(os.environ, MPCONFORM_CLEANUP_MARKER=marker)
    run = subprocess.Popen(
        [sys.executable, "-m", "pytest", "tests/conformance/test_cells.py", "-n", "2", "-q",
         "-p", "no:cacheprovider", "--mpconform-results", str(results)],
        cwd=str(ROOT), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True, preexec_fn=default_sigint)
    # Wait until cells are running: the runners exist.
    deadline = time.time() + 60
    while time.time() < deadline and len(processes_with(marker)) < 6:
        time.sleep(0.1)
    time.sleep(1.5)
    return run, existing


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm", "sigkill"])
def test_an_interrupted_run_leaves_nothing_running_and_keeps_the_shard(tmp_path, how):
    marker = uuid.uuid4().hex
    run, existing = start_run(tmp_path, marker)
    assert run.poll() is None, run.stdout.read().decode()
    if how == "ctrl-c":  # the terminal sends SIGINT to the whole foreground group
        os.killpg(run.pid, signal.SIGINT)
    elif how == "sigterm":
        os.kill(run.pid, signal.SIGTERM)
    else:
        os.kill(run.pid, signal.SIGKILL)
    run.wait(60)
    run.stdout.close()
    assert wait_until_gone(marker) == []
    assert existing.read_text() == '{"kept": true}\n'
    assert not (existing.parent / "partial").exists()


def test_a_finished_runner_leaves_nothing_running(monkeypatch):
    marker = uuid.uuid4().hex
    monkeypatch.setenv("MPCONFORM_CLEANUP_MARKER", marker)
    runner = Runner()
    for method in ("fork", "spawn", "forkserver"):
        request = {"id": "t", "setup": {"ls": {"manager.list": [1]}}, "code": "ls[0] = 2",
                   "timeout": 10.0, "start_method": method}
        assert runner.run(request)["outcome"] == "propagated"
    assert len(processes_with(marker)) >= 4  # runner, three managers, the forkserver
    runner.close()
    assert wait_until_gone(marker, 10) == []


def newest_cpython():
    root = Path(os.environ.get("PYENV_ROOT", "~/.pyenv")).expanduser()
    found = sorted(root.glob("versions/3.1[2-9]*/bin/python"))
    return str(found[-1]) if found else (sys.executable if sys.version_info >= (3, 12) else None)


@pytest.mark.skipif(newest_cpython() is None, reason="needs CPython 3.12+, which warns on fork")
def test_fork_cells_start_from_a_process_without_threads(monkeypatch):
    """3.12+ warns (DeprecationWarning) when a multi-threaded process forks; made an error here."""
    monkeypatch.setenv("PYTHONWARNINGS", "error::DeprecationWarning")
    runner = Runner(python=newest_cpython())
    try:
        request = {"id": "t", "setup": {"ls": {"manager.list": [[1]]}}, "code": "ls[0][0] += 1",
                   "timeout": 10.0, "start_method": "fork"}
        record = runner.run(request)
    finally:
        runner.close()
    assert record["outcome"] == "lost", record
    assert "multi-threaded" not in record["values"].get("output", "")
