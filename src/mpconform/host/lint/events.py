"""What code does with proxies, as events with signatures (host side); see ``analysis``.

Signatures:
- ``("mutate", kind, how)``: a value read out of a proxy, changed in place (``ns.x.append(…)``:
  ``("mutate", "namespace", "append")``; ``d.get(k).append(…)``: ``("mutate", "dict", "get.append")``;
  ``ls[0][0] = 5``: ``("mutate", "list", "item-assign")``);
- ``("race", kind)``: a proxy's slot read, then written from what was read, outside ``with lock:``,
  in code that several processes run;
- ``("call", kind, method)``, ``("nested-call", kind, method)`` (on a proxy read out of another),
  ``("operator", kind, op)``, ``("builtin", kind, function)``, ``("compare", kind)``,
  ``("hash", kind)``, ``("subscript", kind)``, ``("pass-to-child", "manager", transport)``,
  ``("after-shutdown", kind)`` (a proxy used after its manager's ``with`` block ended), …
"""

from __future__ import annotations

import ast

from mpconform.host.lint.analysis import (
    ANNOTATIONS,
    LOCKS,
    MADE_BY,
    MANAGER,
    MUTATORS,
    OPERATORS,
    Event,
    Proxy,
    _Module,
    _name,
    resolve,
)

BUILTINS = {"reversed", "isinstance", "copy.deepcopy", "copy.copy", "deepcopy", "json.dumps", "vars", "repr",
            "pickle.dumps"}


class _Visitor(ast.NodeVisitor):
    def __init__(self, module: _Module, scope: dict, several: bool, lines: list[str], function: bool = False):
        self.scope_is_function = function
        self.module = module
        self.scope = scope
        self.several = several
        self.lines = lines
        self.events: list[Event] = []
        self.locked = 0
        self.copies: dict[str, tuple] = {}  # local name -> the proxy slot it was read from
        self.local_functions: set[str] = set()  # functions defined in this function: not picklable
        self.dead: set[str] = set()  # proxies whose manager's `with` block has ended

    def add(self, signature: tuple, node) -> None:
        text = self.lines[node.lineno - 1].strip() if 0 < node.lineno <= len(self.lines) else ""
        self.events.append(Event(signature, node.lineno, node.col_offset, text))

    def resolve(self, node):
        return resolve(self.module, node, self.scope)

    # ---- scopes: nested functions get their own visit (see module_events)
    def visit_FunctionDef(self, node):
        if self.scope_is_function:
            self.local_functions.add(node.name)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_With(self, node):
        locking = any(self._is_lock(item.context_expr) for item in node.items)
        for item in node.items:
            self.visit(item.context_expr)
        self.locked += locking
        for statement in node.body:
            self.visit(statement)
        self.locked -= locking
        # `with Manager() as m:` shuts the manager down at the end: what it made is dead after.
        for item in node.items:
            if item.optional_vars is not None and self.module.is_manager_call(item.context_expr):
                manager = _name(item.optional_vars)
                self.dead |= {_name(target) for inner in node.body for assign in ast.walk(inner)
                              if isinstance(assign, ast.Assign) and isinstance(assign.value, ast.Call)
                              and isinstance(assign.value.func, ast.Attribute)
                              and _name(assign.value.func.value) == manager for target in assign.targets}

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id in self.dead:
            proxy, _ = self.resolve(node)
            if proxy is not None:
                self.add(("after-shutdown", proxy.kind), node)

    def _is_lock(self, node) -> bool:
        proxy, _ = self.resolve(node)
        if proxy is not None and proxy.kind in LOCKS:
            return True
        return "lock" in _name(node).lower() or (isinstance(node, ast.Call) and "lock" in _name(node.func).lower())

    # ---- calls
    def visit_Call(self, node):
        function = node.func
        if isinstance(function, ast.Attribute):
            proxy, read = self.resolve(function.value)
            if proxy is not None:
                nested = self._nested(function.value)
                method = function.attr
                if method == "notify" and (node.args or node.keywords):
                    method = "notify(n)"
                values = list(node.args) + [keyword.value for keyword in node.keywords]
                if any(isinstance(value, ast.Lambda) or _name(value) in self.local_functions for value in values):
                    self.add(("unpicklable-argument", proxy.kind), node)  # lambdas, local functions
                else:
                    self.add(("nested-call" if nested else "call", proxy.kind, method), node)
            elif read is not None and function.attr in MUTATORS:
                how = function.attr if read[1] in ("attribute", "item", "value") else f"{read[1]}.{function.attr}"
                self.add(("mutate", read[0], how), node)
        called = _name(function)
        if called in BUILTINS and node.args:
            proxy, _ = self.resolve(node.args[0])
            if proxy is not None:
                detail = "copy.deepcopy" if called == "deepcopy" else called
                if detail == "isinstance" and len(node.args) > 1:
                    detail = "isinstance:" + _name(node.args[1]).split(".")[-1]
                holds_proxies = bool(proxy.slots) or proxy.any_item is not None
                self.add(("builtin", proxy.kind, detail) + (("holding proxies",) if holds_proxies else ()), node)
        passed = []
        if called.split(".")[-1] == "Process":
            passed = [("process-args", keyword.value.elts) for keyword in node.keywords
                      if keyword.arg == "args" and isinstance(keyword.value, (ast.Tuple, ast.List))]
        elif called.split(".")[-1] == "submit":
            passed = [("executor", node.args[1:])]
        elif called.split(".")[-1] in ("apply", "apply_async") and len(node.args) > 1 \
                and isinstance(node.args[1], (ast.Tuple, ast.List)):
            passed = [("pool-apply", node.args[1].elts)]
        for transport, items in passed:
            if any(_name(item) in self.module.managers or self.scope.get(_name(item)) is MANAGER for item in items):
                self.add(("pass-to-child", "manager", transport), node)
        self.generic_visit(node)

    def _nested(self, node) -> bool:
        """Whether the proxy ``node`` names was read out of another proxy (``ns.x``, ``ls[0]``)."""
        if isinstance(node, ast.Subscript):
            return self.resolve(node.value)[0] is not None
        if isinstance(node, ast.Attribute):
            return self.resolve(node.value)[0] is not None and _name(node) not in self.module.proxies
        return isinstance(node, ast.Call)

    # ---- assignments: in-place changes of read-out values, and read-modify-writes
    def visit_Assign(self, node):
        self.visit(node.value)
        for target in node.targets:
            self._store(target, node, "item-assign", node.value)
            if isinstance(target, ast.Name):
                slot = self._slot(node.value)
                if slot is not None:
                    self.copies[target.id] = slot
                else:
                    self.copies.pop(target.id, None)

    def visit_AugAssign(self, node):
        self.visit(node.value)
        operator = OPERATORS.get(type(node.op), "op")
        proxy, _ = self.resolve(node.target)
        if proxy is not None:
            self.add(("operator", proxy.kind, operator + "="), node)
            return
        self._store(node.target, node, "item-augmented", None, augmented=True)

    def visit_Delete(self, node):
        for target in node.targets:
            self._store(target, node, "item-delete", None)

    def _store(self, target, node, how, value, augmented=False):
        if isinstance(target, ast.Subscript):
            proxy, read = self.resolve(target.value)
            if read is not None and proxy is None:
                self.add(("mutate", read[0], how), node)
                return
            if proxy is not None and proxy.kind == "namespace":
                self.add(("subscript", "namespace"), node)
        if isinstance(target, ast.Attribute):
            proxy, read = self.resolve(target.value)
            if read is not None and proxy is None:
                self.add(("mutate", read[0], "attribute-assign"), node)
                return
        if isinstance(target, ast.Attribute) and target.attr.startswith("_") and not augmented:
            proxy, _ = self.resolve(target.value)
            if proxy is not None and proxy.kind == "namespace":
                self.add(("private-attribute", "namespace"), node)
                return
        if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Slice) and how == "item-assign":
            proxy, _ = self.resolve(target.value)
            if proxy is not None:
                self.add(("slice-assign", proxy.kind), node)
        slot = self._slot(target)
        if slot is not None and self.several and not self.locked:
            reads_itself = augmented or (value is not None and any(
                self._slot(inner) == slot or (isinstance(inner, ast.Name) and self.copies.get(inner.id) == slot)
                for inner in ast.walk(value)))
            if reads_itself:
                self.add(("race", slot[0]), node)
        if isinstance(target, (ast.Subscript, ast.Attribute)):
            self.visit(target)

    def _slot(self, node):
        """(kind, where) when ``node`` is a slot of a proxy: ``ns.x``, ``ls[0]``, ``v.value``."""
        if isinstance(node, ast.Attribute):
            owner, _ = self.resolve(node.value)
            if owner is not None and owner.kind in ("namespace", "value"):
                return (owner.kind, _name(node.value), node.attr)
        if isinstance(node, ast.Subscript):
            owner, _ = self.resolve(node.value)
            if owner is not None and owner.kind in ("list", "dict", "array"):
                return (owner.kind, _name(node.value), ast.dump(node.slice))
        return None

    # ---- iteration, generic aliases, identity
    def visit_For(self, node):
        self._iterates(node.iter, node)
        self.generic_visit(node)

    def visit_comprehension(self, node):
        self._iterates(node.iter, node.iter)
        self.generic_visit(node)

    def _iterates(self, iterable, node):
        proxy, _ = self.resolve(iterable)
        if proxy is not None:
            self.add(("iterate", proxy.kind), node)

    # ---- operators, comparisons, hashing
    def visit_BinOp(self, node):
        for side, operand in (("left", node.left), ("right", node.right)):
            proxy, _ = self.resolve(operand)
            if proxy is not None:
                self.add(("operator", proxy.kind, OPERATORS.get(type(node.op), "op"), side), node)
        self.generic_visit(node)

    def visit_Compare(self, node):
        operands = [node.left] + node.comparators
        for operator, left, right in zip(node.ops, operands, operands[1:]):
            if isinstance(operator, (ast.Is, ast.IsNot)) and self.resolve(left)[0] is not None \
                    and self._nested(left):
                self.add(("identity", self.resolve(left)[0].kind), node)
            if isinstance(operator, (ast.Eq, ast.NotEq)):
                for proxy_side, other in ((left, right), (right, left)):
                    proxy, _ = self.resolve(proxy_side)
                    if proxy is not None and isinstance(other, (ast.List, ast.Dict, ast.Set, ast.Tuple, ast.Constant)):
                        self.add(("compare", proxy.kind), node)
        self.generic_visit(node)

    def visit_Dict(self, node):
        for key in node.keys:
            if key is not None and self.resolve(key)[0] is not None:
                self.add(("hash", self.resolve(key)[0].kind), node)
        self.generic_visit(node)

    def visit_Subscript(self, node):
        proxy, _ = self.resolve(node.value)
        if proxy is not None and proxy.kind == "namespace":
            self.add(("subscript", "namespace"), node)
        kind = ANNOTATIONS.get(_name(node.value).split(".")[-1])
        if kind and proxy is None:
            self.add(("generic-alias", kind), node)  # ListProxy[int]
        self.generic_visit(node)


def module_events(source: str, scope: dict | None = None, several: bool | None = None,
                  body_of_function: bool = False) -> list[Event]:
    """Every event in ``source``. ``scope`` binds names to proxies for the module's top level (a
    case's setup); ``several`` says whether the top level runs in several processes;
    ``body_of_function``, whether it is a function's body (a case's child code is)."""
    tree = ast.parse(source)
    module = _Module(tree)
    lines = source.splitlines()
    found: list[Event] = []
    top = dict(scope or {})
    visitor = _Visitor(module, top, bool(several), lines, function=body_of_function)
    for statement in tree.body:
        visitor.visit(statement)
    found += visitor.events
    several_times = _started_several_times(tree)
    for name, function in module.functions.items():
        bound = dict(top)
        # A parameter is a proxy only when the module shows one arriving there.
        bound.update((argument.arg, None) for argument in function.args.args)
        bound.update(module.locals.get(name, {}))
        for index, proxy in module.params.get(name, {}).items():
            if index < len(function.args.args):
                bound[function.args.args[index].arg] = proxy
        runs_several = name in module.several or name in several_times
        inner = _Visitor(module, bound, runs_several, lines, function=True)
        for statement in function.body:
            inner.visit(statement)
        found += inner.events
    return sorted(set(found), key=lambda event: (event.line, event.column, event.signature))


def _started_several_times(tree) -> set[str]:
    """Functions given as Process(target=…) in a loop or a comprehension, or in two places or more."""
    starts: dict[str, list] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func).split(".")[-1] == "Process":
            for keyword in node.keywords:
                if keyword.arg == "target" and _name(keyword.value):
                    starts.setdefault(_name(keyword.value), []).append(node)
    several = {name for name, calls in starts.items() if len(calls) > 1}
    loops = (ast.For, ast.While, ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)
    in_loops = {id(inner) for node in ast.walk(tree) if isinstance(node, loops) for inner in ast.walk(node)}
    several |= {name for name, calls in starts.items() if any(id(call) in in_loops for call in calls)}
    return several


def setup_scope(setup: dict) -> dict:
    """A case's setup (``{"ls": {"manager.list": [{"manager.list": [1]}]}}``) as proxies."""
    scope = {}
    for name, spec in setup.items():
        made = _from_spec(spec)
        if made is not None:
            scope[name] = made
    return scope


def _from_spec(spec):
    if not (isinstance(spec, dict) and len(spec) == 1):
        return None
    (key, value), = spec.items()
    if not key.startswith("manager."):
        return None
    typeid = key.split(".", 1)[1]
    if typeid in ("SyncManager", "Manager"):
        return MANAGER
    made = Proxy(MADE_BY.get(typeid, "object"))
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for slot, inner in items:
        inner_proxy = _from_spec(inner)
        if inner_proxy is not None:
            made.slots[slot if made.kind == "namespace" else repr(slot)] = inner_proxy
    return made
