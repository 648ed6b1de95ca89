"""Findings: events whose cases the matrix shows lost, diverged, racing or raising on the Python
versions checked (host side).

An event's signature leads to the cases that show it (``knowledge``). It becomes a finding when
every one of those cases, on CPython at the version checked, has an outcome other than
``propagated`` under some start method; cases that disagree (one propagates where another
does not) make no finding: the checker says only what the matrix proves.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from mpconform import expectations
from mpconform.host.lint import knowledge
from mpconform.host.lint.events import module_events
from mpconform.vocabulary import START_METHODS

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z0-9, ]+))?", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    line: int
    column: int
    code: str
    message: str
    case: str

    def text(self, path: str) -> str:
        return f"{path}:{self.line}:{self.column + 1}: {self.code} {self.message}"


def outcomes_at(case: dict, version: tuple[int, int, int]) -> dict[str, str]:
    """The case's expected outcome on CPython ``version`` under each start method (Linux)."""
    found = {}
    for method in START_METHODS:
        entry = expectations.resolve(case["expect"], expectations.Target("cpython", version, method, "linux"))
        if entry is not None:
            found[method] = entry["outcome"]
    return found


def _transition(case: dict) -> str | None:
    """``from 3.14`` when a later version propagates."""
    later = [entry["since"] for entry in case["expect"] if entry.get("outcome") == "propagated" and "since" in entry]
    return f"propagates from {later[-1]}" if later else None


def _describe(outcome: dict[str, str]) -> str:
    values = set(outcome.values())
    if len(values) == 1:
        return values.pop()
    return ", ".join(f"{method}: {value}" for method, value in outcome.items() if value != "propagated")


def finding_for(event, version: tuple[int, int, int], facts: dict) -> Finding | None:
    case_ids = facts["signatures"].get(json.dumps(list(event.signature)))
    if not case_ids and event.signature[0] == "mutate":
        # An in-place change the catalogue has no case for (ns.x.sort()): every in-place change
        # of a value read out of that kind of proxy shows the same.
        prefix = json.dumps(list(event.signature[:2]))[:-1] + ","
        case_ids = [case_id for signature, ids in sorted(facts["signatures"].items())
                    if signature.startswith(prefix) for case_id in ids]
    if not case_ids:
        return None
    judged = []
    for case_id in case_ids:
        case = facts["cases"][case_id]
        outcome = outcomes_at(case, version)
        off = {method: value for method, value in outcome.items() if value != "propagated"}
        if not off:
            return None  # a case shows this working on the version checked
        judged.append((case_id, case, outcome))
    case_id, case, outcome = judged[0]
    code, meaning = knowledge.CODES[case["pattern"]]
    if case["pattern"] == "direct-assign" and _transition(case) is None:
        code, meaning = knowledge.CODES["gotcha"]  # no version has it: a trap, not a missing API
    version_text = ".".join(map(str, version[:2]))
    parts = [f"{meaning}: {_describe(outcome)} on Python {version_text}"]
    later = _transition(case)
    if later:
        parts.append(later)
    observed = "; ".join(line.replace("observed on ", "") for line in case["observed"])
    message = f"{', '.join(parts)} — case {case_id}" + (f" (matrix: {observed})" if observed else "")
    if case["fix"]:
        message += f". Fix: {case['fix']}"
    return Finding(event.line, event.column, code, message, case_id)


def check_source(source: str, version: tuple[int, int, int], facts: dict | None = None) -> list[Finding]:
    """Every finding in a module's source, ``# noqa: CODE`` (or a bare ``# noqa``) honoured."""
    facts = facts or knowledge.load()
    lines = source.splitlines()
    findings = []
    for event in module_events(source):
        found = finding_for(event, version, facts)
        if found is None or _suppressed(lines, found):
            continue
        findings.append(found)
    unique = {(f.line, f.column, f.code): f for f in findings}
    return sorted(unique.values(), key=lambda f: (f.line, f.column, f.code))


def _suppressed(lines: list[str], finding: Finding) -> bool:
    line = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
    match = _NOQA.search(line)
    if not match:
        return False
    codes = match.group("codes")
    return codes is None or finding.code in {code.strip() for code in codes.split(",")}
