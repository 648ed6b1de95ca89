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

# Generous bounds on what crosses the pipe. The kept text is cut shorter, after stable_text has
# dropped what varies between runs: a cut made here would fall at a different place each run.
SENT_CHARACTERS = 200000


def describe_exception(error):
    import traceback  # only when something raised: it costs a spawned child ~10 ms to import

    return {
        "type": type(error).__name__,
        "module": type(error).__module__,
        "message": str(error)[:SENT_CHARACTERS],
        "traceback": "".join(traceback.format_exception(type(error), error, error.__traceback__))[-SENT_CHARACTERS:],
    }


def read_state_text(names):
    """(the text of what ``names`` hold now, exception description or None)."""
    try:
        return values.state_text(values.read_state(names)), None
    except Exception as error:
        return None, describe_exception(error)


def intended_state(case):
    """(the state ``case``'s code leaves on plain Python, error text or None).

    With several children the code runs ``case["children"]`` times in turn: what they would
    leave if none of them overlapped. ``case`` may be a whole request.
    """
    names = {name: values.build(spec, declaration=case.get("manager"))
             for name, spec in case["setup"].items()}
    scope = dict(names)
    scope["__name__"] = "__mpconform_model__"
    real_stdout, sys.stdout = sys.stdout, io.StringIO()  # what the code prints was shown once already
    try:
        compiled = compile(case["code"], "<case model>", "exec")
        for _ in range(case.get("children", 1)):
            exec(compiled, dict(scope))
        return values.read_state(names), None
    except Exception as error:
        return None, "%s: %s" % (type(error).__name__, error)
    finally:
        sys.stdout = real_stdout


def perform(names, case):
    """Run the case's code with ``names`` bound; the child's report (what it saw and meant).

    ``case``: ``code``, ``setup``, ``manager`` (its declaration, or None) and ``children`` (how
    many children run the code at once; the model runs it that often).
    """
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
        exec(compile(case["code"], "<case>", "exec"), scope)
        report["exception"] = None
    except BaseException as error:
        report["exception"] = describe_exception(error)
    report["child_after"], report["child_after_error"] = read_state_text(names)
    report["intended"], report["intended_error"] = intended_state(case)
    try:
        import pickle

        pickle.dumps(report["intended"])
    except Exception as error:  # the plain-Python state holds something unpicklable
        report["intended"] = None
        report["intended_error"] = "the intended state cannot be reported: %s: %s" % (
            type(error).__name__, error)
    return report


def run(channel, names, case):
    """Process target: ``names`` are the proxies (Process arguments), bound as globals of the code."""
    channel.send(perform(names, case))
    channel.close()


def run_from(channel, carrier, case):
    """Process target: the proxies arrive through a carrier, a Queue (manager or
    multiprocessing) or the receiving end of a Pipe."""
    if hasattr(carrier, "recv"):
        if not carrier.poll(30):
            raise RuntimeError("nothing arrived through the pipe in 30 s")
        names = carrier.recv()
    else:
        names = carrier.get(timeout=30)
    channel.send(perform(names, case))
    channel.close()


def run_in_worker(names, case):
    """Pool / executor task: the proxies arrive as the task's argument; the report is returned."""
    return perform(names, case)


def run_in_worker_packed(arguments):
    """``Pool.map`` task: one tuple of (names, case)."""
    return perform(*arguments)


_KEPT = {}


def keep(names):
    """Pool / executor initializer: keep the proxies in a global, as users do with initargs."""
    _KEPT.clear()
    _KEPT.update(names)


def run_kept(case):
    """Pool / executor task: run the case on the proxies the initializer kept."""
    return perform(dict(_KEPT), case)
