"""The published matrix: merged from shards, validated, drawn, diffed, reproducible, fresh."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from mpconform import catalogue
from mpconform.host import cli, diff, merge, render_csv, render_markdown, shard_reader
from tests.tooling.shards_for_tests import CASES, make_shard, write_shards

ROOT = Path(__file__).resolve().parents[2]
QUEUE_LIKE = "nested-managed.dict.append"  # stands in for a case whose behaviour changed


def changed_at(version_from):
    def outcome(case, method):
        if case.id == QUEUE_LIKE:
            return "propagated" if version_from > (3, 9, 6) else "raised:RemoteError"
        return case.expect[0]["outcome"]
    return outcome


def build(tmp_path, *shard_list):
    return merge.build(shard_reader.load_folder(write_shards(tmp_path / "results", *shard_list)))


@pytest.fixture
def matrix(tmp_path):
    versions = ["3.6.15", "3.8.18", "3.9.18", "3.13.0"]  # one shard per minor version
    made = [make_shard(v, outcome=changed_at(tuple(int(p) for p in v.split(".")))) for v in versions]
    made.append(make_shard("3.9.16", implementation="pypy",
                           outcome=lambda case, method: "lost" if case.id == QUEUE_LIKE else case.expect[0]["outcome"]))
    made.append(make_shard("3.12.1", platform="macos-arm64"))
    made.append(make_shard("3.12.1", platform="windows-amd64", methods=("spawn",), default_method="spawn"))
    return build(tmp_path, *made)


def test_the_matrix_validates_against_its_schema(matrix):
    merge.validate(matrix)
    with pytest.raises(jsonschema.ValidationError):
        merge.validate(dict(matrix, cells=[dict(matrix["cells"][0], outcome="vanished")]))


def test_changed_in_comes_from_the_expectations_with_what_was_observed_as_evidence(matrix):
    case = next(c for c in matrix["cases"] if c["id"] == QUEUE_LIKE)
    expected, linux, *rest = case["changed_in"]
    assert expected == "expected: propagated"  # the recorded expectation, whatever the shards say
    assert linux == ("observed on Linux x86_64: CPython 3.6.15 – 3.8.18: raised:RemoteError; "
                     "CPython 3.9.18 – 3.13.0: propagated; PyPy 3.9.16: lost")
    assert rest[-1].startswith("‼ differs from its expectation: 3.6 on Linux x86_64 under fork "
                               "(raised:RemoteError)")
    assert "pypy3.9 on Linux x86_64 under spawn (lost)" in rest[-1]
    assert case["differs"] is True
    queue = next(c for c in matrix["cases"] if c["id"] == "nested-managed.dict.queue-put")
    assert queue["changed_in"][0] == "expected: raised:RemoteError → propagated from 3.9.7 (bpo-30256)"


def test_skipped_cells_are_neither_mismatches_nor_changes(tmp_path):
    def skipped_on_36(case, method):
        return "skipped:not here" if case.id == QUEUE_LIKE else case.expect[0]["outcome"]

    matrix = build(tmp_path, make_shard("3.6.15", outcome=skipped_on_36),
                   make_shard("3.13.0", outcome=changed_at((3, 13, 0))))
    case = next(c for c in matrix["cases"] if c["id"] == QUEUE_LIKE)
    assert case["changed_in"][1:] == ["observed on Linux x86_64: CPython 3.13.0: propagated"]
    assert "‼" not in render_markdown.render(matrix).split(QUEUE_LIKE)[1].split("\n")[0]


def test_missing_interpreters_and_platforms_show_as_not_run(matrix, tmp_path):
    not_run = {(c["platform"], c["label"]) for c in matrix["columns"] if c["status"] == "not-run"}
    assert ("linux-x86_64", "3.14") in not_run and ("linux-x86_64", "3.7") in not_run
    assert ("macos-arm64", "3.12") not in not_run and ("macos-arm64", "3.8") in not_run
    linux_only = build(tmp_path / "linux", make_shard("3.8.18"))
    assert {c["platform"] for c in linux_only["columns"] if c["status"] == "not-run"} >= {
        "macos-arm64", "windows-amd64"}
    assert "## macOS arm64\n\nNOT RUN — no results from this platform." in render_markdown.render(linux_only)


def test_fork_on_macos_is_shown_as_unsafe(matrix):
    [mac] = [c for c in matrix["columns"] if c["platform"] == "macos-arm64" and c["status"] == "run"]
    assert "bpo-33725" in mac["notes"][0]
    assert "bpo-33725" in render_markdown.render(matrix).split("## macOS arm64")[1]


def test_shards_from_three_platforms_merge_into_one_matrix(matrix):
    run = {c["platform"] for c in matrix["columns"] if c["status"] == "run"}
    assert run == {"linux-x86_64", "macos-arm64", "windows-amd64"}
    windows = next(c for c in matrix["columns"] if c["platform"] == "windows-amd64" and c["status"] == "run")
    assert {cell["start_method"] for cell in matrix["cells"] if cell["column"] == windows["key"]} == {"spawn"}


def test_a_shard_recorded_before_a_case_changed_is_stale(tmp_path):
    old = make_shard("3.8.18")
    first = CASES[0].id
    old["manifest"]["cases"][first] = "0000000000000000"
    del old["manifest"]["cases"][CASES[1].id]
    matrix = build(tmp_path, old)
    [column] = [c for c in matrix["columns"] if c["status"] != "not-run"]
    assert column["status"] == "stale"
    assert column["stale_cases"] == [first] and column["missing_cases"] == [CASES[1].id]
    assert all(cell["stale"] for cell in matrix["cells"] if cell["case"] == first)
    assert "(stale)" in render_markdown.render(matrix)


@pytest.mark.parametrize("content, message", [
    ('{"schema": 1, "complete": tr', "not JSON"),
    ("", "not JSON"),
    ('{"schema": 7, "complete": true}', "written by a newer mpconform (schema 7"),
    ('{"schema": 1, "complete": true, "manifest": {}, "cells": []}', "not a valid shard"),
    ('[1, 2]', "not a valid shard"),
])
def test_a_bad_shard_is_named_in_one_clear_error(tmp_path, content, message):
    path = tmp_path / "cpython-3.8.18-linux-x86_64.json"
    path.write_text(content)
    with pytest.raises(shard_reader.ShardError) as raised:
        shard_reader.load(path)
    assert str(raised.value).startswith(str(path)) and message in str(raised.value)


def test_an_incomplete_shard_is_refused(tmp_path):
    shard = make_shard("3.8.18")
    shard["complete"] = False
    write_shards(tmp_path, shard)
    with pytest.raises(shard_reader.ShardError, match="incomplete shard"):
        shard_reader.load_folder(tmp_path)


def test_the_csv_has_one_row_per_cell(matrix):
    rows = list(csv.DictReader(io.StringIO(render_csv.render(matrix))))
    assert len(rows) == len(matrix["cells"])
    row = next(r for r in rows if r["case"] == QUEUE_LIKE and r["version"] == "3.6.15")
    assert (row["outcome"], row["matches"]) == ("raised:RemoteError", "no")


def test_markdown_folds_start_methods_only_where_they_agree(tmp_path):
    def by_method(case, method):
        return "lost" if case.id == QUEUE_LIKE and method == "spawn" else case.expect[0]["outcome"]
    text = render_markdown.render(build(tmp_path, make_shard("3.8.18", outcome=by_method)))
    row = next(line for line in text.splitlines() if f"<sub>{QUEUE_LIKE}</sub>" in line)
    assert row.endswith("| fork ✓ / spawn ✗ lost ‼ / forkserver ✓ |")  # the method off its expectation


HOSTILE = '<script>alert(1)</script> | `<img src=x onerror=alert(2)>`'


@pytest.fixture
def hostile_matrix(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    family = {"summary": HOSTILE, "references": ["<b>ref</b>"],
              "slot_value": 1, "expect": [{"outcome": "propagated"}],
              "operations": {"assign": {"code": "{slot} = '<script>'", "containers": ["list"]}}}
    (folder / "hostile.py").write_text("PATTERN = 'direct-assign'\nFAMILIES = %r\n" % ([family],))
    cases = catalogue.load(str(folder))
    results = write_shards(tmp_path / "results", make_shard("3.8.18", cases=cases))
    return merge.build(shard_reader.load_folder(results), cases), cases


def test_markdown_escapes_every_string(hostile_matrix):
    text = render_markdown.render(hostile_matrix[0])
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#124; <code>&lt;img src=x onerror=alert(2)&gt;</code>" in text


def test_html_escapes_every_string(hostile_matrix):
    from mpconform.host import render_html

    page = render_html.render(*hostile_matrix)
    assert page.count("<script") == 3  # the two data blocks and the page's own script, nothing else
    assert "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_diff_lists_added_removed_and_changed_cells(tmp_path):
    old = build(tmp_path / "old", make_shard("3.9.6", outcome=changed_at((3, 9, 6))), make_shard("3.8.18"))
    new = build(tmp_path / "new", make_shard("3.9.18", outcome=changed_at((3, 9, 18))), make_shard("3.13.0"))
    changes = diff.compare(old, new)
    changed = [c for c in changes if c.old and c.new]
    assert [c.describe() for c in changed][0] == (
        f"changed  {QUEUE_LIKE} on 3.9 (linux-x86_64) under fork: raised:RemoteError → propagated (3.9.6 → 3.9.18)")
    assert {c.label for c in changes if c.new is None} == {"3.8"}
    assert {c.label for c in changes if c.old is None} == {"3.13"}
    assert diff.summary(changes).startswith("3 cells changed, ")


def test_the_diff_command_exits_non_zero_on_changes_when_asked(tmp_path, capsys):
    old = build(tmp_path / "a", make_shard("3.9.6", outcome=changed_at((3, 9, 6))))
    new = build(tmp_path / "b", make_shard("3.9.18", outcome=changed_at((3, 9, 18))))
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    assert cli.main(["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json")]) == 0
    assert cli.main(["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--exit-code"]) == 1
    assert cli.main(["diff", str(tmp_path / "old.json"), str(tmp_path / "old.json"), "--exit-code"]) == 0
    fewer = dict(new, cells=[c for c in new["cells"] if c["case"] != QUEUE_LIKE])
    (tmp_path / "fewer.json").write_text(json.dumps(fewer))
    assert cli.main(["diff", str(tmp_path / "old.json"), str(tmp_path / "fewer.json"), "--exit-code"]) == 1
    assert cli.main(["diff", str(tmp_path / "old.json"), str(tmp_path / "fewer.json"), "--exit-code", "changed"]) == 0
    assert "No cell changed." in capsys.readouterr().out


def test_diff_refuses_other_schema_versions_by_name(tmp_path, capsys):
    (tmp_path / "old.json").write_text(json.dumps({"schema": 2, "cells": [], "columns": []}))
    (tmp_path / "new.json").write_text("{}")
    assert cli.main(["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json")]) == 2
    assert f"{tmp_path / 'old.json'}: matrix schema 2" in capsys.readouterr().err


def test_unknown_command_line_flags_are_refused(capsys):
    with pytest.raises(SystemExit) as raised:
        cli.main(["report", "--colour"])
    assert raised.value.code == 2
    assert "unrecognized arguments: --colour" in capsys.readouterr().err


def pythons():
    found = [sys.executable]
    for version in ("3.6", "3.13"):
        candidates = sorted(Path("~/.pyenv/versions").expanduser().glob(f"{version}*/bin/python"))
        found += [str(candidates[-1])] if candidates else []
    return found


@pytest.mark.parametrize("python", pythons())
@pytest.mark.parametrize("case_id, after", [
    ("nested-unmanaged.namespace.append", "after:  ns=Namespace(x=[1])"),
    ("nested-managed.list.append", "after:  ls=[[1, 10]]"),
    ("reassign-back.dict.dict-update", "after:  di={0: {'k': 1, 'j': 2}}"),
    ("nested-managed.namespace.value-assign", "after:  ns=Namespace(x=Value(5))"),
    ("direct-assign.array.augmented-add", "after:  ar=[2]"),
    ("transport.list.manager-queue", "after:  ls=[5]"),
    ("transport.dict.pool-map", "after:  di={0: 5}"),
    ("transport.namespace.pool-apply-nested", "after:  ns=Namespace(x=[1, 10])"),
    ("transport.list.pipe", "after:  ls=[5]"),
    ("transport.dict.mp-queue", "after:  di={0: 5}"),
    ("transport.list.pool-initializer", "after:  ls=[5]"),
    ("registered.object.attribute-assign", "verdict: lost"),
    ("shared-memory.shareable-list.item-assign", "verdict: propagated"),
])
def test_the_reproducer_shows_the_behaviour(tmp_path, python, case_id, after, capsys):
    assert cli.main(["repro", case_id]) == 0
    script = tmp_path / "repro.py"
    script.write_text(capsys.readouterr().out)
    if "shared-memory" in case_id and "3.6" in python:
        pytest.skip("SharedMemoryManager arrived in 3.8")
    output = subprocess.run([python, str(script), "spawn"], capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))  # cases/_managers.py
    assert after in output.stdout.splitlines(), output.stdout + output.stderr
    assert output.stdout.splitlines()[-1].startswith("verdict: ")
    assert output.returncode == 0 and "exit code: 1" not in output.stdout


def test_repro_names_an_unknown_case():
    with pytest.raises(SystemExit, match="no case 'nested-unmanaged.list.appnd'; did you mean"):
        cli.main(["repro", "nested-unmanaged.list.appnd"])


def test_the_committed_reports_are_what_the_code_draws_from_the_committed_shards(tmp_path):
    """Fails when a case, the merge or a renderer changed and reports/ was not redrawn."""
    assert cli.main(["report", "--results", str(ROOT / "reports" / "results"), "--out", str(tmp_path)]) == 0
    for name in ("matrix.json", "matrix.md", "matrix.csv", "gotchas.md", "index.html"):
        committed = (ROOT / "reports" / name).read_text(encoding="utf-8")
        assert committed == (tmp_path / name).read_text(encoding="utf-8"), (
            f"reports/{name} is stale: run `nox -s matrix` (and the conformance sessions if cases changed)")


def test_the_committed_shards_ran_the_current_cases():
    matrix = json.loads((ROOT / "reports" / "matrix.json").read_text())
    stale = [c["key"] for c in matrix["columns"] if c["status"] == "stale"]
    assert not stale, f"results recorded before cases changed: {stale}; run `nox`"


def test_a_flaky_cell_shows_as_flaky_with_its_counts(tmp_path):
    shard = make_shard("3.8.18")
    cell = next(c for c in shard["cells"] if c["id"] == QUEUE_LIKE)
    cell["repeat"] = {"runs": 10, "outcomes": {"propagated": 7, "lost": 3}}
    matrix = build(tmp_path, shard)
    merge.validate(matrix)
    assert [c["flaky"] for c in matrix["cells"] if "flaky" in c] == [True]
    row = next(line for line in render_markdown.render(matrix).splitlines() if f"<sub>{QUEUE_LIKE}</sub>" in line)
    assert "≈ flaky" in row
    rows = list(csv.DictReader(io.StringIO(render_csv.render(matrix))))
    flaky = [r for r in rows if r["flaky"] == "yes"]
    assert [r["runs"] for r in flaky] == ["lost 3/10;propagated 7/10"]


def test_a_shard_for_an_unknown_case_is_refused_by_name(tmp_path):
    shard = make_shard("3.8.18")
    shard["cells"][0] = dict(shard["cells"][0], id="direct-assign.list.renamed")
    with pytest.raises(shard_reader.ShardError, match=r"cpython-3.8.18-linux-x86_64.json: records cases the catalogue "
                                                r"does not have \(direct-assign.list.renamed\)"):
        build(tmp_path, shard)


def test_the_gallery_lists_each_trap_with_what_happens_and_its_fix(matrix):
    text = render_markdown.render_gallery(matrix)
    section = text.split("## nested-unmanaged")[1].split("\n## ")[0]
    assert "**Fix:** Read the value out, change it, assign it back" in section
    assert "<code>ns.x.append(10)</code> in the child, where ns.x holds a plain list" in section
    assert "expected: lost; observed on Linux x86_64: CPython 3.6.15 – 3.13.0, PyPy 3.9.16: lost" in section
    queue_like = next(line for line in text.splitlines() if f"<sub>{QUEUE_LIKE}</sub>" in line)
    assert "CPython 3.6.15 – 3.8.18: raised:RemoteError" in queue_like and "‼ differs" in queue_like
    assert "direct-assign.list.append<" not in text  # propagates everywhere: not a trap


def test_the_gallery_escapes_every_string(hostile_matrix):
    from mpconform.host import render_html

    hostile = hostile_matrix[0]
    for cell in hostile["cells"]:
        cell["outcome"] = "lost"  # make the hostile case a trap
    assert "<script>" not in render_markdown.render_gallery(hostile)
    page = render_html.render(*hostile_matrix)
    gotchas = page.split('<section id="gotchas"')[1].split("</section>")[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in gotchas and "<script" not in gotchas


@pytest.mark.parametrize("problem, message", [
    ("missing", "no such folder of shards"),
    ("empty", "holds no shard"),
    ("renamed", "its manifest says it is cpython-3.8.18-linux-x86_64.json"),
    ("two-patches", "two shards for 3.9 on linux-x86_64"),
])
def test_report_refuses_bad_results_folders_and_writes_nothing(tmp_path, capsys, problem, message):
    results = tmp_path / "results"
    if problem != "missing":
        results.mkdir()
    if problem == "renamed":
        write_shards(results, make_shard("3.8.18"))
        (results / "cpython-3.8.18-linux-x86_64.json").rename(results / "copy-of-3.8.json")
    if problem == "two-patches":
        write_shards(results, make_shard("3.9.6"), make_shard("3.9.18"))
    out = tmp_path / "out"
    out.mkdir()
    assert cli.main(["report", "--results", str(results), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1
    assert list(out.iterdir()) == []


def test_a_narrowed_run_is_drawn_into_a_folder_of_its_own(tmp_path):
    narrowed = make_shard("3.12.1", cases=CASES[:5])
    narrowed["complete"] = False
    write_shards(tmp_path / "results" / "partial", narrowed)
    drawn = tmp_path / "drawn"
    assert cli.main(["report", "--results", str(tmp_path / "results"), "--partial", str(drawn)]) == 0
    matrix = json.loads((drawn / "matrix.json").read_text())
    assert {cell["case"] for cell in matrix["cells"]} == {case.id for case in CASES[:5]}
    assert cli.main(["report", "--results", str(tmp_path / "results"), "--partial",
                     str(ROOT / "reports")]) == 2
