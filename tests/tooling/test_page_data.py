"""What the page embeds: the loose search key, the version ranges of the phone layout, views
stored once, and details with each distinct value stored once."""

import json
from pathlib import Path

import pytest

from mpconform.host import page_data


@pytest.mark.parametrize("code, key", [
    ("ns.x.append(10)", "ns.x.append()"),
    ("ns.x.append( 1 )", "ns.x.append()"),
    ("di['k'].append(f(1, [2]))", "di[].append()"),
    ("ls[0][1] = 5", "ls[][]=5"),
    ("NS.X += 1", "ns.x+=1"),
])
def test_the_search_key_ignores_arguments_subscripts_spacing_and_case(code, key):
    assert page_data.search_key(code) == key


def test_version_ranges_join_neighbours_of_one_family_that_show_the_same():
    labels = ["3.6", "3.7", "3.8", "3.9", "3.13t", "pypy3.9"]
    families = ["cpython"] * 4 + ["cpython free-threaded", "pypy"]
    raised, ok = ("⚠ RemoteError", "raised"), ("✓", "propagated")
    runs = page_data.ranges(labels, families, [raised, raised, raised, ok, ok, ok])
    assert [(r["versions"], r["text"], r["first"]) for r in runs] == [
        ("3.6 – 3.8", "⚠ RemoteError", 0), ("3.9", "✓", 3), ("3.13t", "✓", 4), ("pypy3.9", "✓", 5)]


def test_one_range_when_every_interpreter_agrees():
    runs = page_data.ranges(["3.6", "pypy3.9"], ["cpython", "pypy"], [("✓", "propagated")] * 2)
    assert runs == [{"versions": "every interpreter", "text": "✓", "css": "propagated", "first": 0}]


def test_a_cell_with_words_is_read_as_shown_and_one_of_symbols_gets_words():
    assert page_data.spoken_only_for_symbols(("✗ lost", "lost", "lost")) == ("✗ lost", "lost", "")
    assert page_data.spoken_only_for_symbols(("✓ ‼", "propagated", "propagated, differs")) == (
        "✓ ‼", "propagated", "propagated, differs")


def test_details_store_each_distinct_value_set_and_reproducer_line_once():
    from mpconform import catalogue

    matrix = json.loads((Path(__file__).resolve().parents[2] / "reports" / "matrix.json").read_text(encoding="utf-8"))
    details = page_data.details(matrix, catalogue.load())
    cells = sum(1 for c in details["cases"].values() for column in c["cells"] if column for m in column if m)
    assert cells == len(matrix["cells"])
    assert len(details["values"]) < cells / 10
    assert len(details["strings"]) == len(set(details["strings"]))
