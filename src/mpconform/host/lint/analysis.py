"""Which names in a module are manager proxies, and what the code does with them (host side).

The module is read once, without running it. A value is a proxy when a manager made it
(``Manager()``, a context's ``Manager()``, ``SyncManager()``, ``with Manager() as m``, a
BaseManager subclass's registered typeids), when it was stored in an attribute (``self.ns =
m.Namespace()``), when it reaches a function as an argument of ``Process(target=…, args=…)``,
``Pool.apply/map/starmap``, an executor's ``submit/map`` or an initializer, or when a parameter
is annotated with a proxy type (``ListProxy``, ``DictProxy``, …). Values stored in a proxy are
followed as far as the module shows them (``ns.x = m.list()``, ``m.list([1, m.list()])``).

What the code does becomes *events*, each with a signature such as ``("mutate", "namespace",
"append")`` (a value read out of a Namespace and changed in place) or ``("call", "list", "copy")``.
The catalogue's cases are read the same way (``case_events``), so a signature leads to the cases
that show what it does: the checker holds no table of its own.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

# What a manager's method makes, by the name of the method (SyncManager's typeids).
MADE_BY = {
    "Namespace": "namespace", "list": "list", "dict": "dict", "Value": "value", "Array": "array",
    "Lock": "lock", "RLock": "lock", "Semaphore": "lock", "BoundedSemaphore": "lock",
    "Condition": "condition", "Event": "event", "Barrier": "barrier", "Queue": "queue",
    "JoinableQueue": "queue", "set": "set", "Pool": "pool", "shared_list": "list",
}
# Setup specs of the catalogue (``{"manager.list": [...]}``) use the same names.
ANNOTATIONS = {
    "NamespaceProxy": "namespace", "ListProxy": "list", "DictProxy": "dict", "ValueProxy": "value",
    "ArrayProxy": "array", "AcquirerProxy": "lock", "ConditionProxy": "condition",
    "EventProxy": "event", "BarrierProxy": "barrier", "SetProxy": "set", "BaseProxy": "object",
    "AutoProxy": "object",
}
MUTATORS = {"append", "extend", "insert", "pop", "remove", "sort", "reverse", "clear", "update",
            "setdefault", "popitem", "add", "discard", "__setitem__", "__delitem__", "__iadd__"}
LOCKS = {"lock", "condition"}
POOL_CALLS = {"apply", "apply_async", "map", "map_async", "imap", "imap_unordered", "starmap",
              "starmap_async", "submit"}
OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.BitOr: "|", ast.BitAnd: "&"}


@dataclass
class Proxy:
    """A proxy of some kind; what is known to be stored in it, by attribute or item."""

    kind: str
    slots: dict = field(default_factory=dict)   # attribute name or item key -> Proxy
    any_item: Proxy | None = None               # every item is this (``m.list([m.list()] * 3)``)


@dataclass(frozen=True)
class Event:
    signature: tuple
    line: int
    column: int
    text: str


MANAGER = Proxy("manager")


def _literal_key(node):
    if isinstance(node, ast.Constant):
        return repr(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return repr(-node.operand.value)
    return None


class _Module:
    """Names bound to managers and proxies, module-wide (flow-insensitive: a name that is ever
    bound to a proxy is one), and the functions that run in child processes."""

    def __init__(self, tree: ast.Module):
        self.managers: set[str] = set()          # names (and dotted self.x) bound to managers
        self.manager_classes: dict[str, set] = {}  # BaseManager subclasses: registered typeids
        self.proxies: dict[str, Proxy] = {}      # module-level names and "self.attr" -> Proxy
        # function -> its local names: a Proxy, or None for a name bound to something else there
        self.locals: dict[str, dict[str, Proxy | None]] = {}
        self.current = ""                        # the function whose body is being read
        self.params: dict[str, dict[int, Proxy]] = {}  # function name -> parameter index -> Proxy
        self.several: set[str] = set()           # functions that several processes run
        self.functions = {node.name: node for node in ast.walk(tree)
                          if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
        self._classes(tree)
        for _ in range(3):  # bindings feed each other (a proxy passed on, then stored)
            for node, function in _scoped(tree):
                self.current = function
                self._bind(node)
        self.current = ""

    def _classes(self, tree):
        bases = {"BaseManager", "SyncManager"}
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(_name(base) in bases for base in node.bases):
                self.manager_classes.setdefault(node.name, set())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "register" \
                    and _name(node.func.value) in self.manager_classes and node.args \
                    and isinstance(node.args[0], ast.Constant):
                self.manager_classes[_name(node.func.value)].add(node.args[0].value)

    def is_manager_call(self, node) -> bool:
        if not isinstance(node, ast.Call):
            return False
        called = _name(node.func)
        return called.split(".")[-1] in {"Manager", "SyncManager"} or called in self.manager_classes

    def made(self, node, scope=None) -> Proxy | None:
        """The proxy an expression makes or names, if any."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = _name(node.func.value)
            # Only a manager has a Namespace() method (argparse's Namespace is a class).
            namespace = node.func.attr == "Namespace" and owner.split(".")[-1] != "argparse"
            if owner in self.managers or self.is_manager_call(node.func.value) or namespace:
                typeid = node.func.attr
                registered = set().union(*self.manager_classes.values()) if self.manager_classes else set()
                if typeid in MADE_BY or typeid in registered:
                    made = Proxy(MADE_BY.get(typeid, "object"))
                    if node.args:
                        self._contents(made, node.args[0], scope)
                    return made
        return resolve(self, node, scope)[0] if scope is not None else self.lookup(_name(node))

    def lookup(self, name: str) -> Proxy | None:
        """The proxy ``name`` is where the module is being read (a function's own names first)."""
        here = self.locals.get(self.current, {})
        if self.current and "." not in name and name in here:
            return here[name]
        return self.proxies.get(name)

    def _store(self, name: str, made: Proxy | None) -> None:
        """Bind ``name``; one bound to proxies of two kinds, or to a proxy and to something else,
        in the same scope is none (the checker says only what it is sure of)."""
        table = self.locals.setdefault(self.current, {}) if self.current and "." not in name else self.proxies
        if name not in table:
            table[name] = made
        elif table[name] is not None and (made is None or made.kind != table[name].kind):
            table[name] = None

    def _contents(self, made: Proxy, node, scope):
        if isinstance(node, (ast.List, ast.Tuple)):
            for index, item in enumerate(node.elts):
                inner = self.made(item, scope)
                if inner is not None:
                    made.slots[repr(index)] = inner
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                inner = self.made(value, scope)
                if inner is not None and key is not None and _literal_key(key):
                    made.slots[_literal_key(key)] = inner
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and isinstance(node.left, ast.List) \
                and len(node.left.elts) == 1:
            made.any_item = self.made(node.left.elts[0], scope)

    def _bind(self, node):
        if isinstance(node, ast.withitem) and node.optional_vars is not None:
            if self.is_manager_call(node.context_expr):
                self.managers.add(_name(node.optional_vars))
        if isinstance(node, ast.Assign):
            for target in node.targets:
                self._assign(target, node.value)
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            self._assign(node.target, node.value)
        if isinstance(node, ast.Call):
            self._children(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for index, argument in enumerate(node.args.args):
                kind = ANNOTATIONS.get(_name(argument.annotation).split(".")[-1]) if argument.annotation else None
                if kind:
                    self.params.setdefault(node.name, {})[index] = Proxy(kind)

    def _assign(self, target, value):
        name = _name(target)
        if name.startswith("cls."):  # set on the class in setUpClass, read as self.x in methods
            name = "self." + name[len("cls."):]
        if self.is_manager_call(value):
            self.managers.add(name)
            return
        if name and _name(value) in self.managers and isinstance(value, (ast.Name, ast.Attribute)):
            self.managers.add(name)  # another name for the same manager
            return
        made = self.made(value)
        if name and isinstance(target, ast.Name) or (made is not None and isinstance(target, ast.Attribute)
                                                      and self.lookup(_name(target.value)) is None):
            self._store(name, made)
        # ns.x = m.list() / di['k'] = m.Queue(): a proxy stored in a proxy
        if isinstance(target, ast.Attribute) and made is not None:
            owner = self.lookup(_name(target.value))
            if owner is not None and owner.kind == "namespace":
                owner.slots.setdefault(target.attr, made)
        if isinstance(target, ast.Subscript) and made is not None:
            owner = self.lookup(_name(target.value))
            key = _literal_key(_index(target))
            if owner is not None:
                if key is not None:
                    owner.slots.setdefault(key, made)
                else:
                    owner.any_item = owner.any_item or made

    def _children(self, call: ast.Call):
        """Process(target=f, args=…), pool.apply(f, args), executor.submit(f, *args), initializers."""
        called = _name(call.func).split(".")[-1]
        keywords = {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg}
        pairs = []
        if called == "Process" and "target" in keywords:
            pairs.append((keywords["target"], keywords.get("args")))
        if called in POOL_CALLS and call.args:
            arguments = call.args[1] if len(call.args) > 1 else None
            if called == "submit":
                arguments = ast.Tuple(elts=call.args[1:])
            elif called in {"starmap", "starmap_async"} and isinstance(arguments, (ast.List, ast.Tuple)) \
                    and arguments.elts:
                arguments = arguments.elts[0]
            elif called in {"map", "map_async", "imap", "imap_unordered"}:
                arguments = None
            pairs.append((call.args[0], arguments))
            self.several.add(_name(call.args[0]))
        if "initializer" in keywords:
            pairs.append((keywords["initializer"], keywords.get("initargs")))
            self.several.add(_name(keywords["initializer"]))
        for function, arguments in pairs:
            name = _name(function)
            if name not in self.functions or not isinstance(arguments, (ast.Tuple, ast.List)):
                continue
            for index, argument in enumerate(arguments.elts):
                if _name(argument) in self.managers:
                    self.params.setdefault(name, {})[index] = MANAGER
                    continue
                made = self.made(argument)
                if made is not None:
                    self.params.setdefault(name, {})[index] = made


def _scoped(tree):
    """Every node with the name of the function whose body holds it ('' at module level)."""
    stack = [(tree, "")]
    while stack:
        node, function = stack.pop()
        for child in ast.iter_child_nodes(node):
            yield child, function
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            stack.append((child, inner))


def _name(node) -> str:
    """``a``, ``a.b.c``, or '' for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _name(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Subscript):  # ListProxy[int]
        return _name(node.value)
    return ""


def _index(node: ast.Subscript):
    index = node.slice
    return index.value if isinstance(index, ast.Index) else index  # ast.Index before 3.9


def resolve(module: _Module, node, scope: dict) -> tuple[Proxy | None, tuple | None]:
    """(the proxy ``node`` is, or None; else, when ``node`` is a value read out of a proxy, the
    read: (container kind, how it was read: "attribute", "item", "get", "setdefault", "value"))."""
    if isinstance(node, ast.Name):
        return (scope[node.id] if node.id in scope else module.proxies.get(node.id)), None
    if isinstance(node, ast.Attribute):
        dotted = _name(node)
        if dotted and (dotted in scope or module.proxies.get(dotted) is not None):
            return (scope[dotted] if dotted in scope else module.proxies.get(dotted)), None
        owner, _ = resolve(module, node.value, scope)
        if owner is not None and owner.kind in ("namespace", "object"):
            inner = owner.slots.get(node.attr)
            return (inner, None) if inner is not None else (None, (owner.kind, "attribute"))
        if owner is not None and owner.kind == "value" and node.attr == "value":
            return None, ("value", "value")
        return None, None
    if isinstance(node, ast.Subscript):
        owner, _ = resolve(module, node.value, scope)
        if owner is not None and owner.kind in ("list", "dict", "array"):
            key = _literal_key(_index(node))
            inner = owner.slots.get(key) if key is not None else None
            if inner is None and key is None and owner.slots:
                inner = next(iter(owner.slots.values()))  # an index we cannot read: assume the proxy
            inner = inner or owner.any_item
            return (inner, None) if inner is not None else (None, (owner.kind, "item"))
        return None, None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "setdefault"):
        owner, _ = resolve(module, node.func.value, scope)
        if owner is not None and owner.kind == "dict":
            key = _literal_key(node.args[0]) if node.args else None
            inner = owner.slots.get(key) if key is not None else None
            return (inner, None) if inner is not None else (None, ("dict", node.func.attr))
    return None, None
