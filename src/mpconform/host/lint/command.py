"""``python -m mpconform lint PATH…`` and the flake8 plugin (``--select MPC``) (host side)."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from mpconform.host.lint import checker

_REQUIRES = re.compile(r">=?\s*(\d+)\.(\d+)")


class LintError(ValueError):
    """A bad path or version; the message names it."""


def parse_version(text: str) -> tuple[int, int, int]:
    match = re.fullmatch(r"(\d+)\.(\d+)(?:\.(\d+))?", text.strip())
    if not match:
        raise LintError(f"--python-version {text!r}: expected a version such as 3.8 or 3.9.7")
    return int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)


def project_version(start: Path) -> tuple[tuple[int, int, int], str] | None:
    """The lowest version ``requires-python`` admits, from the nearest pyproject.toml."""
    for folder in [start, *start.parents]:
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                requires = _requires_python(pyproject.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            match = _REQUIRES.search(requires or "")
            if match:
                return (int(match.group(1)), int(match.group(2)), 0), f"requires-python in {pyproject}"
            return None
    return None


def _requires_python(text: str) -> str | None:
    try:
        import tomllib
    except ImportError:  # Python 3.9 and 3.10: the one line is enough
        match = re.search(r"^requires-python\s*=\s*[\"']([^\"']*)", text, re.MULTILINE)
        return match.group(1) if match else None
    return tomllib.loads(text).get("project", {}).get("requires-python")


def python_files(paths: list[str]) -> list[Path]:
    found = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.py") if not any(part.startswith(".") for part in p.parts))
        elif path.is_file():
            found.append(path)
        else:
            raise LintError(f"{text}: no such file or folder")
    return found


def run(paths: list[str], version_text: str | None, out=None) -> int:
    out = out or sys.stdout
    files = python_files(paths)
    if version_text:
        version, why = parse_version(version_text), "--python-version"
    else:
        found = project_version(Path(paths[0]).resolve() if paths else Path.cwd())
        version, why = found if found else (sys.version_info[:3], "the running Python")
    count = 0
    for path in files:
        try:
            source = path.read_text(encoding="utf-8")
            findings = checker.check_source(source, tuple(version))
        except (SyntaxError, UnicodeDecodeError) as error:
            print(f"{path}:1:1: MPC000 cannot be read as Python: {error}", file=out)
            count += 1
            continue
        for finding in findings:
            print(finding.text(str(path)), file=out)
        count += len(findings)
    print(f"mpconform lint: {count} findings in {len(files)} files, for Python "
          f"{'.'.join(map(str, version[:2]))} ({why})", file=sys.stderr)
    return 1 if count else 0


class Flake8Plugin:
    """flake8's entry point (``flake8.extension``: ``MPC``): the same findings, by flake8's rules.

    The version checked is ``--mpconform-python-version``, else the project's requires-python,
    else the running Python's."""

    name = "mpconform"
    version = "0.1.0"
    python_version: tuple[int, int, int] | None = None

    def __init__(self, tree: ast.AST, filename: str = "", lines: list[str] | None = None):
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager) -> None:
        manager.add_option("--mpconform-python-version", parse_from_config=True, default=None,
                           help="the Python version whose behaviour mpconform's findings describe")

    @classmethod
    def parse_options(cls, options) -> None:
        text = getattr(options, "mpconform_python_version", None)
        cls.python_version = parse_version(text) if text else None

    def run(self):
        source = "".join(self.lines) if self.lines is not None else Path(self.filename).read_text(encoding="utf-8")
        version = self.python_version
        if version is None:
            found = project_version(Path(self.filename).resolve().parent) if self.filename else None
            version = found[0] if found else sys.version_info[:3]
        for finding in checker.check_source(source, tuple(version)):
            yield finding.line, finding.column, f"{finding.code} {finding.message}", type(self)
