"""What the child process of a cell does: run the case's code on the proxies it was given.

The child sends its report over a channel of its own (a pipe), never through the manager under
test: what it saw before and after its code ran, and any exception. Then it runs the same code
on plain Python built from the same spec: the state the user meant to produce. That runs here,
in a process of its own, after the real operation, so that a case's code never runs inside the
runner.
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


def read_state_text(names):
    """(the text of what ``names`` hold now, exception description or None)."""
    try:
        return values.state_text(values.read_state(names)), None
    except Exception as error:
        return None, describe_exception(error)


def intended_state(setup, code, runs=1):
    """(the state ``code`` leaves on plain Python, error text or None).

    With several children the code runs ``runs`` times in turn: what they would leave if none
    of them overlapped.
    """
    names = {name: values.build(spec) for name, spec in setup.items()}
    scope = dict(names)
    scope["__name__"] = "__mpconform_model__"
    real_stdout, sys.stdout = sys.stdout, io.StringIO()  # what the code prints was shown once already
    try:
        compiled = compile(code, "<case model>", "exec")
        for _ in range(runs):
            exec(compiled, dict(scope))
        return values.read_state(names), None
    except Exception as error:
        return None, "%s: %s" % (type(error).__name__, error)
    finally:
        sys.stdout = real_stdout


def perform(names, code, setup, runs=1):
    """Run ``code`` with ``names`` bound; the child's report (what it saw and meant), a picklable dict."""
    # The run may have been launched with SIGINT ignored (e.g. from a background shell);
    # the child must not inherit that, so that Ctrl-C reaches it like a user's program.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    report = {}
    report["child_before"], report["child_before_error"] = read_state_text(names)
    scope = dict(names)
    scope["__name__"] = "__mpconform_case__"
    try:
        exec(compile(code, "<case>", "exec"), scope)
        report["exception"] = None
    except BaseException as error:
        report["exception"] = describe_exception(error)
    report["child_after"], report["child_after_error"] = read_state_text(names)
    report["intended"], report["intended_error"] = intended_state(setup, code, runs)
    try:
        import pickle

        pickle.dumps(report["intended"])
    except Exception as error:  # the plain-Python state holds something unpicklable
        report["intended"] = None
        report["intended_error"] = "the intended state cannot be reported: %s: %s" % (
            type(error).__name__, error)
    return report


def run(channel, names, code, setup, runs=1):
    """Process target: ``names`` are the proxies (Process arguments), bound as globals of ``code``.

    ``runs``: how many children run the same code at once (the model runs it that often).
    """
    channel.send(perform(names, code, setup, runs))
    channel.close()


def run_from_queue(channel, queue, code, setup):
    """Process target: the proxies arrive through a manager Queue instead of as arguments."""
    names = queue.get(timeout=30)
    channel.send(perform(names, code, setup))
    channel.close()


def run_in_worker(names, code, setup):
    """Pool / executor task: the proxies arrive as the task's argument; the result is returned."""
    return perform(names, code, setup)


def run_in_worker_packed(arguments):
    """``Pool.map`` task: one tuple of (names, code, setup)."""
    return perform(*arguments)
