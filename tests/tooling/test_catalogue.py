"""The catalogue loads, every case is well formed, and a malformed one gets one clear error."""

import textwrap

import pytest

from mpconform import catalogue, outcomes
from mpconform.expectations import Target
from mpconform.harness import child

CASES = catalogue.load()


def test_the_catalogue_covers_every_pattern_and_container():
    assert {c.pattern for c in CASES} == set(catalogue.PATTERNS)
    assert {c.container for c in CASES} == set(catalogue.CONTAINERS)
    assert len({c.id for c in CASES}) == len(CASES) >= 120


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_operation_changes_the_state(case):
    """Otherwise propagated and lost could not be told apart. Code that fails on plain Python
    too (a method the proxy lacks, a feature of a later version) must expect an exception."""
    intended, error = child.intended_state(case.setup, case.code, case.children)
    if error is not None:
        assert case.expected(Target.current("fork"))["outcome"].startswith("raised:"), error
        return
    before, _ = child.intended_state(case.setup, "pass")
    assert intended != before


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_case_has_an_expectation_everywhere(case):
    for version in [(3, 6, 0), (3, 9, 7), (3, 13, 0), (3, 15, 0)]:
        for method in ("fork", "spawn", "forkserver"):
            for implementation in ("cpython", "pypy"):
                outcome = case.expected(Target(implementation, version, method))["outcome"]
                assert outcomes.is_valid(outcome)


def test_the_answers_operations_are_in_the_catalogue():
    ids = {c.id for c in CASES}
    assert {"direct-assign.namespace.augmented-add", "nested-unmanaged.namespace.append",
            "reassign-back.list.item-augmented-add", "nested-managed.dict.item-augmented-add"} <= ids


def test_a_case_description_shows_its_code():
    case = next(c for c in CASES if c.id == "nested-unmanaged.namespace.append")
    assert case.description == "`ns.x.append(10)` in the child, where ns.x holds a plain list"


def test_content_hash_changes_with_what_the_case_runs():
    case = CASES[0]
    before = case.content_hash()
    case_copy = catalogue.Case(**{name: getattr(case, name) for name in catalogue.Case.__slots__})
    case_copy.code += "\n"
    assert case_copy.content_hash() != before == case.content_hash()


GOOD = {
    "pattern": "direct-assign",
    "summary": "`{code}`",
    "references": ["https://docs.python.org/3/library/multiprocessing.html"],
    "slot_value": 1,
    "expect": [{"outcome": "propagated"}],
    "operations": {"assign": {"code": "{slot} = 5"}},
}


def write_case(tmp_path, families, name="sample.py"):
    (tmp_path / name).write_text("FAMILIES = %r\n" % (families,))
    return tmp_path


def broken(**changes):
    family = dict(GOOD)
    family.update(changes)
    return [family]


@pytest.mark.parametrize("families, message", [
    (broken(pattern="teleport"), "unknown pattern 'teleport'"),
    (broken(expect=[{"outcome": "vanished"}]), "unknown outcome 'vanished'"),
    (broken(expect=[{"outcome": "lost"}, {"since": "3.x", "outcome": "propagated", "ref": "gh-1"}]),
     "version '3.x' does not parse"),
    (broken(expect=[{"outcome": "lost"}, {"since": "3.9", "outcome": "propagated"}]), "needs a 'ref'"),
    (broken(references=[]), "'references' must list"),
    (broken(operations={"assign": {}}), "missing field 'code'"),
    (broken(operations={"Bad Name": {"code": "pass"}}), "operation names are lower-case"),
    (broken(operations={"assign": {"code": "x", "containers": ["tuple"]}}), "unknown container 'tuple'"),
    (broken(colour="red"), "unknown field(s) colour"),
    (broken(transport="carrier-pigeon"), "unknown transport 'carrier-pigeon'"),
    (broken(mutations="tuple"), "unknown mutation set 'tuple'"),
    (broken(extra_setup={"gate": {"manager.Gate": 1}}), "setup of 'gate': unknown managed kind 'manager.Gate'"),
    (broken(extra_setup={"rl": {"manager.RLock": True}}), "manager.RLock cannot start acquired"),
    (broken(children=0), "'children' must be a whole number from 1 to 8"),
    (broken(children=2, transport="pool-apply"), "several children run with the process-args transport only"),
    (broken(extra_setup={"ns": {"manager.Lock": False}}), "'extra_setup' names ns, which the setup already has"),
    (broken(operations={"assign": {"code": {"list": "ls[0] = 5"}, "containers": ["dict"]}}),
     "no code for container 'dict'"),
    (broken(operations={"assign": {"code": 5}}), "'code' must be a string, or a dict of them by container"),
    ([dict((k, v) for k, v in GOOD.items() if k != "summary")], "missing field 'summary'"),
])
def test_a_malformed_case_is_named_in_one_clear_error(tmp_path, families, message):
    folder = write_case(tmp_path, families)
    with pytest.raises(catalogue.CaseError) as raised:
        catalogue.load(str(folder))
    assert message in str(raised.value)
    assert "sample.py" in str(raised.value)


def test_a_mutation_set_is_written_once_and_applied_by_each_family():
    by_id = {c.id: c for c in CASES}
    assert by_id["nested-unmanaged.list.pop"].code == "ls[0].pop()"
    assert by_id["nested-managed.list.pop"].code == "ls[0].pop()"
    assert by_id["reassign-back.list.pop"].code == "tmp = ls[0]\ntmp.pop()\nls[0] = tmp"


def test_a_duplicate_id_names_both_files(tmp_path):
    write_case(tmp_path, [GOOD], "first.py")
    write_case(tmp_path, [GOOD], "second.py")
    with pytest.raises(catalogue.CaseError) as raised:
        catalogue.load(str(tmp_path))
    message = str(raised.value)
    assert "duplicate case id direct-assign.namespace.assign" in message
    assert "second.py" in message and "first.py" in message


def test_a_module_without_families_or_with_code_is_refused(tmp_path):
    (tmp_path / "code.py").write_text("FAMILIES = [make_cases()]\n")
    with pytest.raises(catalogue.CaseError, match="must be a plain literal"):
        catalogue.load(str(tmp_path))
    (tmp_path / "code.py").write_text("CASES = []\n")
    with pytest.raises(catalogue.CaseError, match="no FAMILIES"):
        catalogue.load(str(tmp_path))
    (tmp_path / "code.py").write_text(textwrap.dedent("FAMILIES = [\n"))
    with pytest.raises(catalogue.CaseError, match="cannot be read as Python"):
        catalogue.load(str(tmp_path))


def test_code_by_container_and_the_key_placeholder():
    by_id = {c.id: c for c in CASES}
    assert by_id["nested-managed.namespace.outer-copied"].code == (
        "import copy\nouter = copy.copy(ns)\nouter.x.append(10)")
    assert by_id["nested-managed.dict.outer-iterated"].code == "[inner.append(10) for inner in di.values()]"
    assert "nested-managed.namespace.outer-iterated" not in by_id  # no code given for it


def test_a_race_runs_two_children_beside_a_barrier_and_its_model_runs_the_code_twice():
    case = next(c for c in CASES if c.id == "race.namespace.read-modify-write")
    assert case.children == 2 and case.request()["children"] == 2
    assert case.setup == {"ns": {"manager.Namespace": {"x": 0}}, "barrier": {"manager.Barrier": 2}}
    intended, error = child.intended_state(case.setup, case.code, runs=2)
    assert error is None and repr(intended["ns"]) == "Namespace(x=2)"
    under_lock = next(c for c in CASES if c.id == "race.namespace.under-lock")
    assert "with lock: ns.x = ns.x + 1" in under_lock.description


def test_one_child_cases_keep_their_content_hash_when_children_exist():
    """Adding the field must not mark every earlier shard stale."""
    case = next(c for c in CASES if c.id == "direct-assign.namespace.assign")
    assert case.content_hash() == "dbbde7caf4b013ad"  # as published before the field existed
    copy = catalogue.Case(**{name: getattr(case, name) for name in catalogue.Case.__slots__})
    copy.children = 2
    assert copy.content_hash() != case.content_hash()
