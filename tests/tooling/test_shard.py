"""Shards: named by interpreter, complete or partial, written atomically, one cell a line."""

import json
import os

from mpconform import catalogue, shard_writer, vocabulary

CASES = catalogue.load()


def cells_for(cases, methods=vocabulary.START_METHODS):
    return [{"id": c.id, "start_method": m, "outcome": "propagated", "values": {}}
            for c in cases for m in methods]


def test_a_complete_run_writes_the_shard(tmp_path):
    path = shard_writer.write(str(tmp_path), ".", CASES, cells_for(CASES), {"args": []})
    assert path == os.path.join(str(tmp_path), shard_writer.shard_name() + ".json")
    document = json.load(open(path))
    assert document["complete"] is True
    assert document["schema"] == shard_writer.SCHEMA_VERSION
    assert len(document["cells"]) == len(CASES) * 3
    assert set(document["manifest"]["cases"]) == {c.id for c in CASES}
    for key in ("implementation", "version", "build", "platform", "start_methods", "interpreter",
                "suite", "tools", "date"):
        assert key in document["manifest"]


def test_a_narrowed_run_never_replaces_a_complete_shard(tmp_path):
    complete = shard_writer.write(str(tmp_path), ".", CASES, cells_for(CASES), {"args": []})
    partial = shard_writer.write(str(tmp_path), ".", CASES, cells_for(CASES[:3]), {"args": ["-k", "x"]})
    assert os.path.dirname(partial) == os.path.join(str(tmp_path), "partial")
    assert json.load(open(complete))["complete"] is True
    assert json.load(open(partial))["complete"] is False


def test_one_cell_per_line_and_no_temporary_file_left(tmp_path):
    path = shard_writer.write(str(tmp_path), ".", CASES[:2], cells_for(CASES[:2]), {"args": []})
    lines = open(path).read().splitlines()
    assert sum(1 for line in lines if line.startswith('{"id"')) == 6
    assert sorted(os.listdir(str(tmp_path))) == sorted([os.path.basename(path), shard_writer.STAMPS])
    assert os.listdir(os.path.join(str(tmp_path), shard_writer.STAMPS)) == [os.path.basename(path)]


def test_the_name_says_implementation_version_and_platform():
    name = shard_writer.shard_name()
    implementation, version, system, machine = name.split("-", 3)
    assert implementation in ("cpython", "pypy") and version[0] == "3" and system and machine
