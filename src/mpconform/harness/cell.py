"""One cell, from setup to outcome: build, start a fresh child, wait, observe, classify.

Runs in the runner process, which has no other threads, so that forking is safe.
"""

import multiprocessing
import os
import signal
import sys
import time
from multiprocessing.connection import wait

from mpconform import outcomes
from mpconform.harness import child, values
from mpconform.vocabulary import DEFAULT_TRANSPORT, WORKER_TRANSPORTS


class Aborted(Exception):
    """The runner was told to stop (its controlling process went away) in the middle of a cell."""


class ManagerPool:
    """One manager per start method, reused across cells and replaced when it dies."""

    def __init__(self):
        self._managers = {}

    def get(self, start_method):
        manager = self._managers.get(start_method)
        if manager is not None and not manager._process.is_alive():
            self.discard(start_method)
            manager = None
        if manager is None:
            manager = multiprocessing.get_context(start_method).Manager()
            self._managers[start_method] = manager
        return manager

    def discard(self, start_method):
        manager = self._managers.pop(start_method, None)
        if manager is not None:
            shutdown(manager)

    def close(self):
        for start_method in list(self._managers):
            self.discard(start_method)


def shutdown(manager):
    try:
        manager.shutdown()
    except Exception:
        pass
    process = getattr(manager, "_process", None)
    if process is not None and process.is_alive():
        stop(process)


def stop(process, grace=2.0):
    """Terminate, then kill, a multiprocessing Process; never leaves it running."""
    if process.is_alive():
        process.terminate()
        process.join(grace)
    if process.is_alive():
        os.kill(process.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
        process.join(grace)


def _raised(record, side, error):
    """``record`` as raised on ``side``; ``error`` is an exception or its description."""
    description = error if isinstance(error, dict) else child.describe_exception(error)
    return outcomes.raised_record(side, description, into=record)


def _signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return "signal %d" % number


def run(request, managers, abort=None):
    """Run one cell and return its record (plain literals).

    ``request``: the case's ``request()`` plus ``start_method``. ``abort``: an object with a
    ``fileno()`` that becomes readable when the runner must stop (POSIX only).
    """
    start_method = request["start_method"]
    record = outcomes.record()
    started = time.time()
    try:
        if start_method not in multiprocessing.get_all_start_methods():
            record["outcome"] = outcomes.skipped(
                "start method %r is not available on this platform" % start_method)
            return record
        return _run(request, managers, abort, record)
    finally:
        record["duration"] = round(time.time() - started, 4)


def _run(request, managers, abort, record):
    start_method = request["start_method"]
    seen = record["values"]
    try:
        manager = managers.get(start_method)
        names = {name: values.build(spec, manager) for name, spec in request["setup"].items()}
        before = values.read_state(names)
    except Exception as error:
        return _raised(record, "setup", error)
    seen["before"] = values.state_text(before)

    context = multiprocessing.get_context(start_method)
    transport = request.get("transport", DEFAULT_TRANSPORT)
    if transport == "executor" and sys.version_info < (3, 7):
        record["outcome"] = outcomes.skipped(
            "ProcessPoolExecutor takes no mp_context before Python 3.7 (bpo-31540), so it "
            "cannot be run under a chosen start method")
        return record
    try:
        if transport in WORKER_TRANSPORTS:
            report, hung, crash = _via_worker(transport, context, names, request)
            exitcode = None
        else:
            report, hung, exitcode = _via_process(transport, context, manager, names, request, abort)
            crash = None
    except Aborted:
        raise
    except Exception as error:
        return _raised(record, "parent", error)
    if exitcode is not None:
        seen["exitcode"] = exitcode
    if report is None:
        record["side"] = "child"
        if hung:
            record["outcome"] = outcomes.HUNG
            return record
        record["outcome"] = outcomes.CRASHED
        if crash:
            seen["crash"] = crash
        if exitcode is not None and exitcode < 0:
            seen["signal"] = _signal_name(-exitcode)
        return record

    intended = report["intended"]
    if intended is not None:
        seen["intended"] = values.state_text(intended)
    for key in ("intended_error", "child_before", "child_before_error", "child_after",
                "child_after_error"):
        if report.get(key) is not None:
            seen[key] = report[key]
    try:
        after = values.read_state(names)
        seen["parent_after"] = values.state_text(after)
    except Exception as error:
        if report.get("exception"):
            return _raised(record, "child", report["exception"])
        return _raised(record, "parent", error)
    if report.get("exception"):
        return _raised(record, "child", report["exception"])
    record["outcome"] = outcomes.compare_state(before, intended, after)
    return record


def _via_process(transport, context, manager, names, request, abort):
    """(report or None, hung, exit code): fresh children started with ``Process``.

    Usually one child; a case may ask for several that run the same code at once (a race,
    ordered by a Barrier of the case's own). Their report is the first child's, carrying the
    first exception any of them raised; the exit code is the first non-zero one of those that
    exited by themselves, else of all.
    """
    count = request.get("children", 1)
    pipes = [context.Pipe(duplex=False) for _ in range(count)]
    queue = None
    if transport == "manager-queue":
        queue = manager.Queue()
        queue.put(names)
    processes = []
    try:
        for _, writer in pipes:
            if queue is not None:
                target, arguments = child.run_from_queue, (writer, queue, request["code"], request["setup"])
            else:
                target, arguments = child.run, (writer, names, request["code"], request["setup"], count)
            # Not daemonic, like a user's own Process: the case's code may start processes
            # (a Manager of its own); ``stop`` ends the child whatever it does.
            process = context.Process(target=target, args=arguments, name="mpconform-cell")
            process.start()
            processes.append(process)
    except Exception:
        for process in processes:
            stop(process)
        for reader, writer in pipes:
            reader.close()
            writer.close()
        raise
    for _, writer in pipes:
        writer.close()
    readers = [reader for reader, _ in pipes]
    exited = []
    try:
        reports, hung = _await(processes, readers, request["timeout"], abort)
        # Before ``stop``: a sibling it terminates must not hide why the first one died.
        exited = [process.exitcode for process in processes if process.exitcode is not None]
    finally:
        for reader in readers:
            reader.close()
        for process in processes:
            stop(process)
    exitcodes = exited + [process.exitcode for process in processes]
    exitcode = next((code for code in exitcodes if code), exitcodes[0])
    if None in reports:
        return None, hung, exitcode
    report = reports[0]
    if not report.get("exception"):
        raised = [other["exception"] for other in reports[1:] if other.get("exception")]
        if raised:
            report = dict(report, exception=raised[0])
    return report, hung, exitcode


def _via_worker(transport, context, names, request):
    """(report or None, hung, crash description): one task on a fresh one-worker pool.

    The pool's threads live only for this cell: it is torn down (threads joined) before the
    runner starts anything else, so the runner never forks while it has other threads.
    """
    task = (names, request["code"], request["setup"])
    timeout = request["timeout"]
    if transport == "executor":
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures import TimeoutError as FutureTimeout
        from concurrent.futures.process import BrokenProcessPool

        executor = ProcessPoolExecutor(max_workers=1, mp_context=context)
        hung = False
        try:
            return executor.submit(child.run_in_worker, *task).result(timeout), False, None
        except FutureTimeout:
            hung = True
            return None, True, None
        except BrokenProcessPool as error:
            return None, False, "%s: %s" % (type(error).__name__, error)
        finally:
            for process in list((getattr(executor, "_processes", None) or {}).values()):
                if process.is_alive():
                    process.terminate()
            # A wedged executor may never finish shutting down: then its thread is left behind
            # and the runner restarts (see runner.serve) rather than fork beside it.
            executor.shutdown(wait=not hung)
    pool = context.Pool(1)
    try:
        if transport == "pool-apply":
            pending = pool.apply_async(child.run_in_worker, task)
            return pending.get(timeout), False, None
        pending = pool.map_async(child.run_in_worker_packed, [task])
        return pending.get(timeout)[0], False, None
    except multiprocessing.TimeoutError:
        return None, True, None
    finally:
        pool.terminate()
        pool.join()


def _await(processes, readers, timeout, abort):
    """(each child's report or None, whether they ran out of time).

    A child that reports and then does not exit keeps its outcome; ``stop`` ends it. A child
    that exits without reporting ends the wait: the others may be waiting for it.
    """
    deadline = time.time() + timeout
    reports = [None] * len(processes)
    pending = list(range(len(processes)))
    while pending:
        remaining = deadline - time.time()
        if remaining <= 0:
            return reports, True
        waiting_on = [readers[i] for i in pending] + [processes[i].sentinel for i in pending]
        if abort is not None:
            waiting_on.append(abort)
        ready = wait(waiting_on, remaining)
        if abort is not None and abort in ready:
            raise Aborted()
        for i in list(pending):
            # An exited child's report, sent just before it exited, is still in the pipe.
            if readers[i] in ready or (processes[i].sentinel in ready and readers[i].poll(0)):
                try:
                    reports[i] = readers[i].recv()
                except (EOFError, OSError):
                    return reports, False
                pending.remove(i)
            elif processes[i].sentinel in ready:
                return reports, False
    for process in processes:
        process.join(max(0.0, deadline - time.time()))
    return reports, False
