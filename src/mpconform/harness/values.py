"""Build a case's containers from their literal spec, and read state back as plain values.

A spec is a literal in which a one-key dict whose key starts with ``manager.`` stands for a
managed object, e.g. ``{"manager.list": [1, {"manager.list": [1]}]}``. With a manager the spec
becomes proxies; as a model (``manager=None``) it becomes plain Python, on which the case's
code shows the state the user intended.
"""

MANAGED_KINDS = ("manager.list", "manager.dict", "manager.Namespace", "manager.Value",
                 "manager.Array", "manager.Queue", "manager.Event")


class SpecError(ValueError):
    """A setup spec the harness does not know how to build."""


class ModelNamespace(object):
    """Plain stand-in for a manager Namespace: a bag of attributes."""


class ModelValue(object):
    """Plain stand-in for a manager Value: one ``value`` attribute."""

    def __init__(self, typecode, value):
        self.value = value


class ModelQueue(object):
    """Plain stand-in for a manager Queue: what was put, in order."""

    def __init__(self, items):
        self.items = list(items)

    def put(self, item, block=True, timeout=None):
        self.items.append(item)

    def get(self, block=True, timeout=None):
        return self.items.pop(0)

    def qsize(self):
        return len(self.items)


class ModelEvent(object):
    def __init__(self, flag):
        self.flag = bool(flag)

    def set(self):
        self.flag = True

    def clear(self):
        self.flag = False

    def is_set(self):
        return self.flag


class Shown(object):
    """A managed object read back as ``Kind(state)``: Value(5), Queue(size=1), Event(set=True)."""

    def __init__(self, kind, state):
        self.kind = kind
        self.state = state

    def __eq__(self, other):
        return isinstance(other, Shown) and (self.kind, self.state) == (other.kind, other.state)

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        return "%s(%s)" % (self.kind, self.state)


class NamespaceView(object):
    """The attributes of a Namespace, compared by value, shown as Namespace(...) shows them."""

    def __init__(self, attributes):
        self.attributes = attributes

    def __eq__(self, other):
        return isinstance(other, NamespaceView) and self.attributes == other.attributes

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        items = sorted(self.attributes.items())
        return "Namespace(%s)" % ", ".join("%s=%r" % item for item in items)


def managed_kind(spec):
    if isinstance(spec, dict) and len(spec) == 1:
        key = next(iter(spec))
        if isinstance(key, str) and key.startswith("manager."):
            if key not in MANAGED_KINDS:
                raise SpecError("unknown managed kind %r (one of %s)" % (key, ", ".join(MANAGED_KINDS)))
            return key
    return None


def build(spec, manager=None):
    """Proxies made by ``manager`` for the managed parts of ``spec``; plain Python if None."""
    kind = managed_kind(spec)
    if kind is None:
        if isinstance(spec, list):
            return [build(item, manager) for item in spec]
        if isinstance(spec, dict):
            return dict((key, build(value, manager)) for key, value in spec.items())
        return spec
    value = spec[kind]
    if kind == "manager.list":
        items = [build(item, manager) for item in value]
        return items if manager is None else manager.list(items)
    if kind == "manager.dict":
        items = dict((key, build(item, manager)) for key, item in value.items())
        return items if manager is None else manager.dict(items)
    if kind == "manager.Value":
        typecode, item = value
        return ModelValue(typecode, item) if manager is None else manager.Value(typecode, item)
    if kind == "manager.Array":
        typecode, items = value
        return list(items) if manager is None else manager.Array(typecode, items)
    if kind == "manager.Queue":
        if manager is None:
            return ModelQueue(value)
        queue = manager.Queue()
        for item in value:
            queue.put(build(item, manager))
        return queue
    if kind == "manager.Event":
        if manager is None:
            return ModelEvent(value)
        event = manager.Event()
        if value:
            event.set()
        return event
    namespace = ModelNamespace() if manager is None else manager.Namespace()
    for key, item in value.items():
        setattr(namespace, key, build(item, manager))
    return namespace


def materialize(value):
    """Plain, comparable values for ``value``, reading through proxies at any depth."""
    from multiprocessing.managers import BaseProxy, Namespace

    if isinstance(value, BaseProxy):
        typeid = value._token.typeid
        # Queues and events hold locks: they cannot be copied out, only asked about.
        if typeid in ("Queue", "JoinableQueue"):
            return Shown("Queue", "size=%d" % value.qsize())
        if typeid == "Event":
            return Shown("Event", "set=%s" % value.is_set())
        value = value._getvalue()
        if typeid == "Value":
            return Shown("Value", repr(materialize(value.get())))
        if typeid == "Array":
            return [materialize(item) for item in value]
    if isinstance(value, ModelQueue):
        return Shown("Queue", "size=%d" % value.qsize())
    if isinstance(value, ModelEvent):
        return Shown("Event", "set=%s" % value.is_set())
    if isinstance(value, ModelValue):
        return Shown("Value", repr(materialize(value.value)))
    if isinstance(value, (Namespace, ModelNamespace)):
        return NamespaceView(dict((k, materialize(v)) for k, v in vars(value).items()))
    if isinstance(value, list):
        return [materialize(item) for item in value]
    if isinstance(value, tuple):
        return tuple(materialize(item) for item in value)
    if isinstance(value, dict):
        return dict((key, materialize(item)) for key, item in value.items())
    return value


def snapshot(names):
    """``{name: materialized value}`` for a case's top-level names."""
    return dict((name, materialize(value)) for name, value in sorted(names.items()))


def show(state):
    """The text a record keeps for a snapshot: ``ns=Namespace(x=2)``, one name per line."""
    return "\n".join("%s=%r" % (name, value) for name, value in sorted(state.items()))
