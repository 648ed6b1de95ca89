"""The gotcha gallery: every trap the matrix shows, what users write, what happens, the fix.

A trap is a case that does not propagate somewhere it ran: lost, diverged, raised, hung or
crashed. Cases sharing a fix are shown together, so each fix is said once.
"""

from __future__ import annotations

from dataclasses import dataclass

from mpconform import outcomes


@dataclass(frozen=True)
class Trap:
    case: dict            # the matrix's case entry: id, code, description, changed_in, references
    observed: list[str]   # distinct outcomes seen, e.g. ["lost"] or ["raised:TypeError", "propagated"]


@dataclass(frozen=True)
class Section:
    pattern: str
    title: str
    fix: str | None
    traps: list[Trap]


def sections(matrix: dict) -> list[Section]:
    seen: dict[str, set[str]] = {}
    for cell in matrix["cells"]:
        if not cell["stale"] and not cell["outcome"].startswith(outcomes.SKIPPED_PREFIX):
            seen.setdefault(cell["case"], set()).add(cell["outcome"])
    grouped: dict[tuple[str, str | None], list[Trap]] = {}
    for case in matrix["cases"]:
        observed = seen.get(case["id"], set())
        if observed - {outcomes.PROPAGATED}:
            grouped.setdefault((case["pattern"], case.get("fix")), []).append(
                Trap(case, sorted(observed, key=lambda o: (o == outcomes.PROPAGATED, o))))
    order = list(matrix["patterns"])
    return [Section(pattern, matrix["patterns"][pattern], fix, traps)
            for (pattern, fix), traps in sorted(grouped.items(), key=lambda item: (
                order.index(item[0][0]), item[1][0].case["id"]))]
