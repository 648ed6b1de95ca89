"""The runner: a single-threaded process that runs cells one after another.

pytest (and pytest-xdist's workers, which run threads) never fork: they start a runner with
``subprocess`` and send it one request per line; the runner, which has no other threads, starts
each cell's child. Requests and records travel as Python literals (``repr`` /
``ast.literal_eval``), which keep what JSON would lose (integer dict keys, tuples).

Started as ``python -c "from mpconform.harness.runner import main; main()"``, so that spawned
children have no ``__main__`` module to import again. Its stdin closing means "stop": the
runner then stops its children and managers and exits, also in the middle of a cell.
"""

import ast
import gc
import multiprocessing
import os
import signal
import sys
import threading

from mpconform import outcomes
from mpconform.harness import cell, child, managers


def _stop_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def serve(requests, replies, abort=None):
    """Answer each request line with one record line, until ``requests`` ends."""
    pool = managers.ManagerPool()
    try:
        while True:
            line = requests.readline()
            if not line:
                return
            request = ast.literal_eval(line.decode("utf-8") if isinstance(line, bytes) else line)
            threads = threading.active_count()
            if threads != 1:
                record = outcomes.raised_record("runner", {
                    "type": "RunnerError", "module": __name__,
                    "message": "runner has %d threads" % threads})
            else:
                try:
                    record = cell.run(request, pool, abort)
                except cell.Aborted:
                    return
                except Exception as error:
                    record = outcomes.raised_record("runner", child.describe_exception(error))
            # Something a cell started did not stop (a wedged executor's thread): say so, and
            # stop; the client starts a fresh runner rather than let this one fork beside it.
            restart = threading.active_count() != 1
            if restart:
                record["restart"] = True
            replies.write((repr(record) + "\n").encode("utf-8"))
            replies.flush()
            if restart:
                return
            gc.collect()  # after the reply, while the client reads it: off the cell's path
    finally:
        pool.close()
        for process in multiprocessing.active_children():
            managers.stop(process)


def main():
    # The protocol owns the real stdout; whatever cells print goes to stderr (the runner's log).
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    # Set the dispositions the harness relies on rather than inheriting the launcher's.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    if "forkserver" in multiprocessing.get_all_start_methods():
        # Its children then start with the harness's child module imported; what the case's
        # code does through the proxies is unchanged.
        multiprocessing.get_context("forkserver").set_forkserver_preload(["mpconform.harness.child"])
    if hasattr(gc, "freeze"):  # 3.7+
        # What the runner has imported lives as long as it does. Frozen, it is left out of the
        # collection after each cell, and a forked child's collector never touches (and so
        # never copies) those pages.
        gc.freeze()
    requests = sys.stdin.buffer
    abort = requests if os.name == "posix" else None
    try:
        serve(requests, replies, abort)
    except KeyboardInterrupt:
        pass
    finally:
        replies.close()
