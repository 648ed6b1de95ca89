"""What changed between two matrices: cells added, removed and changed.

Cells are matched by case, platform, interpreter column label (``3.9``, ``3.13t``, ``pypy3.9``)
and start method, so that a new patch release of an interpreter shows as a change of outcome
(with both versions named), not as a column removed and another added.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from mpconform.host.merge import MATRIX_SCHEMA_VERSION


class DiffError(ValueError):
    """A matrix file that cannot be compared; the message names it."""


@dataclass(frozen=True)
class Change:
    case: str
    platform: str
    label: str
    start_method: str
    old: str | None  # outcome, None when added
    new: str | None  # outcome, None when removed
    old_version: str | None
    new_version: str | None

    def describe(self) -> str:
        where = f"{self.case} on {self.label} ({self.platform}) under {self.start_method}"
        if self.old is None:
            return f"added    {where}: {self.new} ({self.new_version})"
        if self.new is None:
            return f"removed  {where}: was {self.old} ({self.old_version})"
        versions = (self.old_version if self.old_version == self.new_version
                    else f"{self.old_version} → {self.new_version}")
        return f"changed  {where}: {self.old} → {self.new} ({versions})"


def load(path: Path) -> dict:
    try:
        matrix = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise DiffError(f"{path}: cannot be read ({error.strerror})") from None
    except ValueError as error:
        raise DiffError(f"{path}: not JSON ({error})") from None
    if not isinstance(matrix, dict) or "cells" not in matrix or "columns" not in matrix:
        raise DiffError(f"{path}: not an mpconform matrix (no 'cells' and 'columns')")
    if matrix.get("schema") != MATRIX_SCHEMA_VERSION:
        raise DiffError(f"{path}: matrix schema {matrix.get('schema')!r}; this mpconform compares "
                        f"schema {MATRIX_SCHEMA_VERSION} only")
    return matrix


def committed(path: Path) -> tuple[dict | None, str]:
    """The matrix at ``path`` as last committed (git's HEAD), else as the file is now, before a
    report replaces it; with where it came from. None when there is neither."""
    import subprocess

    path = Path(path)
    try:
        text = subprocess.run(["git", "-C", str(path.parent), "show", f"HEAD:./{path.name}"],
                              capture_output=True, check=True, text=True, encoding="utf-8").stdout
        where = f"HEAD:{path.parent.name}/{path.name}"
    except (OSError, subprocess.CalledProcessError):
        if not path.exists():
            return None, f"{path} does not exist"
        text, where = path.read_text(encoding="utf-8"), str(path)
    try:
        matrix = json.loads(text)
    except ValueError:
        return None, f"{where} is not JSON"
    if not isinstance(matrix, dict) or matrix.get("schema") != MATRIX_SCHEMA_VERSION:
        return None, f"{where} is not a matrix this mpconform reads"
    return matrix, where


def _index(matrix: dict) -> dict[tuple, tuple[str, str]]:
    columns = {c["key"]: c for c in matrix["columns"]}
    return {(cell["case"], columns[cell["column"]]["platform"], columns[cell["column"]]["label"],
             cell["start_method"]): (cell["outcome"], columns[cell["column"]]["version"])
            for cell in matrix["cells"]}


def compare(old: dict, new: dict) -> list[Change]:
    before, after = _index(old), _index(new)
    changes = []
    for key in sorted(set(before) | set(after)):
        old_outcome, old_version = before.get(key, (None, None))
        new_outcome, new_version = after.get(key, (None, None))
        if old_outcome != new_outcome:
            changes.append(Change(*key, old_outcome, new_outcome, old_version, new_version))
    return changes


def summary(changes: list[Change]) -> str:
    if not changes:
        return "No cell changed."
    added = sum(1 for c in changes if c.old is None)
    removed = sum(1 for c in changes if c.new is None)
    changed = len(changes) - added - removed
    interpreters = sorted({f"{c.label} ({c.platform})" for c in changes if c.old and c.new})
    lines = [f"{changed} cells changed, {added} added, {removed} removed."]
    if interpreters:
        lines.append("Behaviour changed on: " + ", ".join(interpreters) + ".")
    return "\n".join(lines)


def behaviour_text(committed: dict | None, origin: str, matrix: dict, narrowed: bool) -> str:
    """Whether any cell's behaviour changed from the committed matrix, and which."""
    if committed is None:
        return f"mpconform: no committed matrix to compare with ({origin})"
    changes = compare(committed, matrix)
    changed = [change for change in changes if change.old and change.new]
    added = [change for change in changes if change.old is None]
    removed = [change for change in changes if change.new is None and not narrowed]
    lines = []
    if not changed:
        lines.append(f"mpconform: no behaviour changed from the committed matrix ({origin})")
    else:
        lines.append(f"mpconform: behaviour changed from the committed matrix ({origin}) in {len(changed)} cells:")
        lines += [f"  {change.describe()}" for change in changed[:30]]
        if len(changed) > 30:
            lines.append(f"  … and {len(changed) - 30} more: python -m mpconform diff shows them all")
    if added or removed:
        lines.append(f"mpconform: {len(added)} cells added and {len(removed)} removed since the committed "
                     f"matrix (new or removed cases, interpreters or platforms)")
    return "\n".join(lines)
