"""Each managed kind, declared once: how a case's spec builds it, its plain-Python model, and how
it reads back as plain, comparable values.

A spec is a literal in which a one-key dict whose key starts with ``manager.`` stands for a
managed object, e.g. ``{"manager.list": [1, {"manager.list": [1]}]}``. With a manager the spec
becomes proxies; as a model (``manager=None``) it becomes plain Python, on which the case's
code shows the state the user intended. Adding a kind is one entry of ``KINDS`` (and its word in
``vocabulary.MANAGED_KINDS``); a case's own manager adds kinds by registering them.
"""

from mpconform.vocabulary import MANAGED_KINDS


class SpecError(ValueError):
    """A setup spec the harness does not know how to build."""


class Model:
    """A plain stand-in for a managed object; ``typeid`` names its kind in KINDS."""

    typeid = None


class ModelNamespace(Model):
    """Plain stand-in for a manager Namespace: a bag of attributes."""


class ModelValue(Model):
    """Plain stand-in for a manager Value: one ``value`` attribute."""

    typeid = "Value"

    def __init__(self, typecode, value):
        self.value = value


class ModelQueue(Model):
    """Plain stand-in for a manager Queue: what was put, in order."""

    typeid = "Queue"

    def __init__(self, items=()):
        self.items = list(items)

    def put(self, item, block=True, timeout=None):
        self.items.append(item)

    def get(self, block=True, timeout=None):
        return self.items.pop(0)

    def qsize(self):
        return len(self.items)


class ModelJoinableQueue(ModelQueue):
    typeid = "JoinableQueue"

    def task_done(self):
        pass

    def join(self):
        pass


class ModelEvent(Model):
    typeid = "Event"

    def __init__(self, flag=False):
        self.flag = bool(flag)

    def set(self):
        self.flag = True

    def clear(self):
        self.flag = False

    def is_set(self):
        return self.flag


class ModelLock(Model):
    """Plain stand-in for a manager Lock, RLock or Condition, in one thread of control.

    Where the real one would block (acquiring a held Lock), the model returns False: the model
    runs each child's code in turn, so there is no one to wait for.
    """

    def __init__(self, typeid, held=False):
        self.typeid = typeid
        self.count = 1 if held else 0

    def acquire(self, blocking=True, timeout=None):
        if self.count and self.typeid == "Lock":
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


class ModelSemaphore(Model):
    def __init__(self, value=1, bounded=False):
        self.typeid = "BoundedSemaphore" if bounded else "Semaphore"
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


class ModelBarrier(Model):
    """A Barrier whose parties arrive one after another: wait() never blocks."""

    typeid = "Barrier"

    def __init__(self, parties, action=None, timeout=None):
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


class ModelSharedMemory(Model):
    """Plain stand-in for a SharedMemory block: ``buf`` is its bytes."""

    typeid = "SharedMemory"

    def __init__(self, size):
        self.buf = bytearray(size)


class Kind:
    """One kind of managed object.

    ``typeid``: the manager's method that makes it. ``model``: what it is on plain Python (called
    like that method). ``arguments(value, build)``: that method's arguments from the spec's value
    (``build`` builds nested specs). ``after(made, value, build)``: what is done once it is made.
    ``read(it)``: how it reads back, for a proxy and for its model alike (None: by value).
    ``check(value)``: refuses a spec that cannot be observed.
    """

    def __init__(self, typeid, model, arguments=None, after=None, read=None, check=None):
        self.typeid = typeid
        self.model = model
        self.arguments = arguments or (lambda value, build: ())
        self.after = after
        self.read = read
        self.check = check


def _put_each(made, value, build):
    for item in value:
        made.put(build(item))


def _set_if_asked(made, value, build):
    if value:
        made.set()


def _acquire_if_asked(made, value, build):
    if value:
        made.acquire()


def _set_attributes(made, value, build):
    for key, item in value.items():
        setattr(made, key, build(item))


def _never_held(value):
    if value:
        raise SpecError("cannot start acquired: reentrant, it would read as free to the process "
                        "that acquired it")


def _reading(typeid, state):
    return lambda it: Reading(typeid, state(it))


def _lock_state(it):
    return "locked=%s" % (it.locked() if isinstance(it, Model) else _held(it))


def _semaphore_state(it):
    return "value=%d" % (it.value if isinstance(it, Model) else _semaphore_value(it))


def _barrier_state(it):
    return "parties=%d, broken=%s" % (it.parties, it.broken)


def _shared_memory_state(it):
    # Trailing zeros, which platforms add when they round a block's size up, left out.
    return repr(bytes(it.buf).rstrip(b"\0"))


def _array_reading(it):
    return [read(item) for item in it._getvalue()]


_ARGUMENT = lambda value, build: (value,)  # noqa: E731 - one argument, as the spec gives it
_TWO = lambda value, build: tuple(value)  # noqa: E731 - (typecode, content)

KINDS = {
    "manager.list": Kind("list", list, lambda value, build: ([build(item) for item in value],)),
    "manager.dict": Kind("dict", dict, lambda value, build: ({k: build(v) for k, v in value.items()},)),
    "manager.set": Kind("set", lambda items=(): set(items),
                        lambda value, build: ({build(item) for item in value},)),
    "manager.Namespace": Kind("Namespace", ModelNamespace, after=_set_attributes),
    "manager.Value": Kind("Value", ModelValue, _TWO, read=_reading("Value", lambda it: repr(read(it.value)))),
    "manager.Array": Kind("Array", lambda typecode, sequence: list(sequence), _TWO, read=_array_reading),
    "manager.Queue": Kind("Queue", lambda maxsize=0: ModelQueue(), after=_put_each,
                          read=_reading("Queue", lambda it: "size=%d" % it.qsize())),
    "manager.JoinableQueue": Kind("JoinableQueue", lambda maxsize=0: ModelJoinableQueue(), after=_put_each,
                                  read=_reading("JoinableQueue", lambda it: "size=%d" % it.qsize())),
    "manager.Event": Kind("Event", ModelEvent, after=_set_if_asked,
                          read=_reading("Event", lambda it: "set=%s" % it.is_set())),
    "manager.Lock": Kind("Lock", lambda: ModelLock("Lock"), after=_acquire_if_asked,
                         read=_reading("Lock", _lock_state)),
    "manager.RLock": Kind("RLock", lambda: ModelLock("RLock"), check=_never_held,
                          read=_reading("RLock", _lock_state)),
    "manager.Condition": Kind("Condition", lambda lock=None: ModelLock("Condition"), check=_never_held,
                              read=_reading("Condition", _lock_state)),
    "manager.Semaphore": Kind("Semaphore", ModelSemaphore, _ARGUMENT,
                              read=_reading("Semaphore", _semaphore_state)),
    "manager.BoundedSemaphore": Kind("BoundedSemaphore", lambda value=1: ModelSemaphore(value, bounded=True),
                                     _ARGUMENT, read=_reading("BoundedSemaphore", _semaphore_state)),
    "manager.Barrier": Kind("Barrier", ModelBarrier, _ARGUMENT, read=_reading("Barrier", _barrier_state)),
    "manager.ShareableList": Kind("ShareableList", lambda sequence=None: list(sequence or ()),
                                  lambda value, build: (list(value),)),
    "manager.SharedMemory": Kind("SharedMemory", ModelSharedMemory, _ARGUMENT,
                                 read=_reading("SharedMemory", _shared_memory_state)),
}
BY_TYPEID = {kind.typeid: kind for kind in KINDS.values()}


class ModelManager:
    """Plain stand-in for a manager: what it makes is the plain object a proxy stands for.

    ``registry``: ``{typeid: callable}`` of a declared manager's own registrations; the model
    of such an object is what the callable returns.
    """

    def __init__(self, registry=None):
        self._registry = registry or {}

    def __getattr__(self, typeid):
        if typeid in BY_TYPEID:  # before the registry, which also lists SyncManager's own kinds
            return BY_TYPEID[typeid].model
        if typeid in self._registry:
            return self._registry[typeid]
        raise AttributeError(typeid)

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
    key = managed_kind(spec, registered)
    if key is None:
        if isinstance(spec, list):
            return [_build(item, maker, registered) for item in spec]
        if isinstance(spec, dict):
            return {name: _build(value, maker, registered) for name, value in spec.items()}
        return spec
    value = spec[key]

    def nested(item):
        return _build(item, maker, registered)

    if key == "manager.SyncManager":
        return maker
    kind = KINDS.get(key)
    if kind is None:  # a registered typeid: the spec lists its arguments
        return getattr(maker, key[len("manager."):])(*[nested(item) for item in value])
    if kind.check is not None:
        try:
            kind.check(value)
        except SpecError as error:
            raise SpecError("%s %s" % (key, error)) from None
    made = getattr(maker, kind.typeid)(*kind.arguments(value, nested))  # AttributeError where a version lacks it
    if kind.after is not None:
        kind.after(made, value, nested)
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


def _kind_of(value):
    """The kind a proxy, a model, or a shared-memory object stands for, or None."""
    from multiprocessing.managers import BaseProxy

    if isinstance(value, BaseProxy):
        return BY_TYPEID.get(value._token.typeid)
    if isinstance(value, Model):
        return BY_TYPEID.get(value.typeid)
    if type(value).__name__ in ("ShareableList", "SharedMemory") and \
            type(value).__module__ == "multiprocessing.shared_memory":
        return BY_TYPEID[type(value).__name__]
    return None


def read(value):
    """Plain, comparable values for ``value``, reading through proxies at any depth."""
    from multiprocessing.managers import BaseManager, BaseProxy, Namespace

    kind = _kind_of(value)
    if kind is not None and kind.read is not None:
        return kind.read(value)
    if isinstance(value, BaseProxy):
        value = value._getvalue()  # lists, dicts, namespaces, a case's own registered objects
    elif kind is not None:  # a ShareableList: its items
        return [read(item) for item in value]
    if isinstance(value, (BaseManager, ModelManager)):
        return Reading("SyncManager", "")
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


def read_state(names):
    """The state of a case's top-level names: ``{name: what read() gives}``."""
    return {name: read(value) for name, value in sorted(names.items())}


def state_text(state):
    """The text a record keeps for a state: ``ns=Namespace(x=2)``, one name per line."""
    return "\n".join("%s=%r" % (name, value) for name, value in sorted(state.items()))
