"""mpconform's sessions: the conformance run on every interpreter found, and the tooling tests.

    nox                  the whole matrix: every conformance-<python> session, then reports/
    nox -t tests         the same, then the project's own tests
    nox -s conformance-3.8 -- -k nested      one interpreter, some cases (pytest arguments)

Interpreters are found without configuration (PATH, pyenv, uv, the py launcher, setup-python's
tool cache); MPCONFORM_PYTHONS adds interpreters or folders. A missing CPython 3.6-3.13 or PyPy
is an error when CI is set, a skip that names it otherwise; newer and free-threaded builds run
when present.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import nox

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT / "src"))

from mpconform.host import interpreters  # noqa: E402

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|venv"
nox.options.download_python = "never"  # the matrix reports the interpreters that are here
nox.options.reuse_venv = "yes"

PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
CONFORMANCE_REQUIREMENTS = "tests/conformance/requirements.txt"
# uv-made environments hold no bytecode; with this set, pytest would recompile at every start.
RUN_ENV = {"PYTHONDONTWRITEBYTECODE": None}
# The host-side command line runs from the source tree, like the target side.
SRC_ENV = {**RUN_ENV, "PYTHONPATH": str(ROOT / "src")}
# "-n auto" means twice the cores: a cell waits on process starts and on the manager as much as
# it computes. Measured on 2 cores (the catalogue on 3.12): 4 workers 29-31 s, 2 workers 33-42 s.
# Set through xdist's variable, so that the shard records "-n auto" whatever the machine.
XDIST_ENV = {"PYTEST_XDIST_AUTO_NUM_WORKERS": os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS")
             or str(2 * (os.cpu_count() or 1))}
# This nox invocation's start: the report tells the columns it produced from the ones it kept.
RUN_STARTED = repr(time.time())


def _install_conformance_tools(session: nox.Session, interpreter: interpreters.Interpreter) -> None:
    if session.venv_backend != "uv" and interpreter.version[:2] < (3, 7):
        # The pip that 3.6's venv ships ignores requires-python on indexes that omit it.
        session.run("python", "-m", "pip", "install", "--quiet", "pip<22")
    session.install("-r", CONFORMANCE_REQUIREMENTS)


def _conformance_session(label: str, interpreter, wanted, alias_of: str | None = None) -> None:
    if interpreter is None:

        def conformance(session: nox.Session) -> None:
            message = interpreters.missing_message(wanted)
            if wanted.required and os.environ.get("CI"):
                session.error(message)
            session.skip(message)

        conformance.__doc__ = f"Run every case on {wanted.description}: not found on this machine."
        python = False
    else:

        def conformance(session: nox.Session) -> None:
            _install_conformance_tools(session, interpreter)
            session.run(
                "python", "-m", "pytest", "tests/conformance", "-n", "auto", "-p", "no:cacheprovider",
                *session.posargs,
                env={**RUN_ENV, **XDIST_ENV, "MPCONFORM_INTERPRETER_SOURCE": interpreter.source},
            )

        conformance.__doc__ = (
            f"Run every case under every start method on {interpreter.description} and write "
            f"its shard to reports/results/ ({interpreter.executable}, found via {interpreter.source})."
        )
        if alias_of:
            conformance.__doc__ = f"The same as conformance-{alias_of}: {conformance.__doc__}"
        python = interpreter.executable
    if alias_of:
        nox.session(name=f"conformance-{label}", python=python, default=False)(conformance)
    else:
        nox.session(name=f"conformance-{label}", python=python, tags=["conformance", "tests"])(conformance)


_PLAN = interpreters.plan(cache_file=ROOT / ".nox" / "interpreters.json")
for _label, _interpreter, _wanted in _PLAN:
    _conformance_session(_label, _interpreter, _wanted)
for _label, _interpreter in interpreters.aliases(_PLAN):
    _conformance_session(_label, _interpreter, None, alias_of=next(
        label for label, found, _ in _PLAN if found is _interpreter))


@nox.session(name="interpreters", python=False, default=False)
def install_interpreters(session: nox.Session) -> None:
    """Install the interpreters the matrix wants and this machine lacks, where discovery finds them.

    Tries this team's ../shared/interpreters/extra-pythons.sh when present, `uv python install`,
    then pyenv; names whatever is still missing with the commands that would bring it.
    """
    from mpconform.host import provision

    missing = [wanted for _, found, wanted in _PLAN if found is None and wanted is not None]
    if not missing:
        session.log("every interpreter the matrix wants is here")
        return
    session.log(f"missing: {', '.join(w.description for w in missing)}; installing into {interpreters.home()}")
    provision.install(missing, log=session.log)
    found = interpreters.plan()  # discovery again, without the cache
    still = [wanted for _, interpreter, wanted in found if interpreter is None and wanted in missing]
    for wanted in still:
        session.warn(f"{wanted.description} is still missing; any of these would bring it: "
                     + "; ".join(provision.commands(wanted)))
    brought = [w.description for w in missing if w not in still]
    session.log(f"now found: {', '.join(brought) or 'none of them'}")
    if still and any(w.required for w in still):
        session.error("required interpreters are missing: " + ", ".join(w.description for w in still))


@nox.session(tags=["tests"])
def matrix(session: nox.Session) -> None:
    """Merge reports/results/*.json into reports/matrix.json and draw matrix.md, matrix.csv, index.html.

    Ends by telling which columns this run produced and which it kept, and whether any cell's
    behaviour changed from the committed matrix.
    """
    session.install(*nox.project.dependency_groups(PYPROJECT, "report"))
    session.run("python", "-m", "mpconform", "report", *session.posargs,
                env={**SRC_ENV, "MPCONFORM_RUN_STARTED": RUN_STARTED})


@nox.session(name="ci-merge", default=False)
def ci_merge(session: nox.Session) -> None:
    """CI's merge job: collect downloaded shards, draw reports/, summarize against the published matrix.

    nox -s ci-merge -- DOWNLOADED_FOLDER PUBLISHED_MATRIX_URL_OR_FILE [SUMMARY_FILE]
    """
    if len(session.posargs) not in (2, 3):
        session.error("usage: nox -s ci-merge -- DOWNLOADED PUBLISHED [SUMMARY_FILE]")
    downloaded, published, *summary = session.posargs
    session.install(*nox.project.dependency_groups(PYPROJECT, "report"))
    committed = session.create_tmp() + "/committed-matrix.json"
    shutil.copyfile(ROOT / "reports" / "matrix.json", committed)
    env = {**SRC_ENV, "NO_COLOR": "1"}
    session.run("python", "-m", "mpconform", "collect", downloaded, env=env)
    session.run("python", "-m", "mpconform", "report", env=env)
    session.run("python", "-m", "mpconform", "ci-summary", published, "--committed", committed,
                *(["--summary", summary[0]] if summary else []), env=env)


@nox.session(default=False)
def diff(session: nox.Session) -> None:
    """List cells added, removed and changed between two matrices: nox -s diff -- OLD.json NEW.json [--exit-code]."""
    if len(session.posargs) < 2:
        session.error("usage: nox -s diff -- OLD.json NEW.json [--exit-code]")
    session.install(*nox.project.dependency_groups(PYPROJECT, "report"))
    session.run("python", "-m", "mpconform", "diff", *session.posargs, env=SRC_ENV)


@nox.session(tags=["tests"], default=False)
def lint(session: nox.Session) -> None:
    """Lint with ruff, and compile the target side with CPython 3.6, the oldest interpreter it must run on."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    target_side = sorted({str(path.relative_to(ROOT)) for pattern in PYPROJECT["tool"]["mpconform"]["target-side"]
                          for path in _python_files(ROOT / pattern)})
    oldest = next((found for label, found, _ in _PLAN if label == "3.6" and found is not None), None)
    if oldest is None:
        message = f"{interpreters.missing_message(interpreters.WANTED[0])} The target side was not compiled with it."
        if os.environ.get("CI"):
            session.error(message)
        session.warn(message)
        return
    session.run(oldest.executable, "-c", COMPILE_EACH, *target_side, external=True, env=RUN_ENV)


# Compiles each file named on the command line without writing bytecode (runs on Python 3.6).
COMPILE_EACH = "import sys\nfor path in sys.argv[1:]:\n    compile(open(path, 'rb').read(), path, 'exec')"


def _python_files(path: Path) -> list[Path]:
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


@nox.session(tags=["tests"], default=False)
def tooling(session: nox.Session) -> None:
    """Test the project's own tooling: catalogue, harness outcomes, shards, discovery, cleanup."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "tooling"))
    session.run("python", "-m", "pytest", "tests/tooling", *session.posargs, env=RUN_ENV)
