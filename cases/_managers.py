"""Managers of the user's own, and the classes they register, for the cases that declare them.

A manager server started under spawn or forkserver imports what it serves by name, so these
live in an importable module, never in case strings. Standard library only, Python 3.6 syntax:
like the cases, this runs inside every interpreter under test. The helpers at the end take the
case's own object, so that on the plain-Python model (where there is no manager) they do what
the user meant, and on a proxy they do what users do.
"""

import multiprocessing
from multiprocessing.managers import BaseManager, BaseProxy, ListProxy, SyncManager


class Counter:
    """What users register most: state changed through methods."""

    def __init__(self, start=0):
        self.count = start
        self.marks = []

    def increment(self):
        self.count += 1
        return self.count

    def get(self):
        return self.count

    @property
    def doubled(self):
        return self.count * 2

    def __call__(self):
        return self.count

    def twin(self):
        """Itself: a method that ``method_to_typeid`` declares to return a proxy."""
        return self

    def tally(self):
        """A list it holds: returned by value, so the caller gets a copy."""
        return self.marks

    def history(self):
        """A generator: cannot be pickled back to the caller."""
        yield from range(self.count)

    def refuse(self):
        raise ValueError("the counter refuses")


class CounterProxy(BaseProxy):
    """A proxy class of the user's own: only what it forwards works."""

    _exposed_ = ("increment", "get")

    def increment(self):
        return self._callmethod("increment")

    def get(self):
        return self._callmethod("get")


class Tracked:
    """An object whose destruction the Census counts, in the process that made it.

    Copies (what reading it through a proxy unpickles) carry no mark and are not counted.
    """

    destroyed = 0

    def __init__(self):
        self.original = True

    def __reduce__(self):
        return (_unmarked_tracked, ())

    def __del__(self):
        if self.__dict__.get("original"):
            Tracked.destroyed += 1


def _unmarked_tracked():
    return Tracked.__new__(Tracked)


class Census:
    def destroyed(self):
        import gc

        gc.collect()
        return Tracked.destroyed


class CountingManager(SyncManager):
    """A SyncManager with classes of the user's own registered beside the built-in kinds."""


# A method listed in method_to_typeid returns a proxy of the typeid named there, which is
# registered with callable=None: the server then serves the returned object itself.
CountingManager.register("Counter", Counter, method_to_typeid={"twin": "CounterRef"})
CountingManager.register("CounterRef", None, create_method=False)
CountingManager.register("ProxiedCounter", Counter, proxytype=CounterProxy)
CountingManager.register("LimitedCounter", Counter, exposed=("increment",))
CountingManager.register("Tracked", Tracked)
CountingManager.register("Census", Census)

_SHARED = []


def _shared_list(*content):
    """The server's one list; given a content (a cell's setup), it holds that first."""
    if content:
        _SHARED[:] = content[0]
    return _SHARED


class RemoteManager(BaseManager):
    """The documentation's remote manager: a server that hands out one shared list."""


RemoteManager.register("shared_list", callable=_shared_list, proxytype=ListProxy)


def connect(shared, authkey):
    """A client of the manager that serves ``shared``, connected by address with ``authkey``
    (as a program on another machine would). On the model: ``shared``'s own stand-in."""
    if not isinstance(shared, BaseProxy):
        return _PlainRemote(shared)
    client = RemoteManager(address=shared._token.address, authkey=authkey)
    client.connect()
    return client


class _PlainRemote:
    def __init__(self, shared):
        self._shared = shared

    def shared_list(self):
        return self._shared


_OTHERS = []


def another_managers_dict(like):
    """A dict made by a second manager, started here; on the model, a plain dict."""
    if not isinstance(like, BaseProxy):
        return {}
    other = multiprocessing.Manager()
    _OTHERS.append(other)  # kept running until this process exits
    return other.dict()

