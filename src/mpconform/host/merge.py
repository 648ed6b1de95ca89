"""Merge shards into the matrix: the one source every report is drawn from.

A column is one shard (interpreter × platform). Every wanted interpreter without a shard shows
as a NOT RUN column, on every platform that CI covers. A shard whose case hashes no longer
match the catalogue is stale: its changed cases are marked, its missing ones are NOT RUN.
The matrix holds nothing that depends on when it was merged, so the same shards always give
the same matrix.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from mpconform import catalogue, outcomes
from mpconform.host import interpreters, shard_reader
from mpconform.identity import Identity, parse_version
from mpconform.vocabulary import OUTCOMES, PATTERNS, START_METHODS

MATRIX_SCHEMA_VERSION = 1
# The platforms the scheduled CI matrix covers; one with no shard shows as NOT RUN.
EXPECTED_PLATFORMS = ("linux-x86_64", "macos-arm64", "windows-amd64")
PLATFORM_NAMES = {"linux": "Linux", "macos": "macOS", "windows": "Windows"}


def platform_title(platform: str) -> str:
    system, _, machine = platform.partition("-")
    return f"{PLATFORM_NAMES.get(system, system)} {machine}".strip()


def _column_order(column: dict) -> tuple:
    """Platform, then CPython before others, default builds first, then by version."""
    label = column["label"]
    if column["status"] == "not-run":
        digits = label.removeprefix("pypy").rstrip("t")
        version = parse_version(digits if "." in digits else digits + ".0")
        return (column["platform"], label.startswith("pypy"), label.endswith("t"), version)
    identity = Identity.from_manifest(column)
    return (column["platform"], identity.implementation != "cpython", identity.free_threaded,
            identity.version)


def _shard_column(path: Path, shard: dict, current: dict[str, str]) -> tuple[dict, set[str]]:
    manifest = shard["manifest"]
    recorded = manifest["cases"]
    unknown = sorted({cell["id"] for cell in shard["cells"]} - set(current))
    if unknown:
        raise shard_reader.ShardError(
            f"{path}: records cases the catalogue does not have ({', '.join(unknown[:5])}"
            f"{', …' if len(unknown) > 5 else ''}): renamed or removed since it ran? Rerun that "
            f"interpreter's session, or remove the shard")
    changed = sorted(case_id for case_id, digest in recorded.items()
                     if case_id in current and current[case_id] != digest)
    missing = sorted(set(current) - set(recorded))
    column = {
        "key": path.stem,
        "label": Identity.from_manifest(manifest).label,
        "status": "stale" if changed or missing else "run",
        "implementation": manifest["implementation"],
        "version": manifest["version"],
        "build": manifest["build"],
        "gil_enabled": manifest.get("gil_enabled", True),
        "platform": manifest["platform"],
        "start_methods": manifest["start_methods"],
        "source": manifest["interpreter"].get("source", "unknown"),
        "revision": manifest["suite"]["revision"],
        "date": manifest["date"],
        "stale_cases": changed,
        "missing_cases": missing,
        "shard": path.name,
        "notes": _notes(manifest),
    }
    return column, set(changed)


def _notes(manifest: dict) -> list[str]:
    """What a reader must know about a column's cells."""
    notes = []
    if manifest["platform"].startswith("macos") and "fork" in manifest["start_methods"]["available"]:
        notes.append("fork is unsafe on macOS (system libraries may crash or hang in a forked "
                     "child; CPython's own tests skip it, bpo-33725): its cells are shown for "
                     "completeness, not as advice")
    if manifest["build"] == "free-threaded":
        notes.append("free-threaded build, GIL " + ("on" if manifest.get("gil_enabled") else "off"))
    return notes


def _not_run_columns(columns: list[dict]) -> list[dict]:
    platforms = sorted(set(EXPECTED_PLATFORMS) | {c["platform"] for c in columns})
    added = []
    for platform in platforms:
        here = [c for c in columns if c["platform"] == platform]
        for wanted in interpreters.WANTED:
            if any(wanted.matches(Identity.from_manifest(column)) for column in here):
                continue
            added.append({"key": f"{wanted.label}-{platform}", "label": wanted.label, "status": "not-run",
                          "platform": platform, "required": wanted.required,
                          "description": wanted.description})
    return added


def fold(by_method: dict[str, str]) -> str:
    """One outcome when the start methods agree, else ``fork: lost, spawn: propagated``."""
    ran = {m: o for m, o in by_method.items() if not o.startswith(outcomes.SKIPPED_PREFIX)}
    if not ran:
        return next(iter(by_method.values()), "not run")
    if len(set(ran.values())) == 1:
        return next(iter(ran.values()))
    return ", ".join(f"{m}: {ran[m]}" for m in START_METHODS if m in ran)


def changed_in(columns: list[dict], folded: dict[str, str]) -> list[str]:
    """Where a case's observed outcome changes, per platform, patch versions included."""
    lines = []
    platforms = sorted({c["platform"] for c in columns})
    for platform in platforms:
        prefix = f"{platform_title(platform)}: " if len(platforms) > 1 else ""
        cpython = [c for c in columns if c["platform"] == platform and c["implementation"] == "cpython"
                   and c["build"] == "default" and c["key"] in folded]
        runs: list[list] = []
        for column in cpython:
            outcome = folded[column["key"]]
            if runs and runs[-1][0] == outcome:
                runs[-1][2] = column["version"]
            else:
                runs.append([outcome, column["version"], column["version"]])
        if len(runs) == 1:
            outcome, first, last = runs[0]
            lines.append(f"{prefix}{outcome} on every CPython run ({first} – {last})"
                         if first != last else f"{prefix}{outcome} on CPython {first}")
        elif runs:
            parts = []
            for index, (outcome, first, last) in enumerate(runs):
                if index == 0:
                    parts.append(f"{outcome} up to {last}")
                elif index == len(runs) - 1:
                    parts.append(f"{outcome} from {first}")
                else:
                    parts.append(f"{outcome} {first} – {last}" if first != last else f"{outcome} in {first}")
            lines.append(prefix + " → ".join(parts))
        by_minor = {c["label"]: folded[c["key"]] for c in cpython}
        reference = runs[-1][0] if runs else None
        for column in columns:
            if column["platform"] != platform or column in cpython or column["key"] not in folded:
                continue
            minor = column["label"].removeprefix("pypy").rstrip("t")
            if folded[column["key"]] != by_minor.get(minor, reference):
                name = "PyPy" if column["implementation"] == "pypy" else "CPython"
                build = " free-threaded" if column["build"] == "free-threaded" else ""
                lines.append(f"{prefix}{name} {column['version']}{build}: {folded[column['key']]}")
    return lines


def build(loaded: list[tuple[Path, dict]], cases: list[catalogue.Case] | None = None) -> dict:
    """The matrix for the given shards and catalogue."""
    cases = catalogue.load() if cases is None else cases
    current = {case.id: case.content_hash() for case in cases}
    columns, cells = [], []
    for path, shard in loaded:
        column, stale = _shard_column(path, shard, current)
        columns.append(column)
        for cell in shard["cells"]:
            placed = {
                "case": cell["id"], "column": column["key"], "start_method": cell["start_method"],
                "outcome": cell["outcome"], "expected": cell["expected"], "side": cell.get("side"),
                "stale": cell["id"] in stale, "values": cell["values"],
                "duration": cell.get("duration", 0.0),
            }
            if "repeat" in cell:
                placed["repeat"] = cell["repeat"]
                placed["flaky"] = len(cell["repeat"]["outcomes"]) > 1
            cells.append(placed)
    run_columns = sorted(columns, key=_column_order)
    all_columns = sorted(run_columns + _not_run_columns(run_columns), key=_column_order)

    observed: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for cell in cells:
        if not cell["stale"]:
            observed[cell["case"]][cell["column"]][cell["start_method"]] = cell["outcome"]
    case_entries = []
    for case in cases:
        folded = {key: fold(methods) for key, methods in observed[case.id].items()}
        distinct = {o for methods in observed[case.id].values() for o in methods.values()
                    if not o.startswith(outcomes.SKIPPED_PREFIX)}
        case_entries.append({
            "id": case.id, "pattern": case.pattern, "container": case.container,
            "operation": case.operation, "description": case.description, "code": case.code,
            "setup": catalogue.canonical_repr(case.setup), "references": case.references,
            "expect": case.expect, "source": Path(case.source).name, "family": case.family,
            "fix": case.fix,
            "changed_in": changed_in(run_columns, folded),
            "differs": len(distinct) > 1,
        })
    cells.sort(key=lambda c: (c["case"], c["column"], START_METHODS.index(c["start_method"])))
    return {
        "schema": MATRIX_SCHEMA_VERSION,
        "outcomes": dict(OUTCOMES),
        "patterns": {name: pattern["meaning"] for name, pattern in PATTERNS.items()},
        "start_methods": list(START_METHODS),
        "shards": [path.name for path, _ in loaded],
        "columns": all_columns,
        "cases": case_entries,
        "cells": cells,
    }


def validate(matrix: dict) -> None:
    import jsonschema

    jsonschema.Draft202012Validator(shard_reader.schema("matrix.schema.json")).validate(matrix)
