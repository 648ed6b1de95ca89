"""Find the interpreters to test, with no configuration, wherever users keep them.

Looks in, first to last: ``MPCONFORM_PYTHONS`` (interpreters or folders, separated like PATH),
the folder ``nox -s interpreters`` installs into (``home()``), PATH, pyenv's versions (its shims
may be inactive), uv's managed Pythons, the Windows ``py`` launcher, setup-python's tool cache,
and the usual install folders. Each candidate is asked about itself (implementation, version,
free-threaded build), so a name never decides.
"""

from __future__ import annotations

import concurrent.futures
import glob
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from mpconform.identity import PROBE, Identity, VersionError

_NAMES = re.compile(r"^(python(3(\.\d+)?t?)?|pypy3(\.\d+)?)(\.exe)?$")
PROBE_TIMEOUT = 20


@dataclass(frozen=True)
class Interpreter:
    """An interpreter found on this machine: where it is, what it is, how it was found."""

    executable: str
    identity: Identity
    source: str

    @property
    def label(self) -> str:
        """The session suffix: ``3.8``, ``3.13t``, ``pypy3.9``."""
        return self.identity.label

    @property
    def description(self) -> str:
        return self.identity.description

    @property
    def version(self) -> tuple[int, int, int]:
        return self.identity.version


@dataclass(frozen=True)
class Wanted:
    """An interpreter the matrix has a column for."""

    label: str  # "3.8", "3.13t", or "pypy3" for any PyPy 3
    required: bool

    def matches(self, identity: Identity) -> bool:
        """Whether an interpreter (found here, or named by a shard) fills this column."""
        if self.label == "pypy3":
            return identity.implementation == "pypy" and identity.version[0] == 3
        return identity.implementation == "cpython" and identity.label == self.label

    @property
    def description(self) -> str:
        if self.label == "pypy3":
            return "PyPy 3"
        if self.label.endswith("t"):
            return f"free-threaded CPython {self.label[:-1]}"
        return f"CPython {self.label}"


# Required ones must be found on our machines and in CI; the others run when present.
WANTED = [Wanted(f"3.{minor}", True) for minor in range(6, 14)] + [
    Wanted("pypy3", True),
    Wanted("3.14", False),
    Wanted("3.15", False),
    Wanted("3.13t", False),
    Wanted("3.14t", False),
]


def _executables_in(folder: Path) -> list[Path]:
    found = []
    for base in (folder, folder / "bin", folder / "Scripts"):
        if base.is_dir():
            found += sorted(p for p in base.iterdir() if _NAMES.match(p.name) and p.is_file())
    return found


def _explicit(value: str) -> list[Path]:
    paths = []
    for entry in filter(None, value.split(os.pathsep)):
        path = Path(entry).expanduser()
        paths += _executables_in(path) if path.is_dir() else [path]
    return paths


def home() -> Path:
    """Where ``nox -s interpreters`` installs interpreters; discovery always looks there."""
    configured = os.environ.get("MPCONFORM_PYTHONS_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "mpconform" / "pythons"


def _provisioned() -> list[Path]:
    """What ``nox -s interpreters`` installed: its bin/ (extra-pythons.sh) and uv's folders."""
    folder = home()
    if not folder.is_dir():
        return []
    return _executables_in(folder) + [p for d in sorted(folder.glob("*")) if d.name != "bin"
                                      for p in _executables_in(d)]


def _pyenv_root() -> Path | None:
    root = os.environ.get("PYENV_ROOT")
    if root:
        return Path(root)
    default = Path.home() / ".pyenv"
    return default if default.is_dir() else None


def _uv_managed() -> list[Path]:
    """uv's managed Pythons, read from its install folder (``uv python list`` is slow)."""
    folders = [os.environ.get("UV_PYTHON_INSTALL_DIR")]
    folders.append(os.path.join(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local/share", "uv/python"))
    if os.environ.get("APPDATA"):
        folders.append(os.path.join(os.environ["APPDATA"], "uv", "data", "python"))
    return [p for folder in filter(None, folders) for d in sorted(Path(folder).glob("*"))
            for p in _executables_in(d)]


def _py_launcher() -> list[Path]:
    launcher = shutil.which("py") if os.name == "nt" else None
    if not launcher:
        return []
    try:
        output = subprocess.run([launcher, "-0p"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [Path(m.group(0)) for m in re.finditer(r"\S:\\\S.*?python\w*\.exe", output)]


def _usual_folders() -> list[Path]:
    patterns = [
        os.path.join(os.environ.get("RUNNER_TOOL_CACHE", "/opt/hostedtoolcache"), "*", "*", "*"),
        "/opt/python/*",
        "/Library/Frameworks/Python.framework/Versions/*",
        "/opt/homebrew/opt/python@*",
        "/usr/local/opt/python@*",
        "/usr/bin",
        "/usr/local/bin",
    ]
    return [Path(folder) for pattern in patterns for folder in sorted(glob.glob(pattern))]


def candidates() -> list[tuple[Path, str]]:
    """(executable, where it was found), most specific source first."""
    found: list[tuple[Path, str]] = []
    explicit = os.environ.get("MPCONFORM_PYTHONS")
    if explicit:
        found += [(p, "MPCONFORM_PYTHONS") for p in _explicit(explicit)]
    found += [(p, "nox -s interpreters") for p in _provisioned()]
    pyenv = _pyenv_root()
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        # Shims (pyenv, asdf) may be inactive and only forward elsewhere; pyenv's versions come next.
        if folder and Path(folder).name != "shims":
            found += [(p, "PATH") for p in _executables_in(Path(folder))]
    if pyenv:
        for version in sorted((pyenv / "versions").glob("*")):
            found += [(p, "pyenv") for p in _executables_in(version)]
    found += [(p, "uv") for p in _uv_managed()]
    found += [(p, "py launcher") for p in _py_launcher()]
    found += [(p, "usual folders") for folder in _usual_folders() for p in _executables_in(folder)]
    found.append((Path(sys.executable), "nox's own interpreter"))
    return found


def probe(executable: Path, source: str, cache: dict | None = None) -> Interpreter | None:
    """Ask the executable what it is; None if it does not run (an inactive shim, say).

    ``cache`` maps a file's identity (path, size, mtime) to what it said last time.
    """
    try:
        stat = executable.stat()
    except OSError:
        return None
    key = f"{executable}|{stat.st_size}|{stat.st_mtime_ns}"
    facts = cache.get(key) if cache is not None else None
    if facts is None:
        try:
            result = subprocess.run([str(executable), "-c", PROBE], capture_output=True,
                                    text=True, timeout=PROBE_TIMEOUT, stdin=subprocess.DEVNULL)
            facts = json.loads(result.stdout) if result.returncode == 0 else False
        except (OSError, subprocess.SubprocessError, ValueError):
            facts = False
        if cache is not None:
            cache[key] = facts
    if not facts:
        return None
    try:
        identity = Identity.from_facts(facts)
    except (KeyError, VersionError):
        return None  # not an interpreter we know how to name
    return Interpreter(facts["executable"] or str(executable), identity, source)


def discover(cache_file: Path | None = None) -> list[Interpreter]:
    """Every distinct interpreter found, the first source that named it kept."""
    unique: dict[str, tuple[Path, str]] = {}
    for path, source in candidates():
        try:
            real = os.path.realpath(path)
        except OSError:
            continue
        # A virtual environment's python is its base interpreter: name the base (the venv that
        # runs nox, first on PATH, would otherwise change a shard's source from run to run).
        if real not in unique or (_in_venv(unique[real][0]) and not _in_venv(path)):
            unique[real] = (path, source)
    cache = _read_cache(cache_file)
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        probed = list(pool.map(lambda item: probe(item[0], item[1], cache), unique.values()))
    _write_cache(cache_file, cache)
    distinct: dict[str, Interpreter] = {}
    for found in probed:
        if found is not None and found.version[0] == 3:
            distinct.setdefault(os.path.realpath(found.executable), found)
    return list(distinct.values())


def _in_venv(executable: Path) -> bool:
    return (Path(executable).parent.parent / "pyvenv.cfg").is_file()


def _read_cache(cache_file: Path | None) -> dict:
    if cache_file is None:
        return {}
    try:
        cache = json.loads(cache_file.read_text())
        return cache if isinstance(cache, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_cache(cache_file: Path | None, cache: dict) -> None:
    if cache_file is None:
        return
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache_file.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(cache, indent=0, sort_keys=True))
        os.replace(temporary, cache_file)
    except OSError:
        pass  # a cache we cannot write only costs time


def choose(interpreters: list[Interpreter]) -> dict[str, Interpreter]:
    """One interpreter per label: an explicit one if given, else the newest patch release."""
    chosen: dict[str, Interpreter] = {}
    for interpreter in interpreters:
        current = chosen.get(interpreter.label)
        if current is None or _rank(interpreter) > _rank(current):
            chosen[interpreter.label] = interpreter
    return chosen


def _rank(interpreter: Interpreter) -> tuple[bool, tuple[int, int, int]]:
    return (interpreter.source == "MPCONFORM_PYTHONS", interpreter.version)


def plan(
    interpreters: list[Interpreter] | None = None, cache_file: Path | None = None
) -> list[tuple[str, Interpreter | None, Wanted | None]]:
    """The conformance sessions: (label, interpreter or None if missing, the Wanted it fills).

    Every wanted column appears, found or not; any other interpreter found (a newer CPython,
    another PyPy) gets a session of its own.
    """
    chosen = choose(discover(cache_file) if interpreters is None else interpreters)
    sessions: list[tuple[str, Interpreter | None, Wanted | None]] = []
    used = set()
    for wanted in WANTED:
        matching = sorted((i for i in chosen.values() if wanted.matches(i.identity)), key=lambda i: i.version)
        if not matching:
            sessions.append((wanted.label, None, wanted))
        for interpreter in matching:
            # A column that any version fills (PyPy 3) keeps its name, found or not: the newest
            # fills it; the others run under their own version's name.
            stable = wanted.label if not wanted.label.startswith("3.") and interpreter is matching[-1] else None
            sessions.append((stable or interpreter.label, interpreter, wanted))
            used.add(interpreter.label)
    for label, interpreter in sorted(chosen.items()):
        if label not in used and interpreter.version >= (3, 6):
            sessions.append((label, interpreter, None))
    return sessions


def aliases(sessions: list[tuple[str, Interpreter | None, Wanted | None]]) -> list[tuple[str, Interpreter]]:
    """Sessions also reachable by their interpreter's own label (``pypy3.9`` for ``pypy3``), so that
    a CI job can name the exact version it set up."""
    return [(interpreter.label, interpreter) for label, interpreter, _ in sessions
            if interpreter is not None and label != interpreter.label]


def missing_message(wanted: Wanted) -> str:
    return (
        f"{wanted.description} not found. Looked in MPCONFORM_PYTHONS, {home()}, PATH, pyenv "
        f"({_pyenv_root() or 'no PYENV_ROOT'}), uv's managed Pythons, the py launcher and the "
        f"usual install folders. `nox -s interpreters` installs it where it can; or point "
        f"MPCONFORM_PYTHONS at it (an interpreter or a folder; several separated by '{os.pathsep}')"
    )
