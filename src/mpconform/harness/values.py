"""Build a case's containers from their literal spec, and read state back as plain values.

A spec is a literal in which a one-key dict whose key starts with ``manager.`` stands for a
managed object, e.g. ``{"manager.list": [1, {"manager.list": [1]}]}``. With a manager the spec
becomes proxies; as a model (``manager=None``) it becomes plain Python, on which the case's
code shows the state the user intended.
"""

from mpconform.vocabulary import MANAGED_KINDS

# Kinds whose spec is the one argument of their constructor: Semaphore(1), Barrier(2).
_COUNTED = ("manager.Semaphore", "manager.BoundedSemaphore", "manager.Barrier")
# Kinds whose spec says whether they start acquired: {"manager.Lock": True}.
_ACQUIRABLE = ("manager.Lock", "manager.RLock", "manager.Condition")


class SpecError(ValueError):
    """A setup spec the harness does not know how to build."""


class ModelNamespace:
    """Plain stand-in for a manager Namespace: a bag of attributes."""


class ModelValue:
    """Plain stand-in for a manager Value: one ``value`` attribute."""

    def __init__(self, typecode, value):
        self.value = value


class ModelQueue:
    """Plain stand-in for a manager Queue: what was put, in order."""

    def __init__(self, items):
        self.items = list(items)

    def put(self, item, block=True, timeout=None):
        self.items.append(item)

    def get(self, block=True, timeout=None):
        return self.items.pop(0)

    def qsize(self):
        return len(self.items)


class ModelJoinableQueue(ModelQueue):
    def task_done(self):
        pass

    def join(self):
        pass


class ModelEvent:
    def __init__(self, flag):
        self.flag = bool(flag)

    def set(self):
        self.flag = True

    def clear(self):
        self.flag = False

    def is_set(self):
        return self.flag


class ModelLock:
    """Plain stand-in for a manager Lock, RLock or Condition, in one thread of control.

    Where the real one would block (acquiring a held Lock), the model returns False: the model
    runs each child's code in turn, so there is no one to wait for.
    """

    def __init__(self, kind, held=False):
        self.kind = kind
        self.count = 1 if held else 0

    def acquire(self, blocking=True, timeout=None):
        if self.count and self.kind == "Lock":
            return False
        self.count += 1
        return True

    def release(self):
        if not self.count:
            raise RuntimeError("release unlocked lock")
        self.count -= 1

    def locked(self):
        return self.count > 0

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc_info):
        self.release()

    def _require_held(self, what):
        if not self.count:
            raise RuntimeError("cannot %s on un-acquired lock" % what)

    def wait(self, timeout=None):
        self._require_held("wait")
        return False

    def wait_for(self, predicate, timeout=None):
        self._require_held("wait")
        return predicate()

    def notify(self, n=1):
        self._require_held("notify")

    def notify_all(self):
        self._require_held("notify")


class ModelSemaphore:
    def __init__(self, value, bounded=False):
        self.value = value
        self.bound = value if bounded else None

    def acquire(self, blocking=True, timeout=None):
        if self.value:
            self.value -= 1
            return True
        return False

    def release(self):
        if self.bound is not None and self.value >= self.bound:
            raise ValueError("Semaphore released too many times")
        self.value += 1

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc_info):
        self.release()


class ModelBarrier:
    """A Barrier whose parties arrive one after another: wait() never blocks."""

    def __init__(self, parties):
        self.parties = parties
        self.n_waiting = 0
        self.broken = False

    def wait(self, timeout=None):
        if self.broken:
            import threading
            raise threading.BrokenBarrierError()
        return 0

    def abort(self):
        self.broken = True

    def reset(self):
        self.broken = False


class ModelSharedMemory:
    """Plain stand-in for a SharedMemory block: ``buf`` is its bytes."""

    def __init__(self, size):
        self.buf = bytearray(size)


class ModelManager:
    """Plain stand-in for a manager: what it makes is the plain object a proxy stands for.

    ``registry``: ``{typeid: callable}`` of a declared manager's own registrations; the model
    of such an object is what the callable returns.
    """

    def __init__(self, registry=None):
        self._registry = registry or {}

    def __getattr__(self, typeid):
        if typeid.startswith("_") or typeid not in self._registry:
            raise AttributeError(typeid)
        return self._registry[typeid]

    def list(self, sequence=()):
        return list(sequence)

    def dict(self, *args, **kwargs):
        return dict(*args, **kwargs)

    def set(self, sequence=()):
        return set(sequence)

    def Namespace(self, **attributes):
        namespace = ModelNamespace()
        namespace.__dict__.update(attributes)
        return namespace

    def Value(self, typecode, value):
        return ModelValue(typecode, value)

    def Array(self, typecode, sequence):
        return list(sequence)

    def Queue(self, maxsize=0):
        return ModelQueue(())

    def JoinableQueue(self, maxsize=0):
        return ModelJoinableQueue(())

    def Event(self):
        return ModelEvent(False)

    def Lock(self):
        return ModelLock("Lock")

    def RLock(self):
        return ModelLock("RLock")

    def Condition(self, lock=None):
        return ModelLock("Condition")

    def Semaphore(self, value=1):
        return ModelSemaphore(value)

    def BoundedSemaphore(self, value=1):
        return ModelSemaphore(value, bounded=True)

    def Barrier(self, parties, action=None, timeout=None):
        return ModelBarrier(parties)

    def ShareableList(self, sequence=None):
        return list(sequence or ())

    def SharedMemory(self, size):
        return ModelSharedMemory(size)

    def shutdown(self):
        pass


class Reading:
    """A managed object read back as ``Kind(state)``: Value(5), Queue(size=1), Event(set=True)."""

    def __init__(self, kind, state):
        self.kind = kind
        self.state = state

    def __eq__(self, other):
        return isinstance(other, Reading) and (self.kind, self.state) == (other.kind, other.state)

    def __repr__(self):
        return "%s(%s)" % (self.kind, self.state)


class NamespaceView:
    """The attributes of a Namespace, compared by value, shown as Namespace(...) shows them."""

    def __init__(self, attributes):
        self.attributes = attributes

    def __eq__(self, other):
        return isinstance(other, NamespaceView) and self.attributes == other.attributes

    def __repr__(self):
        items = sorted(self.attributes.items())
        return "Namespace(%s)" % ", ".join("%s=%r" % item for item in items)


def managed_kind(spec, registered=()):
    """The ``manager.<kind>`` key of a spec that stands for a managed object, else None.

    ``registered``: the typeids a declared manager registers beside the built-in kinds.
    """
    if isinstance(spec, dict) and len(spec) == 1:
        key = next(iter(spec))
        if isinstance(key, str) and key.startswith("manager."):
            if key not in MANAGED_KINDS and key[len("manager."):] not in registered:
                known = list(MANAGED_KINDS) + ["manager." + typeid for typeid in sorted(registered)]
                raise SpecError("unknown managed kind %r (one of %s)" % (key, ", ".join(known)))
            return key
    return None


def build(spec, manager=None, declaration=None):
    """Proxies made by ``manager`` for the managed parts of ``spec``; plain Python if None.

    ``declaration``: the case's manager declaration (see ``managers``), whose registrations are
    the kinds beyond SyncManager's.
    """
    from mpconform.harness import managers

    registry = managers.registry(declaration) if declaration else {}
    maker = ModelManager(registry) if manager is None else manager
    return _build(spec, maker, registry)


def _build(spec, maker, registered=()):
    """``spec`` built by ``maker``: a real manager, or the ModelManager of plain objects."""
    kind = managed_kind(spec, registered)
    if kind is None:
        if isinstance(spec, list):
            return [_build(item, maker, registered) for item in spec]
        if isinstance(spec, dict):
            return {key: _build(value, maker, registered) for key, value in spec.items()}
        return spec
    value = spec[kind]
    if kind == "manager.SyncManager":
        return maker
    if kind not in MANAGED_KINDS:  # a registered typeid: the spec lists its arguments
        return getattr(maker, kind.split(".", 1)[1])(*[_build(item, maker, registered) for item in value])
    if value and kind in _ACQUIRABLE and kind != "manager.Lock":
        raise SpecError("%s cannot start acquired: reentrant, it would read as free to the "
                        "process that acquired it" % kind)
    make = getattr(maker, kind.split(".")[1])  # AttributeError where a version lacks the kind
    if kind == "manager.list":
        return make([_build(item, maker, registered) for item in value])
    if kind == "manager.dict":
        return make({key: _build(item, maker, registered) for key, item in value.items()})
    if kind == "manager.set":
        return make({_build(item, maker, registered) for item in value})
    if kind == "manager.ShareableList":
        return make(list(value))
    if kind == "manager.SharedMemory":
        return make(value)
    if kind in ("manager.Value", "manager.Array"):
        typecode, content = value
        return make(typecode, content)
    if kind in _COUNTED:
        return make(value)
    made = make()
    if kind in _ACQUIRABLE:
        if value:
            made.acquire()
    elif kind in ("manager.Queue", "manager.JoinableQueue"):
        for item in value:
            made.put(_build(item, maker, registered))
    elif kind == "manager.Event":
        if value:
            made.set()
    else:  # manager.Namespace
        for key, item in value.items():
            setattr(made, key, _build(item, maker, registered))
    return made


def _held(acquirable):
    """Whether a Lock, RLock or Condition proxy is held: try it, give it back.

    An RLock or Condition is reentrant: one held through this process's own connection reads
    as free, so such specs never start acquired (a child's hold reads as held).
    """
    if acquirable.acquire(False):
        acquirable.release()
        return False
    return True


def _semaphore_value(semaphore, most=1000):
    """A Semaphore proxy's counter (it exposes none): take what can be taken, give it back."""
    taken = 0
    while taken < most and semaphore.acquire(False):
        taken += 1
    for _ in range(taken):
        semaphore.release()
    return taken


def _barrier(barrier):
    return Reading("Barrier", "parties=%d, broken=%s" % (barrier.parties, barrier.broken))


def read(value):
    """Plain, comparable values for ``value``, reading through proxies at any depth."""
    from multiprocessing.managers import BaseManager, BaseProxy, Namespace

    if isinstance(value, BaseProxy):
        typeid = value._token.typeid
        # Queues, events and locks cannot be copied out, only asked about.
        if typeid in ("Queue", "JoinableQueue"):
            return Reading(typeid, "size=%d" % value.qsize())
        if typeid == "Event":
            return Reading("Event", "set=%s" % value.is_set())
        if typeid in ("Lock", "RLock", "Condition"):
            return Reading(typeid, "locked=%s" % _held(value))
        if typeid in ("Semaphore", "BoundedSemaphore"):
            return Reading(typeid, "value=%d" % _semaphore_value(value))
        if typeid == "Barrier":
            return _barrier(value)
        value = value._getvalue()
        if typeid == "Value":
            return Reading("Value", repr(read(value.get())))
        if typeid == "Array":
            return [read(item) for item in value]
    shared = _shared_memory_reading(value)
    if shared is not None:
        return shared
    if isinstance(value, ModelJoinableQueue):
        return Reading("JoinableQueue", "size=%d" % value.qsize())
    if isinstance(value, ModelQueue):
        return Reading("Queue", "size=%d" % value.qsize())
    if isinstance(value, ModelEvent):
        return Reading("Event", "set=%s" % value.is_set())
    if isinstance(value, ModelLock):
        return Reading(value.kind, "locked=%s" % value.locked())
    if isinstance(value, ModelSemaphore):
        return Reading("BoundedSemaphore" if value.bound is not None else "Semaphore",
                     "value=%d" % value.value)
    if isinstance(value, ModelBarrier):
        return _barrier(value)
    if isinstance(value, (BaseManager, ModelManager)):
        return Reading("SyncManager", "")
    if isinstance(value, ModelValue):
        return Reading("Value", repr(read(value.value)))
    if isinstance(value, (Namespace, ModelNamespace)):
        return NamespaceView({k: read(v) for k, v in vars(value).items()})
    if isinstance(value, list):
        return [read(item) for item in value]
    if isinstance(value, tuple):
        return tuple(read(item) for item in value)
    if isinstance(value, dict):
        return {key: read(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return {read(item) for item in value}
    if type(value).__module__.startswith("cases") and hasattr(value, "__dict__"):
        # An object of a class registered by a case's own manager: its attributes.
        attributes = sorted((k, read(v)) for k, v in vars(value).items())
        return Reading(type(value).__name__, ", ".join("%s=%r" % item for item in attributes))
    return value


def _shared_memory_reading(value):
    """A ShareableList as a list; a SharedMemory block as its bytes (trailing zeros, which
    platforms add when they round the size up, left out); else None."""
    if isinstance(value, ModelSharedMemory):
        return Reading("SharedMemory", repr(bytes(value.buf).rstrip(b"\0")))
    try:
        from multiprocessing import shared_memory
    except ImportError:  # before 3.8
        return None
    if isinstance(value, shared_memory.ShareableList):
        return [read(item) for item in value]
    if isinstance(value, shared_memory.SharedMemory):
        return Reading("SharedMemory", repr(bytes(value.buf).rstrip(b"\0")))
    return None


def read_state(names):
    """The state of a case's top-level names: ``{name: what read() gives}``."""
    return {name: read(value) for name, value in sorted(names.items())}


def state_text(state):
    """The text a record keeps for a state: ``ns=Namespace(x=2)``, one name per line."""
    return "\n".join("%s=%r" % (name, value) for name, value in sorted(state.items()))
