"""One cell, from setup to outcome: build, start a fresh child, wait, observe, classify.

Runs in the runner process, which has no other threads, so that forking is safe.
"""

import multiprocessing
import signal
import sys
import time
from multiprocessing.connection import wait

from mpconform import outcomes
from mpconform.harness import child, values
from mpconform.harness.managers import stop
from mpconform.identity import Identity, parse_version
from mpconform.vocabulary import DEFAULT_TRANSPORT, WORKER_TRANSPORTS


class Aborted(Exception):
    """The runner was told to stop (its controlling process went away) in the middle of a cell."""


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

    ``request``: the case's ``request()`` plus ``start_method``. ``managers``: a
    ``managers.ManagerPool``. ``abort``: an object with a ``fileno()`` that becomes readable
    when the runner must stop (POSIX only).
    """
    record = outcomes.record()
    started = time.time()
    try:
        reason = skip_reason(request)
        if reason:
            record["outcome"] = outcomes.skipped(reason)
            return record
        return _run(request, managers, abort, record)
    finally:
        managers.end_cell()
        record["duration"] = round(time.time() - started, 4)


def skip_reason(request, identity=None, platform=None):
    """Why this cell cannot run here, or None: the start method is missing, or one of the
    case's ``skip`` entries (``before`` a version, on ``platforms``, on an ``implementation``)
    applies."""
    if request["start_method"] not in multiprocessing.get_all_start_methods():
        return "start method %r is not available on this platform" % request["start_method"]
    identity = identity or Identity.current()
    platform = platform or sys.platform
    for entry in request.get("skip", ()):
        if "before" in entry and identity.version >= parse_version(entry["before"]):
            continue
        if "platforms" in entry and not any(platform.startswith(p) for p in entry["platforms"]):
            continue
        if "implementation" in entry and entry["implementation"] != identity.implementation:
            continue
        return entry["reason"]
    return None


def _run(request, managers, abort, record):
    start_method = request["start_method"]
    declaration = request.get("manager")
    seen = record["values"]
    try:
        manager = managers.get(start_method, declaration)
        names = {name: values.build(spec, manager, declaration) for name, spec in request["setup"].items()}
        before = values.read_state(names)
    except Exception as error:
        return _raised(record, "setup", error)
    seen["before"] = values.state_text(before)

    context = multiprocessing.get_context(start_method)
    transport = request.get("transport", DEFAULT_TRANSPORT)
    case = {"code": request["code"], "setup": request["setup"], "manager": declaration,
            "children": request.get("children", 1)}
    try:
        if transport in WORKER_TRANSPORTS:
            report, hung, crash = _via_worker(transport, context, names, case, request["timeout"])
            exitcode = None
        else:
            report, hung, exitcode = _via_process(transport, context, managers, names, case,
                                                  request["timeout"], abort)
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


def _via_process(transport, context, managers, names, case, timeout, abort):
    """(report or None, hung, exit code): fresh children started with ``Process``.

    Usually one child; a case may ask for several that run the same code at once (a race,
    ordered by a Barrier of the case's own). Their report is the first child's, carrying the
    first exception any of them raised; the exit code is the first non-zero one of those that
    exited by themselves, else of all. The proxies travel as Process arguments, or through a
    carrier: a manager Queue, a ``multiprocessing.Queue`` or a ``Pipe``.
    """
    pipes = [context.Pipe(duplex=False) for _ in range(case["children"])]
    carrier, sender = _carrier(transport, context, managers, case)
    processes = []
    try:
        for _, writer in pipes:
            if carrier is not None:
                target, arguments = child.run_from, (writer, carrier, case)
            else:
                target, arguments = child.run, (writer, names, case)
            # Not daemonic, like a user's own Process: the case's code may start processes
            # (a Manager of its own); ``stop`` ends the child whatever it does.
            process = context.Process(target=target, args=arguments, name="mpconform-cell")
            process.start()
            processes.append(process)
        if sender is not None:
            # After the children started: a multiprocessing.Queue's put starts a feeder thread,
            # and the runner must not fork while it has one.
            sender(names)
    except Exception:
        for process in processes:
            stop(process)
        for reader, writer in pipes:
            reader.close()
            writer.close()
        _close_carrier(carrier)
        raise
    for _, writer in pipes:
        writer.close()
    readers = [reader for reader, _ in pipes]
    exited = []
    try:
        reports, hung = _await(processes, readers, timeout, abort)
        # Before ``stop``: a sibling it terminates must not hide why the first one died.
        exited = _exit_codes_of_ended(processes)
    finally:
        for reader in readers:
            reader.close()
        for process in processes:
            stop(process)
        _close_carrier(carrier)
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


def _exit_codes_of_ended(processes, grace=5.0):
    """The exit codes of the children that have ended. A child's sentinel is ready as soon as
    its files close, a moment before it can be reaped: join those, or the code reads None."""
    ended = [process for process in processes if wait([process.sentinel], 0)]
    for process in ended:
        process.join(grace)
    return [process.exitcode for process in ended if process.exitcode is not None]


def _carrier(transport, context, managers, case):
    """(what the child reads the proxies from, how the parent sends them) for a transport."""
    if transport == "manager-queue":
        queue = managers.get(context.get_start_method()).Queue()  # the built-in SyncManager's
        return queue, queue.put
    if transport == "mp-queue":
        queue = context.Queue()
        return queue, queue.put
    if transport == "pipe":
        receiver, sender = context.Pipe(duplex=False)
        return receiver, sender.send
    return None, None


def _close_carrier(carrier):
    if carrier is None:
        return
    if hasattr(carrier, "join_thread"):  # a multiprocessing.Queue: stop its feeder thread
        carrier.close()
        carrier.join_thread()
    elif hasattr(carrier, "recv"):
        carrier.close()


def _via_worker(transport, context, names, case, timeout):
    """(report or None, hung, crash description): one task on a fresh one-worker pool.

    The proxies travel as the task's argument, or as the pool's ``initargs`` (kept by its
    initializer in a global, as users do). The pool's threads live only for this cell: it is
    torn down (threads joined) before the runner starts anything else, so the runner never
    forks while it has other threads.
    """
    kept = transport.endswith("-initializer")
    setup = {"initializer": child.keep, "initargs": (names,)} if kept else {}
    if transport.startswith("executor"):
        return _via_executor(context, names, case, timeout, setup)
    pool = context.Pool(1, **setup)
    try:
        if kept:
            pending = pool.apply_async(child.run_kept, (case,))
        elif transport == "pool-apply":
            pending = pool.apply_async(child.run_in_worker, (names, case))
        else:
            pending = pool.map_async(child.run_in_worker_packed, [(names, case)])
            return pending.get(timeout)[0], False, None
        return pending.get(timeout), False, None
    except multiprocessing.TimeoutError:
        return None, True, None
    finally:
        pool.terminate()
        pool.join()


def _via_executor(context, names, case, timeout, setup):
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures import TimeoutError as FutureTimeout
    from concurrent.futures.process import BrokenProcessPool

    executor = ProcessPoolExecutor(max_workers=1, mp_context=context, **setup)
    hung = False
    try:
        if setup:
            future = executor.submit(child.run_kept, case)
        else:
            future = executor.submit(child.run_in_worker, names, case)
        return future.result(timeout), False, None
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
