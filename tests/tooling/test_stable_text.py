"""What a committed cell keeps is the same on every rerun that observed the same behaviour."""

import os
import sysconfig
import tempfile

from mpconform import stable_text

HARNESS = os.path.dirname(os.path.abspath(stable_text.__file__))
STDLIB = sysconfig.get_paths()["stdlib"]
TRACEBACK = (
    "Traceback (most recent call last):\n"
    f'  File "{HARNESS}/harness/child.py", line 74, in perform\n'
    '    exec(compile(case["code"], "<case>", "exec"), scope)\n'
    '  File "<case>", line 1, in <module>\n'
    f'  File "{STDLIB}/multiprocessing/managers.py", line 821, in _callmethod\n'
    "    kind, result = conn.recv()\n"
    "                   ^^^^^^^^^^^\n"
    "AttributeError: 'DictProxy' object has no attribute 'fromkeys'\n"
)


def test_only_the_cases_frames_and_the_exception_stay():
    kept = stable_text.traceback(TRACEBACK)
    assert "child.py" not in kept and "line 74" not in kept and "managers.py" not in kept
    assert kept == ("Traceback (most recent call last):\n"
                    '  File "<case>", line 1, in <module>\n'
                    "AttributeError: 'DictProxy' object has no attribute 'fromkeys'\n")


def test_addresses_temporary_paths_and_process_counters_are_neutral():
    text = (f"<function <lambda> at 0x7fb5986a11c0> in {tempfile.gettempdir()}/pymp-abc/listener-1 "
            "Process SpawnProcess-37: '/psm_7e3b44ea'")
    assert stable_text.text(text) == ("<function <lambda> at 0x…> in <temp>/pymp-abc/listener-1 "
                                      "Process SpawnProcess-N: '/psm_…'")


def test_racy_readings_and_incidental_output_stay_out():
    values = {"before": "ls=[1]", "child_before": "lock=Lock(locked=True)", "output": "a warning",
              "exception": {"type": "KeyError", "message": "at 0xdeadbeef", "traceback": TRACEBACK}}
    kept = stable_text.cell_values(values, "raised:KeyError", children=2)
    assert set(kept) == {"before", "exception"}
    assert kept["exception"]["message"] == "at 0x…"
    assert stable_text.cell_values(values, "crashed")["output"] == "a warning"
    assert "child_before" in stable_text.cell_values(values, "propagated")  # a Lock is not reentrant
    rlock = dict(values, child_before="ls=[RLock(locked=False)]")
    assert "child_before" not in stable_text.cell_values(rlock, "propagated")  # read by its holder


def test_an_unindented_tail_of_a_dropped_frames_statement_goes_with_it():
    """PyPy prints the end of a multi-line statement unindented; whether that frame is in the
    remote traceback depends on timing, so it must not leave a line behind."""
    remote = ('"""\nTraceback (most recent call last):\n'
              '  File "/usr/lib/pypy3.9/concurrent/futures/process.py", line 205, in _sendback_result\n'
              '    result_queue.put(_ResultItem(work_id, result=result,\n'
              '())\n'
              'TypeError: Pickling an AuthenticationString object is disallowed for security reasons\n"""\n')
    assert stable_text.traceback(remote) == (
        '"""\nTraceback (most recent call last):\n'
        'TypeError: Pickling an AuthenticationString object is disallowed for security reasons\n"""\n')


def test_a_long_traceback_is_cut_after_the_harness_frames_go_at_a_line_start():
    """The cut must not depend on how long the dropped frames were in this run."""
    case_frames = "".join(f'  File "<case>", line {n}, in f{n}\n    f{n + 1}()\n' for n in range(200))
    exception = "RecursionError: maximum recursion depth exceeded\n"

    def run_with_harness_frames(count):
        harness = "".join(f'  File "{HARNESS}/harness/child.py", line {n}, in perform\n    x()\n'
                          for n in range(count))
        return "Traceback (most recent call last):\n" + harness + case_frames + exception

    short, long = (stable_text.traceback(run_with_harness_frames(n)) for n in (1, 60))
    assert short == long
    assert len(short) <= stable_text.TRACEBACK_KEPT and short.endswith(exception)
    assert short.startswith('  File "<case>"')


def test_a_long_message_is_cut_after_addresses_are_made_neutral():
    message = "<object at 0x7fb5986a11c0> " * 200
    kept = stable_text.cell_values({"exception": {"message": message, "traceback": ""}}, "raised:X")
    assert kept["exception"]["message"] == ("<object at 0x…> " * 200)[:stable_text.MESSAGE_KEPT]
