"""mpconform lint: each kind of finding, each non-finding, how proxies are recognised, noqa,
the command line, the facts it reads, and flake8 with pre-commit from a fresh venv."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mpconform import catalogue
from mpconform.host import cli
from mpconform.host.lint import checker, knowledge

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = Path(__file__).parent / "lint_examples"


def findings(body, version=(3, 12, 0), prelude=None):
    """(line, code, case) of each finding in a module: a manager, proxies, then ``body``."""
    source = textwrap.dedent(prelude if prelude is not None else """\
        import multiprocessing
        m = multiprocessing.Manager()
        ns = m.Namespace()
        ls = m.list([1])
        di = m.dict()
        v = m.Value('i', 0)
        lock = m.Lock()
        cond = m.Condition()
        """) + textwrap.dedent(body)
    return [(f.line, f.code, f.case) for f in checker.check_source(source, version)]


def codes(body, **options):
    return [code for _, code, _ in findings(body, **options)]


@pytest.mark.parametrize("line", [
    "ns.x.append(1)", "ns.x[0] += 1", "di['k'].append(1)", "di['k'][0] = 5", "di.get('k').append(1)",
    "di.setdefault('k', []).append(1)", "ns.x.sort()", "del ls[0][0]", "ls[0].update({'a': 1})",
])
def test_a_value_read_out_of_a_proxy_and_changed_in_place_is_lost(line):
    assert codes(line) == ["MPC101"]


@pytest.mark.parametrize("body", [
    "ns.x = m.list()\nns.x.append(1)",              # a manager list stored in the Namespace
    "nested = m.list([m.list([1])])\nnested[0].append(2)",
    "di['q'] = m.dict()\ndi['q']['a'] = 1",
    "x = ns.x\nx.append(1)\nns.x = x",                 # reassign back
    "ls.append(1)", "ns.x = 1", "di['k'] = [1]", "v.value += 1", "print(ns.x[0])",
])
def test_what_propagates_is_not_flagged(body):
    assert codes(body) == []


RACE = """\
def work(ns, v, di):
    {body}

if __name__ == '__main__':
    workers = [multiprocessing.Process(target=work, args=(ns, v, di)) for _ in range(4)]
"""


@pytest.mark.parametrize("body", ["ns.x += 1", "v.value += 1", "di['k'] += 1", "ns.x = ns.x + 1",
                                  "value = ns.x\n    ns.x = value + 1"])
def test_a_read_modify_write_in_code_several_processes_run_races(body):
    assert codes(RACE.format(body=body)) == ["MPC201"]


@pytest.mark.parametrize("body", ["with lock:\n        ns.x += 1", "ns.x = 5"])
def test_no_race_under_a_lock_or_for_a_plain_write(body):
    assert codes(RACE.format(body=body)) == []


def test_no_race_when_one_process_runs_the_code():
    once = "def work(ns):\n    ns.x += 1\n\np = multiprocessing.Process(target=work, args=(ns,))\n"
    assert codes(once) == []


def test_a_pool_runs_its_function_in_several_processes():
    pooled = "def work(v):\n    v.value += 1\n\nwith multiprocessing.Pool(2) as pool:\n    pool.apply(work, (v,))\n"
    assert codes(pooled) == ["MPC201"]


@pytest.mark.parametrize("line, before, since", [
    ("ls.copy()", (3, 13, 0), (3, 14, 0)),
    ("ls.clear()", (3, 13, 0), (3, 14, 0)),
    ("lock.locked()", (3, 13, 0), (3, 14, 0)),
    ("di | {1: 2}", (3, 13, 0), (3, 14, 0)),
    ("list(reversed(di))", (3, 13, 0), (3, 14, 0)),
    ("cond.notify(2)", (3, 6, 0), (3, 7, 0)),
    ("st = m.set()\nst.add(1)", (3, 13, 0), (3, 14, 0)),
])
def test_api_used_below_the_version_that_has_it(line, before, since):
    assert codes(line, version=before) == ["MPC301"]
    assert codes(line, version=since) == []


def test_a_queue_nested_in_a_managed_container_before_3_9_7():
    body = "di['q'] = m.Queue()\ndi['q'].put(1)"
    assert codes(body, version=(3, 9, 0)) == ["MPC302"]
    assert codes(body, version=(3, 10, 0)) == []


@pytest.mark.parametrize("line, case", [
    ("isinstance(ls, list)", "gotcha.list.isinstance-list"),
    ("ls == [1]", "gotcha.list.equals-plain-list"),
    ("{ls: 1}", "gotcha.list.proxy-as-dict-key"),
    ("import copy\nnested = m.list([m.list()])\ncopy.deepcopy(nested)", "gotcha.list.deepcopy-keeps-nested-proxies"),
    ("ns['x']", "gotcha.namespace.subscript"),
])
def test_the_gotchas(line, case):
    assert [(code, found) for _, code, found in findings(line)] == [("MPC401", case)]


def test_the_manager_passed_to_a_child_fails_under_spawn():
    body = "def child(manager):\n    manager.list()\n\np = multiprocessing.Process(target=child, args=(m,))\n"
    assert codes(body) == ["MPC402"]


@pytest.mark.parametrize("prelude", [
    "from multiprocessing import Manager\nwith Manager() as m:\n    ns = m.Namespace()\n",
    "import multiprocessing as mp\nctx = mp.get_context('spawn')\nm = ctx.Manager()\nns = m.Namespace()\n",
    "from multiprocessing.managers import SyncManager\nm = SyncManager()\nm.start()\nns = m.Namespace()\n",
    "from multiprocessing.managers import BaseManager, NamespaceProxy\nclass Mine(BaseManager):\n    pass\n"
    "Mine.register('Namespace', dict, NamespaceProxy)\nm = Mine()\nns = m.Namespace()\n",
])
def test_proxies_are_recognised_however_the_manager_is_made(prelude):
    assert codes("ns.x.append(1)\n", prelude=prelude) == ["MPC101"]


@pytest.mark.parametrize("body", [
    # an attribute holding a proxy
    "class Holder:\n    def __init__(self, m):\n        self.ns = m.Namespace()\n    def add(self):\n"
    "        self.ns.x.append(1)\n",
    # a parameter of a Process target
    "import multiprocessing\ndef child(shared):\n    shared.x.append(1)\nm = multiprocessing.Manager()\n"
    "ns = m.Namespace()\nmultiprocessing.Process(target=child, args=(ns,)).start()\n",
    # an executor's submit, and an initializer
    "import multiprocessing, concurrent.futures\ndef task(shared):\n    shared.x.append(1)\n"
    "m = multiprocessing.Manager()\nns = m.Namespace()\nwith concurrent.futures.ProcessPoolExecutor() as e:\n"
    "    e.submit(task, ns)\n",
    "import multiprocessing\ndef setup(shared):\n    shared.x.append(1)\nm = multiprocessing.Manager()\n"
    "ns = m.Namespace()\nmultiprocessing.Pool(2, initializer=setup, initargs=(ns,))\n",
    # an annotation
    "from multiprocessing.managers import NamespaceProxy\ndef child(shared: NamespaceProxy):\n"
    "    shared.x.append(1)\n",
])
def test_proxies_are_followed_into_attributes_children_and_annotations(body):
    assert codes(body, prelude="") == ["MPC101"]


def test_a_plain_namespace_is_not_a_proxy():
    assert codes("import types\nns = types.SimpleNamespace(x=[])\nns.x.append(1)\n", prelude="") == []


def test_noqa_suppresses_its_code_only():
    assert codes("ns.x.append(1)  # noqa: MPC101") == []
    assert codes("ns.x.append(1)  # noqa") == []
    assert codes("ns.x.append(1)  # noqa: E501") == ["MPC101"]


def test_each_finding_names_its_case_and_what_the_matrix_observed():
    (finding,) = checker.check_source(textwrap.dedent("""\
        import multiprocessing
        ns = multiprocessing.Manager().Namespace()
        ns.x.append(10)
        """), (3, 12, 0))
    assert finding.case == "nested-unmanaged.namespace.append"
    assert "lost on Python 3.12" in finding.message
    assert "matrix: Linux x86_64: CPython 3.6.15 – 3.15.2" in finding.message


def test_the_seed_programs_are_flagged_on_exactly_their_lost_lines():
    def lines(path):
        return [f.line for f in checker.check_source(path.read_text(encoding="utf-8"), (3, 6, 0))]
    answer = (ROOT / "tests" / "conformance" / "original_answer.py").read_text(encoding="utf-8").splitlines()
    assert [answer[n - 1].strip() for n in lines(ROOT / "tests" / "conformance" / "original_answer.py")] == [
        "ns.y[0] += 1             # nested unmanaged: lost", "ls[1][0] += 1", "di[1][0] += 1"]
    assert lines(EXAMPLES / "question_first.py") == []
    assert lines(EXAMPLES / "question_second.py") == [8, 9]


def test_the_command_line(tmp_path, capsys):
    program = tmp_path / "program.py"
    program.write_text(textwrap.dedent("""\
        import multiprocessing
        ns = multiprocessing.Manager().Namespace()
        ls = multiprocessing.Manager().list()
        ns.x.append(10)
        ls.copy()
        """))
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\nrequires-python = ">=3.9"\n')
    assert cli.main(["lint", str(program)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0].startswith(f"{program}:4:1: MPC101 ")
    assert captured.out.splitlines()[1].startswith(f"{program}:5:1: MPC301 ")
    assert "for Python 3.9 (requires-python in" in captured.err
    assert cli.main(["lint", str(program), "--python-version", "3.14"]) == 1
    assert [line.split()[1] for line in capsys.readouterr().out.splitlines()] == ["MPC101"]
    assert cli.main(["lint", str(program), "--python-version", "three"]) == 2
    assert "--python-version 'three'" in capsys.readouterr().err
    assert cli.main(["lint", str(tmp_path / "missing.py")]) == 2


def test_the_facts_are_what_the_catalogue_and_the_committed_matrix_give():
    matrix = json.loads((ROOT / "reports" / "matrix.json").read_text(encoding="utf-8"))
    drawn = json.loads(json.dumps(knowledge.build(matrix, catalogue.load())))
    assert drawn == json.loads(knowledge.facts_path().read_text(encoding="utf-8")), (
        "src/mpconform/host/lint/facts.json is stale: draw it with `nox -s matrix`")


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_flake8_and_pre_commit_from_a_fresh_venv(tmp_path):
    uv = shutil.which("uv") or (Path(sys.executable).parent / "uv")
    venv = tmp_path / "venv"
    subprocess.run([str(uv), "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(uv), "pip", "install", "-q", "--python", str(bin_dir / "python"), str(ROOT), "flake8",
                    "pre-commit"], check=True, timeout=600)
    program = EXAMPLES / "question_second.py"
    flake8 = subprocess.run([str(bin_dir / "flake8"), "--select", "MPC", str(program)], capture_output=True,
                            text=True, cwd=str(tmp_path))
    assert flake8.returncode == 1, flake8.stderr
    assert [line.split(": ")[1].split()[0] for line in flake8.stdout.splitlines()] == ["MPC101", "MPC101"]
    # pre-commit runs the hook this repository defines, on a project of its own.
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(program, project / "program.py")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    subprocess.run(["git", "-C", str(project), "add", "program.py"], check=True)
    hook = subprocess.run([str(bin_dir / "pre-commit"), "try-repo", str(ROOT), "mpconform-lint", "--files",
                           "program.py"], capture_output=True, text=True, cwd=str(project), env=env, timeout=600)
    assert hook.returncode == 1, hook.stdout + hook.stderr
    assert "program.py:8:5: MPC101" in hook.stdout


def test_a_proxy_used_after_its_managers_with_block_ended():
    after = "import multiprocessing\nwith multiprocessing.Manager() as m:\n    ls = m.list()\nls.append(1)\n"
    assert findings(after, prelude="") == [(4, "MPC401", "gotcha.manager.used-after-shutdown")]
    inside = "import multiprocessing\nwith multiprocessing.Manager() as m:\n    ls = m.list()\n    ls.append(1)\n"
    assert findings(inside, prelude="") == []


def test_a_private_namespace_attribute_stays_in_this_process():
    assert findings("ns._hidden = 1\n") == [(9, "MPC401", "direct-assign.namespace.setattr-underscore")]
    assert findings("def f(ns):\n    ns._hidden = 1\n") == []  # a parameter no proxy reaches


def test_names_are_read_in_their_own_function():
    two = ("import multiprocessing\nm = multiprocessing.Manager()\n"
           "def two():\n    o = m.dict()\n    o['k'] = 5\n"
           "def one():\n    o = m.Namespace()\n    o.x = 1\n")
    assert findings(two, prelude="") == []  # o is a dict in two(), whatever it is in one()
