"""What the child process of a cell does: run the case's code on the proxies it was given.

The child reports over its own pipe, never through the manager under test: what it saw before
and after its code ran, and any exception. Then it runs the same code on plain Python built
from the same spec: the state the user meant to produce. That runs here, in a process of its
own, after the real operation, so that a case's code never runs inside the runner.
"""

import io
import signal
import sys

from mpconform.harness import values


def describe_exception(error):
    import traceback  # only when something raised: it costs a spawned child ~10 ms to import

    return {
        "type": type(error).__name__,
        "module": type(error).__module__,
        "message": str(error)[:2000],
        "traceback": "".join(traceback.format_exception(type(error), error, error.__traceback__))[-4000:],
    }


def observe(names):
    """(text of the snapshot, exception description or None)."""
    try:
        return values.show(values.snapshot(names)), None
    except Exception as error:
        return None, describe_exception(error)


def intended_state(setup, code, runs=1):
    """(snapshot of ``code`` run on plain Python, error text or None).

    With several children the code runs ``runs`` times in turn: what they would leave if none
    of them overlapped.
    """
    names = dict((name, values.build(spec)) for name, spec in setup.items())
    scope = dict(names)
    scope["__name__"] = "__mpconform_model__"
    shown, sys.stdout = sys.stdout, io.StringIO()  # what the code prints was shown once already
    try:
        compiled = compile(code, "<case model>", "exec")
        for _ in range(runs):
            exec(compiled, dict(scope))
        return values.snapshot(names), None
    except Exception as error:
        return None, "%s: %s" % (type(error).__name__, error)
    finally:
        sys.stdout = shown


def perform(names, code, setup, runs=1):
    """Run ``code`` with ``names`` bound; what the child saw and meant, as a picklable dict."""
    # The run may have been launched with SIGINT ignored (e.g. from a background shell);
    # the child must not inherit that, so that Ctrl-C reaches it like a user's program.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    result = {}
    result["child_before"], result["child_before_error"] = observe(names)
    scope = dict(names)
    scope["__name__"] = "__mpconform_case__"
    try:
        exec(compile(code, "<case>", "exec"), scope)
        result["exception"] = None
    except BaseException as error:
        result["exception"] = describe_exception(error)
    result["child_after"], result["child_after_error"] = observe(names)
    result["intended"], result["intended_error"] = intended_state(setup, code, runs)
    try:
        import pickle

        pickle.dumps(result["intended"])
    except Exception as error:  # the plain-Python state holds something unpicklable
        result["intended"] = None
        result["intended_error"] = "the intended state cannot be reported: %s: %s" % (
            type(error).__name__, error)
    return result


def run(report, names, code, setup, runs=1):
    """Process target: ``names`` are the proxies (Process arguments), bound as globals of ``code``.

    ``runs``: how many children run the same code at once (the model runs it that often).
    """
    report.send(perform(names, code, setup, runs))
    report.close()


def run_from_queue(report, queue, code, setup):
    """Process target: the proxies arrive through a manager Queue instead of as arguments."""
    names = queue.get(timeout=30)
    report.send(perform(names, code, setup))
    report.close()


def run_in_worker(names, code, setup):
    """Pool / executor task: the proxies arrive as the task's argument; the result is returned."""
    return perform(names, code, setup)


def run_in_worker_packed(arguments):
    """``Pool.map`` task: one tuple of (names, code, setup)."""
    return perform(*arguments)
