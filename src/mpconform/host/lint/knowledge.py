"""What the checker knows, drawn from the catalogue and the matrix (host side).

Each case's child code, with its setup, is read as user code is (``events``); the signatures
it shows lead back to the case. ``facts.json`` (beside this module, drawn by ``python -m
mpconform report`` and checked by the tooling tests) keeps, for each signature, the cases that
show it, and for each such case its expectations and what the matrix observed: the checker
needs neither the catalogue nor the matrix at hand, so it works from an installed package.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from mpconform.host.lint.analysis import MANAGER, Event
from mpconform.host.lint.events import module_events, setup_scope

FACTS = "facts.json"
# The patterns whose cases the checker turns into findings, and the code of each finding.
CODES = {
    "nested-unmanaged": ("MPC101", "a value read out of a proxy, changed in place: the change stays in this process"),
    "race": ("MPC201", "a read-modify-write of a proxy in code that several processes run, outside a lock"),
    "api-surface": ("MPC301", "not available on the proxies of the Python versions checked"),
    "direct-assign": ("MPC301", "not available on the proxies of the Python versions checked"),
    "nested-managed": ("MPC302", "a proxy nested in a managed container fails on the versions checked"),
    "gotcha": ("MPC401", "a proxy is not the object it stands for"),
    "transport": ("MPC402", "what reaches the child this way fails under some start methods"),
}


# A case's code does several things; the one it is about is the most specific. Reading a dict
# with .get() is incidental to `di.get(0).append(10)`; a Barrier's wait, to a race.
PRIORITY = ("mutate", "race", "after-shutdown", "pass-to-child", "unpicklable-argument", "private-attribute",
            "slice-assign", "generic-alias", "identity", "nested-call", "operator", "builtin", "compare",
            "hash", "subscript", "iterate", "call")


def defining(events: list) -> list:
    """The events of the most specific kind among ``events``."""
    for kind in PRIORITY:
        chosen = [event for event in events if event.signature[0] == kind]
        if chosen:
            return chosen
    return []


def case_events(case) -> list:
    """The events of a case's child code, read with its setup, as one child or several."""
    scope = setup_scope(case.setup)
    events = module_events(case.code, scope, several=case.children > 1, body_of_function=True)
    if any(proxy is MANAGER for proxy in scope.values()) and case.transport in ("process-args", "executor",
                                                                                 "pool-apply"):
        events.append(Event(("pass-to-child", "manager", case.transport), 1, 0, case.code))
    return events


def build(matrix: dict, cases: list) -> dict:
    """facts.json: signatures -> case ids, and each case's expectations and observed outcomes."""
    changed_in = {case["id"]: case["changed_in"] for case in matrix["cases"]}
    signatures: dict[str, list[str]] = {}
    kept = {}
    for case in cases:
        if case.pattern not in CODES:
            continue
        try:
            found = case_events(case)
        except SyntaxError:
            continue
        if case.pattern == "transport":  # how the proxy travelled is the point, not the call it made
            found = [event for event in found if event.signature[0] == "pass-to-child"]
        for signature in sorted({json.dumps(event.signature) for event in defining(found)}):
            signatures.setdefault(signature, []).append(case.id)
            kept[case.id] = {"pattern": case.pattern, "expect": case.expect, "fix": case.fix or "",
                             "observed": [line for line in changed_in.get(case.id, []) if line.startswith("observed")],
                             "code": case.code}
    return {"signatures": signatures, "cases": kept}


def facts_path():
    from pathlib import Path

    return Path(__file__).with_name(FACTS)


@cache
def load() -> dict:
    return json.loads(resources.files("mpconform.host.lint").joinpath(FACTS).read_text(encoding="utf-8"))
