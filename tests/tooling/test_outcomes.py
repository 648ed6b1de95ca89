"""The harness classifies each kind of cell right, with cases built to produce each outcome."""

import multiprocessing
import sys

import pytest

from mpconform import vocabulary
from tests.tooling.conftest import FIRST_METHOD, cell, methods

METHODS = [m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()]

# The child runs the code under __name__ "__mpconform_case__", the plain-Python model does not:
# that difference lets a case make the real state differ from the intended one.
DIVERGE = "ls[0] = 5 if __name__ == '__mpconform_case__' else 6"
# Kills the manager's server: its pid is the peer of a connection to its Unix socket (Linux).
KILL_MANAGER = (
    "import os, signal, socket, struct\n"
    "if __name__ == '__mpconform_case__':\n"
    "    probe = socket.socket(socket.AF_UNIX)\n"
    "    probe.connect(ls._token.address)\n"
    "    creds = probe.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize('3i'))\n"
    "    os.kill(struct.unpack('3i', creds)[0], signal.SIGKILL)\n"
    "else:\n"
    "    ls[0] = 2"
)
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses SO_PEERCRED")


@pytest.mark.parametrize("start_method", METHODS)
def test_propagated(runner, start_method):
    record = runner.run(cell("ls[0] += 1", start_method=start_method))
    assert record["outcome"] == "propagated"
    assert record["values"]["before"] == "ls=[1]"
    assert record["values"]["intended"] == record["values"]["parent_after"] == "ls=[2]"


@pytest.mark.parametrize("start_method", METHODS)
def test_lost(runner, start_method):
    record = runner.run(cell("ls[0].append(10)", {"ls": {"manager.list": [[1]]}}, start_method))
    assert record["outcome"] == "lost"
    assert record["values"]["intended"] == "ls=[[1, 10]]"
    assert record["values"]["parent_after"] == record["values"]["child_after"] == "ls=[[1]]"


def test_diverged(runner):
    record = runner.run(cell(DIVERGE))
    assert record["outcome"] == "diverged"
    assert (record["values"]["before"], record["values"]["intended"],
            record["values"]["parent_after"]) == ("ls=[1]", "ls=[6]", "ls=[5]")


@pytest.mark.parametrize("start_method", METHODS)
def test_raised_in_the_child(runner, start_method):
    record = runner.run(cell("ls.no_such_method()", start_method=start_method))
    assert (record["outcome"], record["side"]) == ("raised:AttributeError", "child")
    assert "no_such_method" in record["values"]["exception"]["message"]


def test_raised_in_setup(runner):
    record = runner.run(cell("pass", {"ls": {"manager.Bogus": [1]}}))
    assert (record["outcome"], record["side"]) == ("raised:SpecError", "setup")


@linux_only
def test_raised_in_the_parent_when_the_manager_dies_mid_cell(runner):
    record = runner.run(cell(KILL_MANAGER))
    assert record["outcome"].startswith("raised:")
    assert record["side"] == "parent"
    # the next cell gets a fresh manager
    assert runner.run(cell("ls[0] += 1"))["outcome"] == "propagated"


@pytest.mark.parametrize("start_method", METHODS)
def test_hung(runner, start_method):
    record = runner.run(cell("import time; time.sleep(60)", start_method=start_method, timeout=1.0))
    assert (record["outcome"], record["side"]) == ("hung", "child")
    assert record["duration"] < 10


def test_crashed_by_exit(runner):
    record = runner.run(cell("import os; os._exit(3)"))
    assert (record["outcome"], record["values"]["exitcode"]) == ("crashed", 3)


def test_crashed_by_segfault(runner):
    record = runner.run(cell("import ctypes; ctypes.string_at(0)"))
    assert record["outcome"] == "crashed"
    assert record["values"]["signal"] == "SIGSEGV"


def test_skipped_when_the_start_method_does_not_exist(runner):
    record = runner.run(cell("pass", start_method="vfork-that-does-not-exist"))
    assert record["outcome"].startswith("skipped:")


def test_output_of_the_cell_is_kept(runner):
    record = runner.run(cell("print('from the child'); ls[0] = 3"))
    assert record["values"]["output"] == "from the child\n"


def test_a_flooding_child_is_bounded_by_its_timeout(runner):
    record = runner.run(cell("while True: print('x' * 1000)", timeout=1.0))
    assert record["outcome"] == "hung"
    assert len(record["values"]["output"]) <= 4000


def test_the_runner_survives_every_fault_above(runner):
    assert runner.run(cell("ls.append(2)", start_method=METHODS[-1]))["outcome"] == "propagated"


@pytest.mark.parametrize("transport", vocabulary.TRANSPORTS)
@pytest.mark.parametrize("start_method", methods("fork", "spawn"))
def test_every_transport_carries_the_proxies_to_the_child(runner, transport, start_method):
    record = runner.run(dict(cell("ls[0] = 2", start_method=start_method), transport=transport))
    assert record["outcome"] == "propagated", record
    assert runner.run(cell("ls[0] = 3", start_method=FIRST_METHOD))["outcome"] == "propagated"


@pytest.mark.parametrize("transport", sorted(set(vocabulary.TRANSPORTS) - {"process-args"}))
def test_a_hanging_worker_is_hung_and_the_next_cell_still_runs(runner, transport):
    record = runner.run(dict(cell("import time; time.sleep(60)", timeout=2.0), transport=transport))
    assert (record["outcome"], record["side"]) == ("hung", "child")
    assert runner.run(cell("ls[0] = 2", start_method=FIRST_METHOD))["outcome"] == "propagated"


RACE_SETUP = {"ns": {"manager.Namespace": {"x": 0}}, "barrier": {"manager.Barrier": 2}}


@pytest.mark.parametrize("start_method", methods("fork", "spawn"))
def test_two_children_ordered_by_a_barrier_lose_an_update_every_time(runner, start_method):
    request = cell("value = ns.x\nbarrier.wait()\nns.x = value + 1", RACE_SETUP, start_method)
    request["children"] = 2
    record = runner.run(request)
    assert record["outcome"] == "diverged", record
    assert "x=1" in record["values"]["parent_after"] and "x=2" in record["values"]["intended"]


def test_one_of_two_children_dying_ends_the_cell_at_once(runner):
    """The other child waits at the barrier for ever: the cell must not wait for its timeout."""
    request = cell("import os\nif __name__ == '__mpconform_case__' and ns.x == 0:\n"
                   "    ns.x = 1\n    os._exit(3)\nbarrier.wait()", RACE_SETUP, timeout=20.0)
    request["children"] = 2
    record = runner.run(request)
    assert record["outcome"] == "crashed", record
    assert record["values"]["exitcode"] == 3 and record["duration"] < 10, record


def test_an_exception_in_either_child_is_the_cells(runner):
    """Barrier.wait() returns 0 in exactly one of the two: that one raises."""
    request = cell("if barrier.wait() == 0:\n    raise KeyError('one of two')", RACE_SETUP)
    request["children"] = 2
    record = runner.run(request)
    assert record["outcome"] == "raised:KeyError" and record["side"] == "child", record


def test_a_case_of_its_own_manager_gets_a_fresh_one_shut_down_after_the_cell(runner):
    counting = {"class": "cases._managers.CountingManager", "fresh": True}
    setup = {"counter": {"manager.Counter": [0]}}
    for _ in range(2):  # a fresh manager each time: the count starts at 0 again
        record = runner.run(dict(cell("counter.increment()", setup), manager=counting))
        assert record["outcome"] == "propagated", record
        assert record["values"]["parent_after"] == "counter=Counter(count=1, marks=[])"


def test_a_tcp_manager_with_its_own_key_serves_a_child_that_presents_it(runner):
    remote = {"class": "cases._managers.RemoteManager", "address": "tcp", "authkey": "k", "fresh": True}
    code = "from cases import _managers\n_managers.connect(shared, %r).shared_list().append(1)"
    setup = {"shared": {"manager.shared_list": []}}
    assert runner.run(dict(cell(code % b"k", setup), manager=remote))["outcome"] == "propagated"
    assert runner.run(dict(cell(code % b"x", setup), manager=remote))["outcome"] == "raised:AuthenticationError"


def test_a_skip_entry_that_applies_skips_with_its_reason(runner):
    reason = "not on this interpreter, for the test"
    record = runner.run(dict(cell("ls[0] = 2"), skip=[{"before": "9.0", "reason": reason}]))
    assert record["outcome"] == "skipped:" + reason
    assert runner.run(dict(cell("ls[0] = 2"), skip=[{"before": "3.0", "reason": reason}]))["outcome"] == "propagated"
