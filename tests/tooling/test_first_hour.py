"""A new user's first run: the report tells the columns this run produced from the ones it kept
(with their origin), and the end of the run says whether any behaviour changed."""

import datetime
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mpconform import shard_writer
from mpconform.host import cli, provenance

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "reports" / "results"
RAN, KEPT = "cpython-3.12.1-linux-x86_64.json", "cpython-3.8.18-linux-x86_64.json"


def _results_with(tmp_path, stamped, stamp_time=None):
    results = tmp_path / "results"
    results.mkdir()
    for name in (RAN, KEPT):
        shutil.copyfile(COMMITTED / name, results / name)
    for name in stamped:
        stamp = shard_writer.stamp((results / name).read_text(encoding="utf-8"))
        if stamp_time:
            stamp["written"] = stamp_time
        stamp_file = Path(shard_writer.stamp_path(str(results / name)))
        stamp_file.parent.mkdir(exist_ok=True)
        stamp_file.write_text(json.dumps(stamp))
    return results


def _report(results, out, monkeypatch, capsys, started):
    monkeypatch.setenv("MPCONFORM_RUN_STARTED", str(started))
    assert cli.main(["report", "--results", str(results), "--out", str(out)]) == 0
    return capsys.readouterr().out


def test_a_run_that_produced_some_columns_marks_the_others_as_kept(tmp_path, monkeypatch, capsys):
    results = _results_with(tmp_path, stamped=[RAN])
    printed = _report(results, tmp_path / "out", monkeypatch, capsys, started=int(time.time()) - 60)
    assert "3.12: produced by this run (revision" in printed
    assert "3.8: not rerun; kept from a shard this machine did not write (revision " in printed
    assert "Linux x86_64, interpreter via pyenv" in printed
    markdown = (tmp_path / "out" / "matrix.md").read_text(encoding="utf-8")
    assert "**Not all of this run.** 1 columns were not rerun" in markdown
    assert "kept (not rerun): revision" in markdown
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'class="kept"' in page and "Not all of this run." in page


def test_a_shard_whose_content_changed_since_its_stamp_counts_as_kept(tmp_path, monkeypatch, capsys):
    results = _results_with(tmp_path, stamped=[RAN, KEPT])
    with open(results / KEPT, "a", encoding="utf-8") as shard:
        shard.write("\n")  # the same data, but not the bytes this machine wrote
    printed = _report(results, tmp_path / "out", monkeypatch, capsys, started=int(time.time()) - 60)
    assert "3.8: not rerun; kept from a shard this machine did not write" in printed


def test_a_shard_written_before_the_run_started_was_not_produced_by_it(tmp_path, monkeypatch, capsys):
    results = _results_with(tmp_path, stamped=[RAN, KEPT], stamp_time="2026-01-02T03:04:05Z")
    stamp_file = Path(shard_writer.stamp_path(str(results / RAN)))
    stamp_file.write_text(json.dumps(shard_writer.stamp((results / RAN).read_text(encoding="utf-8"))))
    printed = _report(results, tmp_path / "out", monkeypatch, capsys, started=int(time.time()) - 60)
    assert "3.8: not rerun; written on this machine at 2026-01-02 03:04:05 UTC" in printed


@pytest.mark.parametrize("stamped", [[RAN, KEPT], []], ids=["every-column-rerun", "drawn-outside-a-run"])
def test_reports_are_unmarked_unless_a_run_mixed_its_columns_with_kept_ones(tmp_path, monkeypatch, capsys, stamped):
    results = _results_with(tmp_path, stamped=stamped)
    _report(results, tmp_path / "out", monkeypatch, capsys, started=int(time.time()) - 60)
    assert "Not all of this run" not in (tmp_path / "out" / "matrix.md").read_text(encoding="utf-8")
    assert 'class="kept"' not in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_a_bad_run_start_is_named(tmp_path, monkeypatch, capsys):
    results = _results_with(tmp_path, stamped=[])
    monkeypatch.setenv("MPCONFORM_RUN_STARTED", "yesterday")
    assert cli.main(["report", "--results", str(results), "--out", str(tmp_path / "out")]) == 2
    assert "MPCONFORM_RUN_STARTED='yesterday'" in capsys.readouterr().err
    assert not (tmp_path / "out" / "matrix.json").exists()


def test_stamps_stay_out_of_git_and_out_of_the_shards_read():
    ignored = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q",
                              "reports/results/.produced/" + RAN])
    assert ignored.returncode == 0
    assert provenance.PRODUCED == "produced by this run"


def _first_found_conformance_session(clone):
    listed = subprocess.run([sys.executable, "-m", "nox", "-l", "--json"], cwd=str(clone),
                            capture_output=True, text=True, check=True).stdout
    sessions = [s["session"] for s in json.loads(listed)
                if s["session"].startswith("conformance-3.1") and "not found" not in s["description"]]
    if not sessions:
        pytest.skip("no CPython 3.10+ interpreter on this machine")
    return sessions[-1]


@pytest.mark.skipif(shutil.which("git") is None or not sys.platform.startswith("linux"),
                    reason="needs git; compares with the committed Linux columns")
def test_a_fresh_clone_running_one_interpreter_tells_what_it_produced_and_what_it_kept(tmp_path):
    """The README's way, on a fresh clone: nox runs one interpreter's session and draws the matrix."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    session = _first_found_conformance_session(clone)
    env = {key: value for key, value in os.environ.items() if key not in ("CI", "MPCONFORM_RUN_STARTED")}
    run = subprocess.run([sys.executable, "-m", "nox", "-s", session, "matrix"], cwd=str(clone), env=env,
                         capture_output=True, text=True, timeout=900)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    label = session.removeprefix("conformance-")
    assert f"  {label}: produced by this run (revision" in output
    assert "  3.8: not rerun; kept from a shard this machine did not write (revision" in output
    assert "mpconform: no behaviour changed from the committed matrix (HEAD:reports/matrix.json)" in output
    assert "Not all of this run" in (clone / "reports" / "matrix.md").read_text(encoding="utf-8")

    # The committed matrix said otherwise for one cell of that column: the end of the run lists it.
    committed = json.loads((clone / "reports" / "matrix.json").read_text(encoding="utf-8"))
    column = next(c["key"] for c in committed["columns"] if c.get("label") == label)
    cell = next(c for c in committed["cells"] if c["column"] == column and c["outcome"] == "propagated")
    cell["outcome"] = "lost"
    (clone / "reports" / "matrix.json").write_text(json.dumps(committed), encoding="utf-8")
    subprocess.run(["git", "-C", str(clone), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam",
                    "a committed matrix that says otherwise"], check=True)
    again = subprocess.run([sys.executable, "-m", "nox", "-s", "matrix"], cwd=str(clone), env=env,
                           capture_output=True, text=True, timeout=300)
    output = again.stdout + again.stderr
    assert "behaviour changed from the committed matrix (HEAD:reports/matrix.json) in 1 cells:" in output
    assert f"changed  {cell['case']} on {label} (linux-x86_64) under {cell['start_method']}: lost → propagated" \
        in output


def test_a_shard_written_in_the_second_a_later_run_started_is_not_that_runs(tmp_path, monkeypatch, capsys):
    """Back-to-back nox invocations: the last shard of one is stamped in the second the next starts."""
    results = _results_with(tmp_path, stamped=[RAN, KEPT])
    written = json.loads(Path(shard_writer.stamp_path(str(results / RAN))).read_text())["written"]
    second = datetime.datetime.strptime(written, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    printed = _report(results, tmp_path / "out", monkeypatch, capsys, started=second.timestamp() + 0.5)
    assert "produced by this run" not in printed
    assert "Not all of this run" not in (tmp_path / "out" / "matrix.md").read_text(encoding="utf-8")
