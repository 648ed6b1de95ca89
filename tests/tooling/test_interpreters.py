"""Interpreter discovery: asks each candidate what it is, prefers explicit ones, names the missing."""

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from mpconform.host import interpreters
from mpconform.host.interpreters import Interpreter, Wanted
from mpconform.identity import Identity

pytestmark = pytest.mark.skipif(os.name != "posix", reason="fake interpreters are shell scripts")


def fake_python(folder: Path, name: str, version: str, implementation="cpython", free_threaded=False,
                exit_code=0) -> Path:
    path = folder / name
    facts = {"implementation": implementation, "version": version, "free_threaded": free_threaded,
             "executable": str(path)}
    path.write_text("#!/bin/sh\necho '%s'\nexit %d\n" % (json.dumps(facts), exit_code))
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """Only what a test puts in MPCONFORM_PYTHONS or PATH is found."""
    monkeypatch.delenv("MPCONFORM_PYTHONS", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "path"))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(tmp_path / "no-uv"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "no-xdg"))
    monkeypatch.setenv("MPCONFORM_PYTHONS_HOME", str(tmp_path / "no-provisioned"))
    monkeypatch.setattr(interpreters, "_usual_folders", lambda: [])
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    (tmp_path / "path").mkdir()
    return tmp_path


def test_an_explicit_folder_is_searched_and_named_as_the_source(isolated, monkeypatch):
    folder = isolated / "mine"
    folder.mkdir()
    fake_python(folder, "python3.42", "3.42.1")
    monkeypatch.setenv("MPCONFORM_PYTHONS", str(folder))
    [found] = interpreters.discover()
    assert (found.label, found.source) == ("3.42", "MPCONFORM_PYTHONS")


def test_an_inactive_shim_is_not_an_interpreter(isolated):
    fake_python(isolated / "path", "python3.8", "3.8.18", exit_code=127)
    assert interpreters.discover() == []


def test_pyenv_versions_are_found_even_when_its_shims_are_inactive(isolated, monkeypatch):
    shims = isolated / "pyenv" / "shims"
    shims.mkdir(parents=True)
    fake_python(shims, "python3.8", "3.8.18", exit_code=127)
    version = isolated / "pyenv" / "versions" / "3.8.18" / "bin"
    version.mkdir(parents=True)
    fake_python(version, "python", "3.8.18")
    monkeypatch.setenv("PYENV_ROOT", str(isolated / "pyenv"))
    monkeypatch.setenv("PATH", str(shims))
    [found] = interpreters.discover()
    assert (found.label, found.source, found.executable) == ("3.8", "pyenv", str(version / "python"))


def test_a_virtual_environments_python_is_named_by_its_base(isolated, monkeypatch):
    """The venv that runs nox comes first on PATH; the shard names where its base came from."""
    base = isolated / "pyenv" / "versions" / "3.8.18" / "bin"
    base.mkdir(parents=True)
    real = fake_python(base, "python", "3.8.18")
    venv = isolated / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text(f"home = {base}\n")
    (venv / "bin" / "python").symlink_to(real)
    monkeypatch.setenv("PYENV_ROOT", str(isolated / "pyenv"))
    monkeypatch.setenv("PATH", str(venv / "bin"))
    [found] = interpreters.discover()
    assert (found.label, found.source) == ("3.8", "pyenv")


def test_free_threaded_and_pypy_get_their_own_labels(isolated):
    fake_python(isolated / "path", "python3.13t", "3.13.0", free_threaded=True)
    fake_python(isolated / "path", "pypy3", "3.9.16", implementation="pypy")
    assert sorted(i.label for i in interpreters.discover()) == ["3.13t", "pypy3.9"]


def interpreter(version, source="pyenv", implementation="cpython", free_threaded=False):
    return Interpreter("/x/" + version + source, Identity(implementation, version, free_threaded), source)


def test_the_newest_patch_wins_unless_one_was_given_explicitly():
    chosen = interpreters.choose([interpreter("3.8.10"), interpreter("3.8.18")])
    assert chosen["3.8"].version == (3, 8, 18)
    chosen = interpreters.choose([interpreter("3.8.18"), interpreter("3.8.10", "MPCONFORM_PYTHONS")])
    assert chosen["3.8"].version == (3, 8, 10)


def test_the_plan_lists_every_wanted_column_and_any_extra_interpreter():
    found = [interpreter("3.8.18"), interpreter("3.16.0"), interpreter("3.9.16", implementation="pypy")]
    plan = {label: (found_one, wanted) for label, found_one, wanted in interpreters.plan(found)}
    assert plan["3.8"][0].version == (3, 8, 18)
    assert plan["3.6"] == (None, Wanted("3.6", True))
    assert plan["3.14"] == (None, Wanted("3.14", False))
    assert plan["pypy3"] == (found[2], Wanted("pypy3", True))
    assert plan["3.16"][1] is None
    assert "pypy3.9" not in plan
    assert interpreters.aliases(interpreters.plan(found)) == [("pypy3.9", found[2])]


def test_the_pypy_session_keeps_its_name_found_or_not_and_older_pypys_run_under_their_own():
    assert ("pypy3", None, Wanted("pypy3", True)) in interpreters.plan([])
    older, newer = interpreter("3.9.16", implementation="pypy"), interpreter("3.10.14", implementation="pypy")
    plan = {label: found for label, found, _ in interpreters.plan([older, newer])}
    assert plan["pypy3"] is newer and plan["pypy3.9"] is older
    assert interpreters.aliases(interpreters.plan([older, newer])) == [("pypy3.10", newer)]


def test_a_missing_interpreter_is_named_with_where_we_looked():
    message = interpreters.missing_message(Wanted("3.13t", False))
    assert message.startswith("free-threaded CPython 3.13 not found")
    assert "MPCONFORM_PYTHONS" in message and "pyenv" in message


def test_the_probe_cache_is_used_and_survives_corruption(isolated, monkeypatch):
    fake_python(isolated / "path", "python3.42", "3.42.0")
    cache = isolated / "cache.json"
    assert [i.label for i in interpreters.discover(cache)] == ["3.42"]
    assert json.loads(cache.read_text())
    cache.write_text("{not json")
    assert [i.label for i in interpreters.discover(cache)] == ["3.42"]


@pytest.mark.skipif(not list(Path(os.environ.get("PYENV_ROOT", "~/.pyenv")).expanduser().glob("versions/3.8*")),
                    reason="this machine has no pyenv CPython 3.8")
def test_this_machines_pyenv_versions_are_found():
    labels = {label for label, found, _ in interpreters.plan() if found is not None}
    assert "3.8" in labels


def test_what_nox_s_interpreters_installs_is_found_without_configuration(isolated, monkeypatch):
    monkeypatch.setenv("MPCONFORM_PYTHONS_HOME", str(isolated / "home"))
    for folder in ("bin", "cpython-3.13.5-linux/bin"):
        (isolated / "home" / folder).mkdir(parents=True)
    fake_python(isolated / "home" / "bin", "python3.14", "3.14.10")               # extra-pythons.sh layout
    fake_python(isolated / "home" / "cpython-3.13.5-linux" / "bin", "python3.13t", "3.13.5", free_threaded=True)
    found = {i.label: i.source for i in interpreters.discover()}
    assert found == {"3.14": "nox -s interpreters", "3.13t": "nox -s interpreters"}


def test_an_interpreter_no_way_can_bring_is_named_with_the_commands_that_would(isolated, monkeypatch):
    from mpconform.host import provision

    monkeypatch.setenv("MPCONFORM_PYTHONS_HOME", str(isolated / "home"))
    monkeypatch.setattr(provision, "EXTRA_PYTHONS", isolated / "no-shared" / "extra-pythons.sh")
    by_label = {w.label: w for w in interpreters.WANTED}
    wanted = [by_label["3.7"], by_label["3.14t"], by_label["pypy3"]]
    logged = []
    assert provision.install(wanted, log=logged.append) == wanted  # no uv, no pyenv on PATH
    assert provision.commands(by_label["3.14t"]) == [
        f"uv python install 3.14t --install-dir {isolated / 'home'}", "pyenv install 3.14t"]
    assert provision.uv_request(by_label["pypy3"]) == "pypy@3.10"
