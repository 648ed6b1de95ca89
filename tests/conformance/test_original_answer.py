"""The original answer's ``after`` table, reproduced by its program and by the cells.

The answer's program changes eleven slots in a child; its output shows which changes reached
the parent. The program must still print that table here, and the cell that makes the same
change on the same kind of slot must show the same value.
"""

import os
import subprocess
import sys

import pytest

from mpconform import catalogue, outcomes
from mpconform.vocabulary import START_METHODS

AFTER = {
    "ns.x": 2, "ns.y": [1], "ns.z": [2],
    "ls[0]": 2, "ls[1]": [1], "ls[2]": [2], "ls[3]": [2],
    "di[0]": 2, "di[1]": [1], "di[2]": [2], "di[3]": [2],
}
BEFORE = {"ns.x": 1, "ls[0]": 1, "di[0]": 1}  # every other slot started as [1]

# The case whose container holds the same kind of value in its one slot and changes it the same way.
SAME_CHANGE = {
    "ns.x": "direct-assign.namespace.augmented-add",
    "ns.y": "nested-unmanaged.namespace.item-augmented-add",
    "ns.z": "reassign-back.namespace.item-augmented-add",
    "ls[0]": "direct-assign.list.augmented-add",
    "ls[1]": "nested-unmanaged.list.item-augmented-add",
    "ls[2]": "reassign-back.list.item-augmented-add",
    "ls[3]": "nested-managed.list.item-augmented-add",
    "di[0]": "direct-assign.dict.augmented-add",
    "di[1]": "nested-unmanaged.dict.item-augmented-add",
    "di[2]": "reassign-back.dict.item-augmented-add",
    "di[3]": "nested-managed.dict.item-augmented-add",
}
# How each container shows its one slot in a record's values.
SHOWN = {"namespace": "ns=Namespace(x=%r)", "list": "ls=[%r]", "dict": "di={0: %r}"}
PROGRAM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "original_answer.py")


def available(start_method):
    import multiprocessing

    if start_method not in multiprocessing.get_all_start_methods():
        pytest.skip("start method %r is not available on this platform" % start_method)


@pytest.mark.parametrize("start_method", START_METHODS)
def test_the_answers_program_prints_its_table(start_method):
    available(start_method)
    output = subprocess.check_output([sys.executable, PROGRAM, start_method], timeout=120)
    printed = dict(line.split("=", 1) for line in output.decode().splitlines())
    assert printed == dict((slot, repr(value)) for slot, value in AFTER.items())


@pytest.mark.parametrize("start_method", START_METHODS)
def test_the_cells_show_the_same_table(start_method, conformance):
    available(start_method)
    cases = dict((case.id, case) for case in catalogue.load())
    seen = {}
    for slot, case_id in sorted(SAME_CHANGE.items()):
        case = cases[case_id]
        record = conformance.run(case, start_method)
        expected_outcome = outcomes.PROPAGATED if AFTER[slot] != BEFORE.get(slot, [1]) else outcomes.LOST
        seen[slot] = (record["outcome"], record["values"].get("parent_after"))
        assert seen[slot] == (expected_outcome, SHOWN[case.container] % (AFTER[slot],)), case_id
