"""The gotcha gallery: every trap the matrix shows, what users write, what happens, the fix.

A trap is a case that does not propagate somewhere it ran: lost, diverged, raised, hung or
crashed. Traps are grouped by the family that declares them; a fix all of a section's traps
share is said once, above them, and any other fix beside its trap.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from mpconform import outcomes


@dataclass(frozen=True)
class Trap:
    case: dict            # the matrix's case entry: id, code, description, changed_in, references
    observed: list[str]   # distinct outcomes seen, e.g. ["lost"] or ["raised:TypeError", "propagated"]
    fix: str | None       # its own fix, when the section's does not say it


@dataclass(frozen=True)
class Section:
    pattern: str
    title: str
    fix: str | None
    traps: list[Trap]


def _section(pattern: str, title: str, cases: list[tuple[dict, list[str]]]) -> Section:
    fixes = Counter(case.get("fix") for case, _ in cases)
    shared = next((fix for fix, count in fixes.items() if count == len(cases)), None)
    return Section(pattern, title, shared, [
        Trap(case, observed, case.get("fix") if case.get("fix") != shared else None)
        for case, observed in cases])


def sections(matrix: dict) -> list[Section]:
    seen: dict[str, set[str]] = {}
    for cell in matrix["cells"]:
        if not cell["stale"] and not cell["outcome"].startswith(outcomes.SKIPPED_PREFIX):
            seen.setdefault(cell["case"], set()).add(cell["outcome"])
    by_family: dict[tuple[str, str, int], list[tuple[dict, list[str]]]] = {}
    for case in matrix["cases"]:
        observed = seen.get(case["id"], set())
        if observed - {outcomes.PROPAGATED}:
            by_family.setdefault((case["pattern"], case["source"], case["family"]), []).append(
                (case, sorted(observed, key=lambda o: (o == outcomes.PROPAGATED, o))))
    order = list(matrix["patterns"])
    return [_section(pattern, matrix["patterns"][pattern], cases)
            for (pattern, _, _), cases in sorted(by_family.items(), key=lambda item: (
                order.index(item[0][0]), item[0][1], item[0][2]))]
