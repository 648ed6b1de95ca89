"""Bring the interpreters the matrix wants and this machine lacks (``nox -s interpreters``).

Each missing interpreter is tried, in turn, with the ways this machine offers:
``../shared/interpreters/extra-pythons.sh`` where the project runs beside that folder (this
team's machines and CI, for CPython 3.14, 3.15 and 3.13t), ``uv python install`` (CPython,
free-threaded builds, PyPy), and pyenv (every CPython release). What they install lands in
``home()`` (or pyenv's own folder), which discovery always searches. Whatever is still missing
is named with the commands that would bring it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from mpconform.host.interpreters import Wanted, home

ROOT = Path(__file__).resolve().parents[3]
EXTRA_PYTHONS = ROOT.parent / "shared" / "interpreters" / "extra-pythons.sh"
EXTRA_PYTHONS_PROVIDES = {"3.14", "3.15", "3.13t"}


def uv_request(wanted: Wanted) -> str:
    """What ``uv python install`` calls it: ``3.8``, ``3.13t``, ``pypy@3.10``."""
    return "pypy@3.10" if wanted.label == "pypy3" else wanted.label


def pyenv_request(wanted: Wanted) -> str | None:
    """What ``pyenv install`` calls it (the newest patch release of a minor), if pyenv has it."""
    if wanted.label == "pypy3":
        return "pypy3.10"
    if wanted.label.endswith("t"):
        return wanted.label[:-1] + "t"  # pyenv 2.4+ names free-threaded builds 3.13t
    return wanted.label


def commands(wanted: Wanted) -> list[str]:
    """The commands that would bring ``wanted``, for the message when none worked."""
    found = [f"uv python install {uv_request(wanted)} --install-dir {home()}"]
    if pyenv_request(wanted):
        found.append(f"pyenv install {pyenv_request(wanted)}")
    return found


def _run(command: list[str], log) -> bool:
    """Run an installer, its output shown as it comes (a build takes minutes)."""
    log(f"$ {' '.join(command)}")
    last = "(no output)"
    try:
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env=dict(os.environ, UV_HTTP_TIMEOUT="30", UV_HTTP_RETRIES="1")) as process:
            for line in process.stdout:
                last = line.rstrip() or last
                log("  " + last)
            status = process.wait(timeout=1800)
    except (OSError, subprocess.SubprocessError) as error:
        log(f"  failed: {error}")
        return False
    if status:
        log(f"  failed (exit {status}): {last}")
    return status == 0


def install(missing: list[Wanted], log=print) -> list[Wanted]:
    """Try each way for each missing interpreter; returns those still missing."""
    still = list(missing)
    extra = [w for w in still if w.label in EXTRA_PYTHONS_PROVIDES]
    if extra and EXTRA_PYTHONS.exists():
        home().mkdir(parents=True, exist_ok=True)
        log(f"extra-pythons.sh (this team's machines) for {', '.join(w.label for w in extra)}; "
            f"3.13t is built from source, a few minutes")
        if _run(["bash", str(EXTRA_PYTHONS), str(home())], log):
            still = [w for w in still if w not in extra or not list(home().glob(f"bin/python{w.label}"))]
    uv = shutil.which("uv")
    for wanted in list(still):
        if uv and _run([uv, "python", "install", uv_request(wanted), "--install-dir", str(home())], log):
            still.remove(wanted)
    pyenv = shutil.which("pyenv")
    for wanted in list(still):
        request = pyenv_request(wanted)
        if pyenv and request and _run([pyenv, "install", "--skip-existing", request], log):
            still.remove(wanted)
    return still
