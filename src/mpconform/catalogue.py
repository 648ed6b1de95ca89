"""The case catalogue: read ``cases/*.py`` as data and generate the cases they declare.

A case module holds ``FAMILIES``, a list of literals read with ``ast.literal_eval``, so listing
and linting never run a case. A family is one pattern's operations, declared once and
multiplied by the containers they apply to::

    FAMILIES = [{
        "pattern": "nested-unmanaged",
        "summary": "`{code}` in the child, where {slot} holds a plain list",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#proxy-objects"],
        "containers": ["namespace", "list", "dict"],     # default: all of CONTAINERS
        "slot_value": [1],                               # what {slot} holds before the child runs
        "operations": {
            "append": {"code": "{slot}.append(10)"},
            "pop": {"code": "{slot}.pop()", "containers": ["list"], "expect": [...]},
        },
        "expect": [{"outcome": "lost"}],                 # see mpconform.expectations
    }]

More fields: ``setup`` (the names a case starts with, instead of a slot in a container),
``extra_setup`` (names added beside the container, e.g. a Barrier), ``code`` as a dict by
container (when each container needs its own code; ``{key}`` is the slot's accessor, ``.x`` or
``[0]``), ``transport``, ``children`` (how many children run the code at once), ``fix``.

Case ids are ``<pattern>.<container>.<operation>`` and are stable: the published matrix is
keyed by them.
"""

import ast
import hashlib
import os
import re

from mpconform import expectations
from mpconform.harness import values
from mpconform.harness.cell import TRANSPORTS

PATTERNS = {
    "direct-assign": "change the managed container itself",
    "nested-unmanaged": "mutate a plain object that lives inside a managed container",
    "reassign-back": "read a plain object out, mutate it, assign it back",
    "nested-managed": "mutate a manager proxy that lives inside a managed container",
    "gotcha": "plain-Python code that means something else on a proxy",
    "transport": "how the proxy reaches the child: arguments, a manager Queue, a Pool, an executor",
    "api-surface": "which methods and type features each version's proxies expose",
    "race": "two children change the same proxy at once, ordered by a Barrier",
}

# Where a case's value lives in each container, in the names the original question used.
# ``{slot}`` in a case's code is ``name`` + ``key`` (ns.x, ls[0]); ``wrap`` builds the container
# around the slot's value; ``{key}`` alone serves code that copies the container first.
CONTAINERS = {
    "namespace": {"name": "ns", "key": ".x", "kind": "manager.Namespace", "wrap": lambda v: {"x": v}},
    "list": {"name": "ls", "key": "[0]", "kind": "manager.list", "wrap": lambda v: [v]},
    "dict": {"name": "di", "key": "[0]", "kind": "manager.dict", "wrap": lambda v: {0: v}},
    "value": {"name": "v", "key": ".value", "kind": "manager.Value", "wrap": lambda v: ["i", v]},
    "array": {"name": "ar", "key": "[0]", "kind": "manager.Array", "wrap": lambda v: ["i", [v]]},
    "set": {"name": "st", "key": "", "kind": "manager.set", "wrap": lambda v: [v]},
}
# The containers a family applies to when it does not say: the three of the original question.
DEFAULT_CONTAINERS = ("namespace", "list", "dict")

FAMILY_FIELDS = ("pattern", "summary", "references", "containers", "slot_value", "container_value",
                 "setup", "operations", "mutations", "mutation_template", "mutation_target",
                 "extra_setup", "expect", "fix", "timeout", "transport", "children")
OPERATION_FIELDS = ("code", "summary", "containers", "slot_value", "container_value", "setup",
                    "extra_setup", "expect", "fix", "timeout", "note", "transport", "children")
DEFAULT_TIMEOUT = 20.0
DEFAULT_TRANSPORT = "process-args"
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class CaseError(ValueError):
    """A case module that cannot be read; the message names the file and what is wrong."""


class Case(object):
    """One behaviour: an operation of one pattern on one container."""

    __slots__ = ("id", "pattern", "container", "operation", "description", "code", "setup",
                 "references", "expect", "timeout", "source", "fix", "transport", "children")

    def __init__(self, id, pattern, container, operation, description, code, setup, references,
                 expect, timeout, source, fix=None, transport=DEFAULT_TRANSPORT, children=1):
        self.id = id
        self.pattern = pattern
        self.container = container
        self.operation = operation
        self.description = description
        self.code = code
        self.setup = setup
        self.references = references
        self.expect = expect
        self.timeout = timeout
        self.source = source
        self.fix = fix
        self.transport = transport
        self.children = children

    def __repr__(self):
        return "<Case %s>" % self.id

    def __str__(self):
        return self.id

    def expected(self, target):
        """The expectation entry in force for ``target`` (an expectations.Target)."""
        entry = expectations.resolve(self.expect, target)
        if entry is None:
            raise CaseError("%s: case %s has no expectation for %s %s under %s" % (
                self.source, self.id, target.implementation,
                ".".join(map(str, target.version)), target.start_method))
        return entry

    def request(self):
        """What the harness needs to run this case: plain literals only."""
        return {"id": self.id, "setup": self.setup, "code": self.code, "timeout": self.timeout,
                "transport": self.transport, "children": self.children}

    def content_hash(self):
        """Changes whenever what the case runs or expects changes."""
        parts = [self.id, self.setup, self.code, self.expect, self.timeout]
        if self.transport != DEFAULT_TRANSPORT:  # so that earlier cases keep their hashes
            parts.append(self.transport)
        if self.children != 1:
            parts.append(self.children)
        content = canonical_repr(parts)
        return hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]


def canonical_repr(value):
    """A repr that does not depend on dict insertion order."""
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda item: repr(item[0]))
        return "{" + ", ".join("%r: %s" % (k, canonical_repr(v)) for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(canonical_repr(v) for v in value)
        return ("[%s]" if isinstance(value, list) else "(%s)") % inner
    return repr(value)


def default_directory():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    return os.environ.get("MPCONFORM_CASES") or os.path.join(root, "cases")


def case_files(directory=None):
    directory = directory or default_directory()
    if not os.path.isdir(directory):
        raise CaseError("%s: the case directory does not exist" % directory)
    names = sorted(n for n in os.listdir(directory) if n.endswith(".py") and not n.startswith("_"))
    return [os.path.join(directory, name) for name in names]


def read_literal(path, name):
    """The module-level ``name = <literal>`` of a case file, read without importing it."""
    try:
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read(), filename=path)
    except (OSError, SyntaxError, ValueError) as error:
        raise CaseError("%s: cannot be read as Python: %s" % (path, error))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            try:
                return ast.literal_eval(node.value)
            except ValueError as error:
                raise CaseError("%s: %s must be a plain literal (%s)" % (path, name, error))
    raise CaseError("%s: no %s = ... at module level" % (path, name))


def read_mutations(directory):
    """The shared mutation sets (``_mutations.py`` beside the case modules), or {}."""
    path = os.path.join(directory, "_mutations.py")
    return read_literal(path, "MUTATIONS") if os.path.exists(path) else {}


def _family_operations(family, mutations, where):
    """The family's operations: its named mutation set, then its own (which win)."""
    operations = {}
    if "mutations" in family:
        if family["mutations"] not in mutations:
            known = ", ".join(sorted(mutations)) or "none: no _mutations.py beside the case files"
            raise CaseError("%s: unknown mutation set %r (one of %s)" % (where, family["mutations"], known))
        template = family.get("mutation_template", "{mutation}")
        target = family.get("mutation_target", "{slot}")
        for name, code in mutations[family["mutations"]].items():
            operations[name] = {"code": template.replace("{mutation}", code.replace("{target}", target))}
    operations.update(family.get("operations", {}))
    return operations


def read_families(path):
    """The FAMILIES literal of one case module, read without importing it."""
    families = read_literal(path, "FAMILIES")
    if not isinstance(families, list):
        raise CaseError("%s: FAMILIES must be a list of families" % path)
    return families


def one_line(code):
    """``code`` on one line, for a summary: ``with lock: x = 1; y = 2``."""
    return re.sub(r"\n\s*", "; ", re.sub(r":\n\s+", ": ", code))


def _fill(template, container):
    shape = CONTAINERS[container]
    return (template.replace("{slot}", shape["name"] + shape["key"])
            .replace("{key}", shape["key"]).replace("{c}", shape["name"]))


def _require(mapping, field, where):
    if field not in mapping:
        raise CaseError("%s: missing field %r" % (where, field))
    return mapping[field]


def expand_family(family, path, index, mutations=None):
    """The cases one family declares, in a stable order."""
    where = "%s: FAMILIES[%d]" % (path, index)
    if not isinstance(family, dict):
        raise CaseError("%s: must be a dict" % where)
    unknown = sorted(set(family) - set(FAMILY_FIELDS))
    if unknown:
        raise CaseError("%s: unknown field(s) %s" % (where, ", ".join(unknown)))
    pattern = _require(family, "pattern", where)
    if pattern not in PATTERNS:
        raise CaseError("%s: unknown pattern %r (one of %s)" % (where, pattern, ", ".join(PATTERNS)))
    where = "%s (pattern %s)" % (where, pattern)
    summary = _require(family, "summary", where)
    references = _require(family, "references", where)
    if not isinstance(references, list) or not references:
        raise CaseError("%s: 'references' must list at least one docs URL or issue" % where)
    if "operations" not in family and "mutations" not in family:
        raise CaseError("%s: missing field 'operations' (or 'mutations')" % where)
    if not isinstance(family.get("operations", {}), dict):
        raise CaseError("%s: 'operations' must be a dict" % where)
    operations = _family_operations(family, mutations or {}, where)
    if not operations:
        raise CaseError("%s: declares no operation" % where)
    family_containers = family.get("containers", list(DEFAULT_CONTAINERS))
    cases = []
    for name, operation in operations.items():
        here = "%s, operation %r" % (where, name)
        if not isinstance(name, str) or not _NAME.match(name):
            raise CaseError("%s: operation names are lower-case words joined by '-'" % here)
        if not isinstance(operation, dict):
            raise CaseError("%s: must be a dict" % here)
        unknown = sorted(set(operation) - set(OPERATION_FIELDS))
        if unknown:
            raise CaseError("%s: unknown field(s) %s" % (here, ", ".join(unknown)))
        code_templates = _require(operation, "code", here)
        if isinstance(code_templates, dict):
            if not code_templates or not all(isinstance(c, str) for c in code_templates.values()):
                raise CaseError("%s: 'code' by container must map container names to code" % here)
        elif not isinstance(code_templates, str):
            raise CaseError("%s: 'code' must be a string, or a dict of them by container" % here)
        expect = operation.get("expect", family.get("expect"))
        if expect is None:
            raise CaseError("%s: missing field 'expect' (on the operation or its family)" % here)
        try:
            expectations.validate(expect, here)
        except expectations.ExpectationError as error:
            raise CaseError(str(error))
        explicit_setup = operation.get("setup", family.get("setup"))
        if explicit_setup is None and not any(
                field in operation or field in family for field in ("slot_value", "container_value")):
            raise CaseError("%s: missing field 'slot_value' (on the operation or its family)" % here)
        slot_value = operation.get("slot_value", family.get("slot_value"))
        container_value = operation.get("container_value", family.get("container_value"))
        fix = operation.get("fix", family.get("fix"))
        transport = operation.get("transport", family.get("transport", DEFAULT_TRANSPORT))
        if transport not in TRANSPORTS:
            raise CaseError("%s: unknown transport %r (one of %s)" % (here, transport, ", ".join(TRANSPORTS)))
        timeout = float(operation.get("timeout", family.get("timeout", DEFAULT_TIMEOUT)))
        children = operation.get("children", family.get("children", 1))
        if not isinstance(children, int) or isinstance(children, bool) or not 1 <= children <= 8:
            raise CaseError("%s: 'children' must be a whole number from 1 to 8" % here)
        if children > 1 and transport != DEFAULT_TRANSPORT:
            raise CaseError("%s: several children run with the %s transport only" % (here, DEFAULT_TRANSPORT))
        extra_setup = operation.get("extra_setup", family.get("extra_setup", {}))
        if not isinstance(extra_setup, dict):
            raise CaseError("%s: 'extra_setup' must map names to specs" % here)
        default_containers = list(code_templates) if isinstance(code_templates, dict) else family_containers
        containers = operation.get("containers", default_containers)
        for container in containers:
            if container not in CONTAINERS:
                raise CaseError("%s: unknown container %r (one of %s)"
                                % (here, container, ", ".join(CONTAINERS)))
            shape = CONTAINERS[container]
            if isinstance(code_templates, dict):
                if container not in code_templates:
                    raise CaseError("%s: no code for container %r" % (here, container))
                code = _fill(code_templates[container], container)
            else:
                code = _fill(code_templates, container)
            if explicit_setup is not None:
                setup = explicit_setup
            else:
                content = container_value if container_value is not None else shape["wrap"](slot_value)
                setup = {shape["name"]: {shape["kind"]: content}}
            if extra_setup:
                clash = sorted(set(extra_setup) & set(setup))
                if clash:
                    raise CaseError("%s: 'extra_setup' names %s, which the setup already has"
                                    % (here, ", ".join(clash)))
                setup = dict(setup, **extra_setup)
            for setup_name, spec in setup.items():
                try:
                    values.build(spec)
                except values.SpecError as error:
                    raise CaseError("%s: setup of %r: %s" % (here, setup_name, error))
            description = operation.get("summary", summary).replace("{code}", one_line(code))
            description = _fill(description, container)
            cases.append(Case(
                id="%s.%s.%s" % (pattern, container, name),
                pattern=pattern, container=container, operation=name,
                description=description, code=code, setup=setup,
                references=list(references), expect=expect, timeout=timeout, source=path,
                fix=_fill(fix, container) if fix else fix,
                transport=transport, children=children,
            ))
    return cases


def load(directory=None):
    """Every case of the catalogue, validated; ids are unique across files."""
    cases = []
    seen = {}
    mutations = read_mutations(directory or default_directory())
    for path in case_files(directory):
        for index, family in enumerate(read_families(path)):
            for case in expand_family(family, path, index, mutations):
                if case.id in seen:
                    raise CaseError("%s: duplicate case id %s (also declared in %s)"
                                    % (path, case.id, seen[case.id]))
                seen[case.id] = path
                cases.append(case)
    return cases
