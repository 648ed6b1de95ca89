"""Expectations as transitions: the last entry that applies wins."""

import pytest

from mpconform.expectations import ExpectationError, Target, parse_version, resolve

QUEUE_IN_DICT = [
    {"outcome": "raised:RemoteError"},
    {"since": "3.9.7", "outcome": "propagated", "ref": "bpo-30256"},
    {"implementation": "pypy", "outcome": "lost", "ref": "made up, for the test"},
    {"start_methods": ["spawn"], "since": "3.14", "outcome": "hung", "ref": "made up, for the test"},
]


@pytest.mark.parametrize("implementation, version, method, outcome", [
    ("cpython", (3, 6, 15), "fork", "raised:RemoteError"),
    ("cpython", (3, 9, 6), "fork", "raised:RemoteError"),
    ("cpython", (3, 9, 7), "fork", "propagated"),
    ("cpython", (3, 13, 0), "spawn", "propagated"),
    ("pypy", (3, 9, 16), "fork", "lost"),
    ("cpython", (3, 14, 0), "spawn", "hung"),
    ("cpython", (3, 14, 0), "fork", "propagated"),
])
def test_resolve(implementation, version, method, outcome):
    assert resolve(QUEUE_IN_DICT, Target(implementation, version, method))["outcome"] == outcome


def test_versions_compare_by_number():
    assert parse_version("3.10") > parse_version("3.9.18")
    assert parse_version("3.9") == (3, 9, 0)
    with pytest.raises(ExpectationError, match="does not parse"):
        parse_version("3.9rc1")


def test_the_free_threaded_build_is_a_filter():
    entries = [{"outcome": "propagated"},
               {"build": "free-threaded", "outcome": "lost", "ref": "made up, for the test"}]
    assert resolve(entries, Target("cpython", (3, 13, 0), "fork", "free-threaded"))["outcome"] == "lost"
    assert resolve(entries, Target("cpython", (3, 13, 0), "fork"))["outcome"] == "propagated"
