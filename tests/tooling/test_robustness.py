"""A bad cell or a bad file never costs a result: repeats and flaky cells, unpicklable payloads,
concurrent shard writers, corrupted shards."""

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mpconform import shard_writer
from mpconform.host import merge, shard_reader
from tests.tooling.conftest import FIRST_METHOD, cell, methods
from tests.tooling.shards_for_tests import CASES, make_shard

ROOT = Path(__file__).resolve().parents[2]

# Alternates between lost and propagated from one run to the next: a counter file, kept by the
# real operation only (the plain-Python model runs under another __name__ and always sets 5).
FLAKY = {
    "summary": "`{code}`", "references": ["made up, for the test"],
    "slot_value": 1, "expect": [{"outcome": "propagated"}],
    "operations": {"alternating": {"containers": ["list"], "code": (
        "import os\n"
        "if __name__ == '__mpconform_case__':\n"
        "    path = os.environ['MPCONFORM_TEST_COUNTER']\n"
        "    runs = int(open(path).read()) if os.path.exists(path) else 0\n"
        "    open(path, 'w').write(str(runs + 1))\n"
        "    ls[0] = 5 if runs % 2 == 0 else 1\n"
        "else:\n"
        "    ls[0] = 5")}},
}


def run_conformance(tmp_path, *arguments):
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "flaky.py").write_text("PATTERN = 'direct-assign'\nFAMILIES = %r\n" % ([FLAKY],))
    env = dict(os.environ, MPCONFORM_CASES=str(cases), MPCONFORM_TEST_COUNTER=str(tmp_path / "counter"))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "tests/conformance/test_cells.py", "-p", "no:cacheprovider",
         "--mpconform-results", str(tmp_path / "results"), *arguments],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_repeats_record_k_of_n_and_a_flaky_cell_fails(tmp_path):
    run = run_conformance(tmp_path, "--mpconform-repeat", "4", "-k", f"{FIRST_METHOD} and not forkserver")
    assert run.returncode == 1, run.stdout
    assert (f"direct-assign.list.alternating under {FIRST_METHOD} is flaky: lost 2/4, propagated 2/4"
            in run.stdout)
    [written] = (tmp_path / "results" / "partial").glob("*.json")
    [recorded] = json.loads(written.read_text())["cells"]
    assert recorded["repeat"] == {"runs": 4, "outcomes": {"lost": 2, "propagated": 2}}
    assert recorded["flaky"] is True


def test_a_repeat_below_one_is_refused(tmp_path):
    run = run_conformance(tmp_path, "--mpconform-repeat", "0")
    assert run.returncode == 4
    assert "--mpconform-repeat takes a whole number of at least 1, not 0" in run.stderr


@pytest.mark.parametrize("start_method", methods("fork", "spawn"))
def test_an_unpicklable_payload_is_classified_and_the_run_goes_on(runner, start_method):
    record = runner.run(cell("ls.append(lambda: 0)", start_method=start_method))
    assert record["outcome"].startswith("raised:") and record["side"] == "child"
    assert record["values"]["intended_error"].startswith("the intended state cannot be reported")
    assert runner.run(cell("ls.append(2)", start_method=start_method))["outcome"] == "propagated"


def _write_many(folder, times):
    document = {"schema": 1, "complete": True, "manifest": {}, "cells": [{"id": "x" * 1000}] * 200}
    for _ in range(times):
        shard_writer.write_atomically(os.path.join(folder, "same.json"), shard_writer.dumps(document))


def test_parallel_writers_never_leave_a_torn_shard(tmp_path):
    writers = [multiprocessing.Process(target=_write_many, args=(str(tmp_path), 30)) for _ in range(4)]
    for writer in writers:
        writer.start()
    for _ in range(200):
        text = (tmp_path / "same.json").read_text() if (tmp_path / "same.json").exists() else None
        if text is not None:
            assert len(json.loads(text)["cells"]) == 200
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    assert os.listdir(str(tmp_path)) == ["same.json"]


SMALL = make_shard("3.8.18", cases=CASES[:3])
SMALL_TEXT = shard_writer.dumps(SMALL)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6)


def paths_of(document, prefix=()):
    yield prefix
    if isinstance(document, dict):
        for key, value in document.items():
            yield from paths_of(value, prefix + (key,))
    elif isinstance(document, list):
        for index, value in enumerate(document[:2]):
            yield from paths_of(value, prefix + (index,))


PATHS = [p for p in paths_of(SMALL) if p]


def mutated(path, value):
    document = json.loads(SMALL_TEXT)
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return json.dumps(document)


DELETE = object()
corrupted = st.one_of(
    st.integers(0, len(SMALL_TEXT)).map(lambda end: SMALL_TEXT[:end]),
    st.tuples(st.integers(0, len(SMALL_TEXT) - 1), st.characters()).map(
        lambda edit: SMALL_TEXT[:edit[0]] + edit[1] + SMALL_TEXT[edit[0] + 1:]),
    st.tuples(st.sampled_from(PATHS), json_values | st.just(DELETE)).map(lambda change: mutated(*change)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=corrupted)
@example(text=SMALL_TEXT.replace('"version": "3.8.18"', '"version": "3.8.18+"'))
@example(text=SMALL_TEXT.replace('"version": "3.8.18"', '"version": "3.8.18-x"'))
@example(text=SMALL_TEXT.replace('"version": "3.8.18"', '"version": "3.15.0a1"'))
@example(text=SMALL_TEXT.replace('"start_method": "fork"', '"start_method": "vfork"', 1))
@example(text=mutated(("cells", 0, "side"), ""))  # found by hypothesis: passed into the matrix
@example(text=mutated(("cells", 0, "duration"), -1.0))
def test_a_corrupted_shard_is_either_usable_or_one_clear_error(tmp_path, text):
    path = tmp_path / "cpython-3.8.18-linux-x86_64.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        loaded = shard_reader.load(path)
        matrix = merge.build([(path, loaded)], CASES)
    except shard_reader.ShardError as error:
        assert str(error).startswith(str(path))
        return
    merge.validate(matrix)
