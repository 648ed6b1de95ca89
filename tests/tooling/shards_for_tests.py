"""Synthetic shards: what a run on another interpreter or platform would have written."""

from pathlib import Path

from mpconform import catalogue
from mpconform.host import shard_reader
from mpconform.shard_writer import SCHEMA_VERSION, dumps
from mpconform.vocabulary import START_METHODS

CASES = catalogue.load()


def make_shard(version, platform="linux-x86_64", implementation="cpython", build="default",
               outcome=lambda case, method: case.expect[0]["outcome"], cases=CASES, methods=START_METHODS,
               default_method="fork"):
    cells = []
    for case in cases:
        for method in methods:
            observed = outcome(case, method)
            cells.append({"id": case.id, "pattern": case.pattern, "container": case.container,
                          "operation": case.operation, "start_method": method, "outcome": observed,
                          "expected": case.expect[0]["outcome"], "side": None, "duration": 0.01,
                          "values": {"before": "x", "parent_after": "y"}})
    return {
        "schema": SCHEMA_VERSION, "complete": True,
        "manifest": {
            "implementation": implementation, "version": version, "implementation_version": version,
            "build": build, "gil_enabled": build != "free-threaded", "platform": platform,
            "start_methods": {"available": list(methods), "default": default_method},
            "interpreter": {"executable": "/x/python", "source": "synthetic"},
            "suite": {"revision": "synthetic", "dirty": False},
            "cases": {case.id: case.content_hash() for case in cases},
            "tools": {}, "date": "2026-01-01T00:00:00Z", "selection": {"args": []},
        },
        "cells": cells,
    }


def shard_name(shard):
    return shard_reader.expected_name(shard["manifest"])


def write_shards(folder: Path, *shards):
    folder.mkdir(parents=True, exist_ok=True)
    for shard in shards:
        (folder / shard_name(shard)).write_text(dumps(shard))
    return folder
