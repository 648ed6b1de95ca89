"""What the reports draw, gathered from the matrix: platforms, column headers, rows, entries.

A row is a case; an entry is what a row shows in one column: the case's cells on that
interpreter, one per start method, folded where they agree. Drawing (Markdown, HTML, CSV) is
kept apart, in ``render_*``; this module decides what each entry says.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from mpconform.host.merge import fold, platform_title
from mpconform.identity import Identity
from mpconform.vocabulary import OUTCOMES, START_METHODS

_CODE_SPAN = re.compile(r"`([^`]*)`")
SYMBOLS = {
    "propagated": "✓",
    "lost": "✗ lost",
    "diverged": "≠ diverged",
    "hung": "⏱ hung",
    "crashed": "💥 crashed",
}
LEGEND = [
    ("propagated", "✓", OUTCOMES["propagated"]),
    ("lost", "✗ lost", OUTCOMES["lost"]),
    ("diverged", "≠ diverged", OUTCOMES["diverged"]),
    ("raised", "⚠ Type", OUTCOMES["raised"]),
    ("hung", "⏱ hung", OUTCOMES["hung"]),
    ("crashed", "💥 crashed", OUTCOMES["crashed"]),
    ("skipped", "–", OUTCOMES["skipped"]),
    ("not-run", "NOT RUN", "no results for this interpreter or platform"),
    ("mismatch", "‼", "differs from the case's recorded expectation"),
    ("stale", "(stale)", "the case changed since this interpreter's results were recorded"),
    ("flaky", "≈ flaky", "repeated runs of the cell gave different outcomes"),
]


def outcome_class(outcome: str) -> str:
    return outcome.split(":", 1)[0] if ":" in outcome else outcome


def symbol(outcome: str) -> str:
    if outcome.startswith("raised:"):
        return "⚠ " + outcome.split(":", 1)[1]
    if outcome.startswith("skipped:"):
        return "–"
    return SYMBOLS.get(outcome, outcome)


def spoken(outcome: str) -> str:
    """``raised RemoteError``, ``skipped``, ``lost``: an outcome in words."""
    if outcome.startswith("skipped:"):
        return "skipped"
    return outcome.replace(":", " ", 1)


@dataclass(frozen=True)
class TableEntry:
    """One case in one column: its cells by start method."""

    column: str
    by_method: dict[str, str]  # start method -> outcome
    expected: dict[str, str]
    stale: bool
    default_method: str | None
    flaky: bool = False

    @property
    def run(self) -> bool:
        return bool(self.by_method)

    @property
    def folded(self) -> str:
        return fold(self.by_method) if self.by_method else "not run"

    @property
    def mismatched(self) -> list[str]:
        """Start methods whose outcome is off its expectation (a skipped cell is not applicable)."""
        return [m for m, o in self.by_method.items()
                if o != self.expected.get(m) and not o.startswith("skipped:")]

    @property
    def agrees(self) -> bool:
        ran = {o for o in self.by_method.values() if not o.startswith("skipped:")}
        return len(ran) <= 1

    @property
    def css(self) -> str:
        if not self.run:
            return "not-run"
        if not self.agrees:
            return "mixed"
        return outcome_class(self.folded)

    def text(self) -> str:
        """One line per distinct outcome, e.g. ``✓`` or ``fork ✗ lost / spawn ✓``."""
        if not self.run:
            return "NOT RUN"
        if self.agrees:
            ran = [o for o in self.by_method.values() if not o.startswith("skipped:")]
            body = symbol(ran[0] if ran else next(iter(self.by_method.values())))
            return self._marked(body, bool(self.mismatched))
        # Start methods disagree: the one off its expectation carries the mark.
        body = " / ".join(f"{m} {symbol(self.by_method[m])}" + (" ‼" if m in self.mismatched else "")
                          for m in START_METHODS
                          if m in self.by_method and not self.by_method[m].startswith("skipped:"))
        return self._marked(body, False)

    def spoken(self) -> str:
        """What a screen reader says for :meth:`text`: words, not symbols."""
        if not self.run:
            return "not run"
        ran = {m: o for m, o in self.by_method.items() if not o.startswith("skipped:")}
        if not ran:
            return "skipped"
        if self.agrees:
            body = spoken(next(iter(ran.values())))
        else:
            body = ", ".join(f"{m}: {spoken(ran[m])}" for m in START_METHODS if m in ran)
        return self._spoken_marks(body, bool(self.mismatched))

    def under(self, method: str) -> dict[str, str]:
        """Text, CSS class and spoken label under one start method (``default``: the column's own)."""
        chosen = self.default_method if method == "default" else method
        outcome = self.by_method.get(chosen)
        if outcome is None:
            if self.run:
                return {"text": "–", "css": "skipped", "spoken": f"{chosen} not available here"}
            return {"text": "NOT RUN", "css": "not-run", "spoken": "not run"}
        text = self._marked(symbol(outcome), chosen in self.mismatched)
        return {"text": text, "css": outcome_class(outcome),
                "spoken": self._spoken_marks(spoken(outcome), chosen in self.mismatched)}

    def _spoken_marks(self, body: str, mismatched: bool) -> str:
        return body + (", differs from its expectation" if mismatched else "") + (
            ", stale" if self.stale else "") + (", flaky" if self.flaky else "")

    def _marked(self, body: str, mismatched: bool) -> str:
        return body + (" ‼" if mismatched else "") + (" (stale)" if self.stale else "") + (
            " ≈ flaky" if self.flaky else "")


@dataclass(frozen=True)
class Row:
    case: dict
    entries: list[TableEntry]


@dataclass(frozen=True)
class Group:
    pattern: str
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class Platform:
    platform: str
    title: str
    columns: list[dict]       # the ones with results (run or stale)
    not_run: list[dict]       # wanted interpreters without results
    groups: list[Group] = field(default_factory=list)


def platforms(matrix: dict) -> list[Platform]:
    by_case_column: dict[tuple[str, str], dict] = defaultdict(
        lambda: {"by_method": {}, "expected": {}, "stale": False, "flaky": False})
    for cell in matrix["cells"]:
        entry = by_case_column[(cell["case"], cell["column"])]
        entry["by_method"][cell["start_method"]] = cell["outcome"]
        entry["expected"][cell["start_method"]] = cell["expected"]
        entry["stale"] = entry["stale"] or cell["stale"]
        entry["flaky"] = entry["flaky"] or cell.get("flaky", False)
    result = []
    for platform in dict.fromkeys(c["platform"] for c in matrix["columns"]):
        columns = [c for c in matrix["columns"] if c["platform"] == platform and c["status"] != "not-run"]
        not_run = [c for c in matrix["columns"] if c["platform"] == platform and c["status"] == "not-run"]
        groups = []
        for pattern, title in matrix["patterns"].items():
            rows = []
            for case in (c for c in matrix["cases"] if c["pattern"] == pattern):
                entries = []
                for column in columns:
                    entry = by_case_column.get((case["id"], column["key"]))
                    entries.append(TableEntry(
                        column=column["key"],
                        by_method=dict(entry["by_method"]) if entry else {},
                        expected=dict(entry["expected"]) if entry else {},
                        stale=entry["stale"] if entry else False,
                        default_method=column["start_methods"]["default"],
                        flaky=entry["flaky"] if entry else False))
                rows.append(Row(case, entries))
            if rows:
                groups.append(Group(pattern, title, rows))
        result.append(Platform(platform, platform_title(platform), columns, not_run, groups))
    return result


def code_spans(text: str) -> list[tuple[bool, str]]:
    """``(is_code, part)`` for the `code spans` of a description and the text around them."""
    return [(index % 2 == 1, part) for index, part in enumerate(_CODE_SPAN.split(str(text)))]


def column_title(column: dict) -> str:
    if column["status"] == "not-run":
        return column["description"]
    return Identity.from_manifest(column).description
