"""The catalogue loads, every case is well formed, and a malformed one gets one clear error."""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mpconform import catalogue, outcomes
from mpconform.expectations import Target
from mpconform.harness import child

CASES = catalogue.load()
ROOT = Path(__file__).resolve().parents[2]


def test_the_catalogue_has_unique_ids():
    assert len({c.id for c in CASES}) == len(CASES) >= 120


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_operation_changes_the_state(case):
    """Otherwise propagated and lost could not be told apart. Code that fails on plain Python
    too (a method the proxy lacks, a feature of a later version) must expect an exception."""
    # Before first: a registered callable may hand out one object per process (a remote
    # manager's shared list), which the code then changes.
    before, _ = child.intended_state(dict(case.request(), code="pass"))
    intended, error = child.intended_state(case.request())
    if error is not None:
        assert case.expected(Target.current("fork"))["outcome"].startswith("raised:"), error
        return
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


def test_content_hash_is_made_from_the_request_and_the_expectations():
    """A field added to the request can never be forgotten by the hash."""
    case = CASES[0]
    fields = {name: getattr(case, name) for name in catalogue.Case.__slots__}
    assert catalogue.Case(**dict(fields, description="reworded")).content_hash() == case.content_hash()
    for name, changed in [("code", case.code + "\n"), ("setup", {"other": 1}),
                          ("transport", "pool-map"), ("children", 2),
                          ("expect", [{"outcome": "lost"}])]:
        assert catalogue.Case(**dict(fields, **{name: changed})).content_hash() != case.content_hash(), name


GOOD = {
    "summary": "`{code}`",
    "slot_value": 1,
    "expect": [{"outcome": "propagated"}],
    "operations": {"assign": {"code": "{slot} = 5"}},
}


def write_case(tmp_path, families, name="sample.py", pattern="direct-assign"):
    (tmp_path / name).write_text("PATTERN = %r\nFAMILIES = %r\n" % (pattern, families))
    return tmp_path


def broken(**changes):
    family = dict(GOOD)
    family.update(changes)
    return [family]


def assign(**fields):
    return broken(operations={"assign": dict({"code": "{slot} = 5"}, **fields)})


# One failing fixture per rule of catalogue.RULES (and the module-level checks): the rule that
# must refuse it, and what its one-line message says.
MALFORMED = {
    "pattern": ([GOOD], "teleport", "unknown PATTERN 'teleport'"),
    "family-fields": (broken(colour="red"), None, "unknown field(s) colour"),
    "references": (broken(references="gh-1"), None, "'references' must be a list"),
    "operations": (broken(operations=[]), None, "'operations' must be a dict"),
    "mutations": (broken(mutations="list"), None, "'mutations' must be a dict with 'set'"),
    "operation-fields": (assign(note="x"), None, "unknown field(s) note"),
    "operation-name": (broken(operations={"Bad Name": {"code": "pass"}}), None,
                       "operation names are lower-case"),
    "code": (broken(operations={"assign": {"code": 5}}), None,
             "'code' must be a string, or a dict of them by container"),
    "summary": ([{k: v for k, v in GOOD.items() if k != "summary"}], None, "missing field 'summary'"),
    "expect": (assign(expect=[{"outcome": "vanished"}]), None, "unknown outcome 'vanished'"),
    "containers": (assign(containers=["tuple"]), None, "unknown container 'tuple'"),
    "setup": ([{k: v for k, v in GOOD.items() if k != "slot_value"}], None,
              "missing field 'slot_value' or 'setup'"),
    "transport": (broken(transport="carrier-pigeon"), None, "unknown transport 'carrier-pigeon'"),
    "children": (broken(children=0), None, "'children' must be a whole number from 1 to 8"),
    "manager": (broken(manager={"class": "cases.nowhere.Manager"}), None,
                "manager class cases.nowhere.Manager: No module named 'cases.nowhere'"),
    "skip": (broken(skip=[{"before": "3.8"}]), None, "each 'skip' entry needs a 'reason'"),
    "placeholders": (assign(code="{slott} = 5"), None, "unknown placeholder {slott}"),
    "slot": (assign(containers=["lock"]), None, "container 'lock' holds no slot"),
    "setup-beside-slot": (broken(setup={"ns": {"manager.Lock": False}}), None,
                          "'setup' names ns, which holds the slot"),
    "compiles": (assign(code="{slot} = = 5"), None, "the code does not compile: invalid syntax"),
    "setup-builds": (broken(setup={"gate": {"manager.Gate": 1}}), None,
                     "setup of 'gate': unknown managed kind 'manager.Gate'"),
    "unique-ids": (None, None, "duplicate case id direct-assign.namespace.assign"),
}


def test_every_rule_has_a_failing_fixture():
    rules = {name for name, _ in catalogue.RULES} | {"pattern", "unique-ids"}
    assert set(MALFORMED) == rules


@pytest.mark.parametrize("rule", sorted(set(MALFORMED) - {"unique-ids"}))
def test_a_malformed_case_is_named_in_one_clear_error(tmp_path, rule):
    families, pattern, message = MALFORMED[rule]
    write_case(tmp_path, families, pattern=pattern or "direct-assign")
    with pytest.raises(catalogue.CaseError) as raised:
        catalogue.load(str(tmp_path))
    error = str(raised.value)
    assert message in error
    assert raised.value.rule == rule
    assert "sample.py" in error and "\n" not in error
    if rule not in ("pattern", "family-fields", "references", "operations", "mutations"):
        assert "FAMILIES[0]" in error and "operation" in error


@pytest.mark.parametrize("families, message", [
    (broken(expect=[{"outcome": "lost"}, {"since": "3.x", "outcome": "propagated", "ref": "gh-1"}]),
     "version '3.x' does not parse"),
    (broken(expect=[{"outcome": "lost"}, {"since": "3.9", "outcome": "propagated"}]), "needs a 'ref'"),
    (broken(mutations={"set": "tuple"}), "unknown mutation set 'tuple'"),
    (broken(setup={"rl": {"manager.RLock": True}}), "manager.RLock cannot start acquired"),
    (broken(children=2, transport="pool-apply"), "several children run with the process-args transport only"),
    (broken(operations={"assign": {"code": {"list": "ls[0] = 5"}, "containers": ["dict"]}}),
     "no code for container 'dict'"),
    (broken(summary="`{code}` on {slott}"), "unknown placeholder {slott}"),
    (broken(manager={"address": "10.0.0.1"}), "'address' can only be \"tcp\""),
    (broken(manager={"class": "collections.OrderedDict"}), "is not a BaseManager subclass"),
    (broken(skip=[{"reason": "no"}]), "a 'skip' entry has a reason and scopes"),
    (broken(skip=[{"reason": "no", "before": "3.x"}]), "version '3.x' does not parse"),
    (broken(setup={"c": {"manager.Counter": []}}), "unknown managed kind 'manager.Counter'"),
])
def test_more_mistakes_each_get_one_clear_error(tmp_path, families, message):
    write_case(tmp_path, families)
    with pytest.raises(catalogue.CaseError) as raised:
        catalogue.load(str(tmp_path))
    assert message in str(raised.value)
    assert "sample.py" in str(raised.value)


def test_a_broken_case_fails_collection_and_list_in_one_line(tmp_path):
    write_case(tmp_path, assign(code="{slot} = = 5"))
    env = dict(os.environ, MPCONFORM_CASES=str(tmp_path), PYTHONPATH=str(ROOT / "src"))
    listing = subprocess.run([sys.executable, "-m", "mpconform", "list"], env=env,
                             capture_output=True, text=True, cwd=ROOT)
    collection = subprocess.run([sys.executable, "-m", "pytest", "tests/conformance/test_cells.py",
                                 "--collect-only", "-q", "-p", "no:cacheprovider"],
                                env=env, capture_output=True, text=True, cwd=ROOT)
    for run in (listing, collection):
        assert run.returncode != 0
        lines = [line for line in (run.stdout + run.stderr).splitlines()
                 if "the code does not compile" in line]
        assert len(lines) == 1, run.stdout + run.stderr
        assert "sample.py: FAMILIES[0], operation 'assign' on namespace" in lines[0]


def test_a_mutation_set_is_written_once_and_applied_by_each_family():
    by_id = {c.id: c for c in CASES}
    assert by_id["nested-unmanaged.list.pop"].code == "ls[0].pop()"
    assert by_id["nested-managed.list.pop"].code == "ls[0].pop()"
    assert by_id["reassign-back.list.pop"].code == "tmp = ls[0]\ntmp.pop()\nls[0] = tmp"


def test_a_duplicate_id_names_both_files(tmp_path):
    """The fixture of the unique-ids rule."""
    write_case(tmp_path, [GOOD], "first.py")
    write_case(tmp_path, [GOOD], "second.py")
    with pytest.raises(catalogue.CaseError) as raised:
        catalogue.load(str(tmp_path))
    message = str(raised.value)
    assert "duplicate case id direct-assign.namespace.assign" in message
    assert "second.py" in message and "first.py" in message


def test_a_module_without_families_or_with_code_is_refused(tmp_path):
    (tmp_path / "code.py").write_text("PATTERN = 'race'\nFAMILIES = [make_cases()]\n")
    with pytest.raises(catalogue.CaseError, match="must be a plain literal"):
        catalogue.load(str(tmp_path))
    (tmp_path / "code.py").write_text("CASES = []\n")
    with pytest.raises(catalogue.CaseError, match="no PATTERN or FAMILIES"):
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
    intended, error = child.intended_state(case.request())
    assert error is None and repr(intended["ns"]) == "Namespace(x=2)"
    under_lock = next(c for c in CASES if c.id == "race.namespace.under-lock")
    assert "with lock: ns.x = ns.x + 1" in under_lock.description


def test_every_user_problem_in_the_readme_is_answered_by_cases_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What the catalogue answers", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d+) \| .+ \| (.+) \|$", section, re.M)
    assert [int(number) for number, _ in rows] == list(range(1, 43))
    ids = {c.id for c in CASES}
    for number, cases in rows:
        named = re.findall(r"`([^`]+)`", cases)
        assert named and set(named) <= ids, (number, set(named) - ids)
