"""Expectations as transitions: the last entry that applies wins."""

import pytest

from mpconform.expectations import Target, resolve
from mpconform.identity import Identity, VersionError, parse_version

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
    assert parse_version("3.15.0a1") == parse_version("3.13.0+")[:1] + (15, 0)
    with pytest.raises(VersionError, match="does not parse"):
        parse_version("3.x")


@pytest.mark.parametrize("identity, label, description", [
    (Identity("cpython", "3.8.18"), "3.8", "CPython 3.8.18"),
    (Identity("cpython", "3.13.5", free_threaded=True), "3.13t", "CPython 3.13.5 free-threaded"),
    (Identity("pypy", "3.9.16"), "pypy3.9", "PyPy 3.9.16"),
    (Identity.from_manifest({"implementation": "cpython", "version": "3.15.0a1", "build": "default"}),
     "3.15", "CPython 3.15.0a1"),
    (Identity.from_facts({"implementation": "cpython", "version": "3.13.0", "free_threaded": True}),
     "3.13t", "CPython 3.13.0 free-threaded"),
])
def test_one_identity_names_an_interpreter_from_a_probe_or_a_manifest(identity, label, description):
    assert (identity.label, identity.description) == (label, description)


def test_an_expectation_can_be_scoped_to_a_platform():
    entries = [{"outcome": "raised:FileNotFoundError"},
               {"platforms": ["win32"], "outcome": "raised:ConnectionRefusedError", "ref": "made up, for the test"}]
    on_windows = resolve(entries, Target("cpython", (3, 12, 1), "spawn", "win32"))
    on_linux = resolve(entries, Target("cpython", (3, 12, 1), "spawn", "linux"))
    assert (on_windows["outcome"], on_linux["outcome"]) == ("raised:ConnectionRefusedError",
                                                            "raised:FileNotFoundError")


def test_the_running_interpreter_knows_itself():
    import platform
    assert Identity.current().version_text == platform.python_version()


@pytest.mark.parametrize("entry, identity, platform, skipped", [
    ({"before": "3.8"}, Identity("cpython", "3.7.16"), "linux", True),
    ({"before": "3.8"}, Identity("cpython", "3.8.0"), "linux", False),
    ({"platforms": ["win32"]}, Identity("cpython", "3.12.1"), "win32", True),
    ({"platforms": ["win32"]}, Identity("cpython", "3.12.1"), "darwin", False),
    ({"implementation": "pypy"}, Identity("pypy", "3.9.16"), "linux", True),
    ({"implementation": "pypy", "before": "3.10"}, Identity("cpython", "3.9.18"), "linux", False),
])
def test_a_skip_entry_applies_where_every_scope_matches(entry, identity, platform, skipped):
    """How a case's skips are read on Windows and macOS, checked here by their logic."""
    from mpconform.harness.cell import skip_reason

    request = {"start_method": "spawn", "skip": [dict(entry, reason="why")]}
    assert skip_reason(request, identity, platform) == ("why" if skipped else None)
