"""Scenarios about a manager's lifetime that need processes of their own, for cases/lifetime.py.

A child process cannot hand a grandchild a function defined in a case string (spawn imports
targets by name), so these live here. Each raises, in the calling process, the exception the
scenario met, with its type and message, so that a cell's outcome names it. Standard library
only, Python 3.6 syntax.
"""

import builtins
import multiprocessing

WAIT = 30


def raise_as(type_name, message):
    """Raise an exception of the type named (a builtin or a multiprocessing one)."""
    kind = getattr(builtins, type_name, None) or getattr(multiprocessing, type_name, None)
    if not (isinstance(kind, type) and issubclass(kind, BaseException)):
        raise RuntimeError("%s: %s" % (type_name, message))
    raise kind(message)


def _use_when_told(shared, use_first, ready, go, reply):
    try:
        if use_first:
            len(shared)  # connects this process to the manager
        ready.set()
        go.wait(WAIT)
        shared.append(2)
        reply.send(None)
    except ConnectionError as error:
        # BrokenPipeError or ConnectionResetError, by when the server's socket closed: the same
        # event, so one outcome, with the exact type kept in the message.
        reply.send(("ConnectionError", "%s: %s" % (type(error).__name__, error)))
    except Exception as error:
        reply.send((type(error).__name__, str(error)))


def use_after_manager_exit(use_first):
    """A grandchild holds a proxy (connected already, or not yet); the ``with Manager()``
    block that made it is left; then the grandchild uses the proxy."""
    context = multiprocessing.get_context()
    receiver, sender = context.Pipe(duplex=False)
    ready, go = context.Event(), context.Event()
    with context.Manager() as manager:
        shared = manager.list([1])
        grandchild = context.Process(target=_use_when_told, args=(shared, use_first, ready, go, sender))
        grandchild.start()
        ready.wait(WAIT)
    # Leaving the block asks the server to stop; on 3.6 it may still answer for a moment, so the
    # grandchild goes on only once the server's process is gone.
    manager._process.join(WAIT)
    go.set()
    seen = receiver.recv() if receiver.poll(WAIT) else ("TimeoutError", "the grandchild did not answer")
    grandchild.join(WAIT)
    if seen is not None:
        raise_as(*seen)


def use_after_restart():
    """A proxy made by a manager that was then shut down and started again at the same
    address, used after the restart."""
    from multiprocessing.managers import SyncManager

    first = SyncManager(address=("127.0.0.1", 0))
    first.start()
    address = first.address
    shared = first.list([1])
    len(shared)
    first.shutdown()
    second = SyncManager(address=address)
    second.start()
    try:
        len(shared)
    finally:
        second.shutdown()
