"""What the HTML page embeds, each thing once and small: the views a cell can show, the version
ranges of the phone layout, the loose search key of each case, and the details read lazily.

The table itself is drawn on the server side (it reads without JavaScript). A cell carries the
indices of what it shows under each start-method view (``VIEWS``) into one list of distinct
views; the details a click opens (values, exceptions, reproducers) sit in one JSON block that is
parsed on the first click, with each distinct value set and each reproducer line stored once.
"""

from __future__ import annotations

import json
import re

from mpconform import catalogue
from mpconform.host import repro, view
from mpconform.vocabulary import START_METHODS

VIEWS = ("all",) + START_METHODS + ("default",)
_ARGUMENTS = re.compile(r"\([^()]*\)")
_SUBSCRIPTS = re.compile(r"\[[^\[\]]*\]")
_SPACE = re.compile(r"\s+")


def search_key(code: str) -> str:
    """Code as the search compares it: lower case, no spacing, arguments and subscripts emptied,
    so that ``ns.x.append(1)`` finds ``ns.x.append(10)``. The page's script does the same to
    what is typed (``searchKey`` in the template); a test holds the two to the same examples."""
    text = _SPACE.sub("", code.lower()).replace("'", "").replace('"', "")
    # Innermost brackets first, each replaced by a placeholder, until none is left.
    previous = None
    while previous != text:
        previous = text
        text = _SUBSCRIPTS.sub("\x01", _ARGUMENTS.sub("\x00", text))
    return text.replace("\x00", "()").replace("\x01", "[]")


class _Distinct:
    """Each distinct item once, by index."""

    def __init__(self) -> None:
        self.table: list = []
        self._index: dict = {}

    def add(self, item) -> int:
        if item not in self._index:
            self._index[item] = len(self.table)
            self.table.append(item)
        return self._index[item]


def spoken_only_for_symbols(shown: tuple[str, str, str]) -> tuple[str, str, str]:
    """A cell whose text has words is read as it is shown (a name that differs from the visible
    words would confuse speech input, WCAG 2.5.3); one of symbols only (✓, –) gets words."""
    text, css, spoken = shown
    return (text, css, "" if re.search(r"[A-Za-z]", text) else spoken)


class Views:
    """What a cell can show: each distinct (text, css class, spoken label) once, and each distinct
    combination of them under ``VIEWS`` once; a cell carries one combination's index."""

    def __init__(self) -> None:
        self.shown = _Distinct()
        self.combinations = _Distinct()

    def of(self, entry: view.TableEntry) -> int:
        """The index of the combination: what the entry shows under each of ``VIEWS``."""
        # On the page, each start method of a mixed entry gets a line of its own.
        shown = [(entry.text().replace(" / ", "\n"), entry.css + (" mismatch" if entry.mismatched else ""),
                  entry.spoken())]
        for method in VIEWS[1:]:
            under = entry.under(method)
            css = under["css"] + (" mismatch" if "‼" in under["text"] else "")
            shown.append((under["text"], css, under["spoken"]))
        return self.combinations.add(tuple(self.shown.add(spoken_only_for_symbols(item)) for item in shown))

    def first(self, combination: int) -> tuple[str, str, str]:
        """What the combination shows under the first view (``all``), as the page is drawn."""
        return self.shown.table[self.combinations.table[combination][0]]


def family(column: dict) -> str:
    """Columns of one family sit side by side and a version range never crosses two families:
    ``cpython``, ``cpython free-threaded``, ``pypy``."""
    return column["implementation"] + (" free-threaded" if column["build"] == "free-threaded" else "")


def ranges(labels: list[str], families: list[str], shown: list[tuple[str, str]]) -> list[dict]:
    """Runs of neighbouring columns of one family that show the same thing, as caniuse draws
    versions: ``[{"versions": "3.6 – 3.8", "text": "⚠ RemoteError", "css": "raised", "first": 0}, …]``;
    one run, ``every interpreter``, when all agree. The page's script redraws them the same way
    (``drawRanges``) when another start method is chosen."""
    if shown and all(item == shown[0] for item in shown):
        return [{"versions": "every interpreter", "text": shown[0][0], "css": shown[0][1], "first": 0}]
    runs: list[dict] = []
    for index, (label, family_name, (text, css)) in enumerate(zip(labels, families, shown)):
        last = runs[-1] if runs else None
        if last and (last["text"], last["css"], last["family"]) == (text, css, family_name):
            last["last"] = label
        else:
            runs.append({"first_label": label, "last": label, "text": text, "css": css, "first": index,
                         "family": family_name})
    for run in runs:
        first, last = run.pop("first_label"), run.pop("last")
        del run["family"]
        run["versions"] = first if first == last else f"{first} – {last}"
    return runs


def details(matrix: dict, cases: list[catalogue.Case]) -> dict:
    """Everything a click shows, for every case and cell, each distinct part stored once."""
    by_id = {case.id: case for case in cases}
    columns = [column for column in matrix["columns"] if column["status"] != "not-run"]
    column_index = {column["key"]: index for index, column in enumerate(columns)}
    strings: list[str] = []
    string_index: dict[str, int] = {}

    def text_id(text: str) -> int:
        if text not in string_index:
            string_index[text] = len(strings)
            strings.append(text)
        return string_index[text]

    values: list[dict] = []
    values_index: dict[str, int] = {}

    def values_id(found: dict) -> int:
        key = json.dumps(found, sort_keys=True)
        if key not in values_index:
            values_index[key] = len(values)
            values.append(found)
        return values_index[key]

    case_entries = {}
    for case in matrix["cases"]:
        found = by_id.get(case["id"])
        script = repro.script(found, shared_part=repro.SHARED_PART) if found else ""
        case_entries[case["id"]] = {
            "description": case["description"], "code": case["code"], "setup": case["setup"],
            "fix": case.get("fix") or "", "references": case["references"],
            "changed_in": case["changed_in"], "source": case["source"],
            "repro": [text_id(line) for line in script.split("\n")],
            "cells": [None] * len(columns),
        }
    for cell in matrix["cells"]:
        entry = case_entries[cell["case"]]["cells"]
        where = column_index[cell["column"]]
        if entry[where] is None:
            entry[where] = [None] * len(START_METHODS)
        record = [text_id(cell["outcome"]), text_id(cell["expected"]), cell.get("side") or "",
                  values_id(cell["values"])]
        if cell.get("stale"):
            record.append("stale")
        if "repeat" in cell:
            record.append({"repeat": cell["repeat"]})
        entry[where][START_METHODS.index(cell["start_method"])] = record
    return {
        "columns": [{key: column.get(key) for key in (
            "key", "label", "implementation", "version", "build", "platform", "source", "revision", "date")}
            for column in columns],
        "start_methods": list(START_METHODS),
        "strings": strings,
        "values": values,
        "cases": case_entries,
        "repro_shared": {"marker": repro.SHARED_PART, "text": repro.embedded_values()},
    }
