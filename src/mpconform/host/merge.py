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
from mpconform.identity import NAMES, Identity, parse_version
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


def expected_line(expect: list[dict]) -> str:
    """The case's recorded expectations as one line: each transition with its version, scope and
    reference, e.g. ``raised:RemoteError → propagated from 3.9.7 (bpo-30256)``."""
    parts = []
    for index, entry in enumerate(expect):
        words = [entry["outcome"]]
        if "since" in entry:
            words.append(f"from {entry['since']}")
        if "implementation" in entry:
            words.append("on " + NAMES.get(entry["implementation"], entry["implementation"]))
        if "platforms" in entry:
            words.append("on " + "/".join(entry["platforms"]))
        if "start_methods" in entry:
            words.append("under " + "/".join(entry["start_methods"]))
        ref = str(entry.get("ref", ""))
        if index and ref and len(ref) <= 24:
            words.append(f"({ref})")
        parts.append(" ".join(words))
    return "expected: " + " → ".join(parts)


def _columns_text(columns: list[dict]) -> str:
    """``CPython 3.6.15 – 3.8.18, 3.13.5 free-threaded, PyPy 3.9.16``: runs of default CPython
    columns shown as ranges, every implementation named."""
    groups: list[list[str]] = []
    previous = None
    for column in columns:
        name = NAMES.get(column["implementation"], column["implementation"])
        build = " free-threaded" if column["build"] == "free-threaded" else ""
        kind = (name, build)
        if kind == previous and not build:
            groups[-1][2] = column["version"]
        else:
            groups.append([name, column["version"], column["version"], build])
        previous = kind
    texts, last_name = [], None
    for name, first, last, build in groups:
        versions = first if first == last else f"{first} – {last}"
        texts.append((f"{name} " if name != last_name else "") + versions + build)
        last_name = name
    return ", ".join(texts)


def changed_in(case: catalogue.Case, columns: list[dict], folded: dict[str, str],
               off: list[str]) -> list[str]:
    """What the case's expectations say (versions and references of each change), then what was
    observed where, as evidence, with every implementation named; cells that disagree with the
    expectation are flagged, never silently taken as the truth. Skipped cells say nothing."""
    lines = [expected_line(case.expect)]
    folded = {key: outcome for key, outcome in folded.items() if not outcome.startswith(outcomes.SKIPPED_PREFIX)}
    platforms = sorted({c["platform"] for c in columns if c["key"] in folded})
    for platform in platforms:
        here = [c for c in columns if c["platform"] == platform and c["key"] in folded]
        by_outcome: dict[str, list[dict]] = {}
        for column in here:
            by_outcome.setdefault(folded[column["key"]], []).append(column)
        observed = "; ".join(f"{_columns_text(cols)}: {outcome}" for outcome, cols in by_outcome.items())
        lines.append(f"observed on {platform_title(platform)}: {observed}")
    if off:
        lines.append("‼ differs from its expectation: " + ", ".join(off))
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
    columns_by_key = {column["key"]: column for column in run_columns}
    off: dict[str, list[str]] = defaultdict(list)
    for cell in cells:
        if not cell["stale"] and cell["outcome"] != cell["expected"] \
                and not cell["outcome"].startswith(outcomes.SKIPPED_PREFIX):
            column = columns_by_key[cell["column"]]
            off[cell["case"]].append(f"{column['label']} on {platform_title(column['platform'])} "
                                     f"under {cell['start_method']} ({cell['outcome']})")
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
            "changed_in": changed_in(case, run_columns, folded, off[case.id]),
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
