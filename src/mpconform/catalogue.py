"""The case catalogue: read ``cases/*.py`` as data and generate the cases they declare.

A case module states its ``PATTERN`` once and holds ``FAMILIES``: literals read with
``ast.literal_eval``, so listing and linting never run a case. A family is operations declared
once and multiplied by the containers they apply to::

    PATTERN = "nested-unmanaged"
    FAMILIES = [{
        "summary": "`{code}` in the child, where {slot} holds a plain list",
        "slot_value": [1],                          # what {slot} holds before the child runs
        "expect": [{"outcome": "lost"}],            # see mpconform.expectations
        "operations": {
            "append": {"code": "{slot}.append(10)"},
            "pop": {"code": "{slot}.pop()", "containers": ["list"]},
        },
    }]

An operation inherits every field it does not set from its family. Each generated code string
is compiled when the catalogue loads, and every rule in ``RULES`` is checked, so a mistake in a
case fails ``list`` and collection with one line naming its file, family and operation.

Case ids are ``<pattern>.<container>.<operation>`` and are stable: the published matrix is
keyed by them.
"""

import ast
import hashlib
import os
import re
import sys

from mpconform import expectations
from mpconform.harness import managers, values
from mpconform.identity import VersionError, parse_version
from mpconform.vocabulary import CONTAINERS, DEFAULT_CONTAINERS, DEFAULT_TRANSPORT, PATTERNS, TRANSPORTS

# Fields an operation may set; all but ``code`` may also be set by its family for every operation.
OPERATION_FIELDS = ("code", "summary", "containers", "slot_value", "setup", "expect", "fix",
                    "transport", "children", "manager", "skip")
SKIP_FIELDS = ("reason", "before", "platforms", "implementation")
FAMILY_FIELDS = OPERATION_FIELDS[1:] + ("references", "operations", "mutations")
MUTATION_FIELDS = ("set", "template", "target")
# The placeholders of a case's code: the slot (ns.x, ls[0]), its accessor (.x, [0]), the
# container's name (ns, ls); a summary may also show the code itself.
CODE_PLACEHOLDERS = ("slot", "key", "c")
SUMMARY_PLACEHOLDERS = CODE_PLACEHOLDERS + ("code",)
TIMEOUT = 20.0
MAX_CHILDREN = 8
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
# What a container holding one value is built from, by container: ns.x, ls[0], di[0], v.value ...
_HOLDING = {
    "namespace": lambda value: {"x": value},
    "list": lambda value: [value],
    "dict": lambda value: {0: value},
    "value": lambda value: ["i", value],
    "array": lambda value: ["i", [value]],
    "set": lambda value: [value],
}


class CaseError(ValueError):
    """A case module that cannot be read; the message names the file and what is wrong.

    ``rule``: the name of the rule in ``RULES`` that refused it, if one did.
    """

    def __init__(self, message, rule=None):
        ValueError.__init__(self, message)
        self.rule = rule


class Case:
    """One behaviour: an operation of one pattern on one container."""

    __slots__ = ("id", "pattern", "container", "operation", "description", "code", "setup",
                 "references", "expect", "source", "family", "fix", "transport", "children",
                 "manager", "skip")

    def __init__(self, **fields):
        fields.setdefault("fix", None)
        fields.setdefault("transport", DEFAULT_TRANSPORT)
        fields.setdefault("children", 1)
        fields.setdefault("family", 0)
        fields.setdefault("manager", None)
        fields.setdefault("skip", [])
        for name in self.__slots__:
            setattr(self, name, fields.pop(name))
        if fields:
            raise TypeError("unknown Case field(s): %s" % ", ".join(sorted(fields)))

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
        return {"id": self.id, "setup": self.setup, "code": self.code, "timeout": TIMEOUT,
                "transport": self.transport, "children": self.children, "manager": self.manager,
                "skip": self.skip}

    def content_hash(self):
        """Changes whenever what the case runs or expects changes: its request and expectations."""
        content = canonical_repr([self.request(), self.expect])
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


# ---- reading case modules ------------------------------------------------------------------

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


def read_literals(path, *names):
    """The module-level ``name = <literal>`` assignments of a file, read without importing it."""
    try:
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read(), filename=path)
    except (OSError, SyntaxError, ValueError) as error:
        raise CaseError("%s: cannot be read as Python: %s" % (path, error)) from None
    found = {}
    for node in tree.body:
        targets = [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
        for name in set(targets) & set(names):
            try:
                found[name] = ast.literal_eval(node.value)
            except ValueError as error:
                raise CaseError("%s: %s must be a plain literal (%s)" % (path, name, error)) from None
    missing = [name for name in names if name not in found]
    if missing:
        raise CaseError("%s: no %s = ... at module level" % (path, " or ".join(missing)))
    return [found[name] for name in names]


def read_mutations(directory):
    """The shared mutation sets (``_mutations.py`` beside the case modules), or {}."""
    path = os.path.join(directory, "_mutations.py")
    return read_literals(path, "MUTATIONS")[0] if os.path.exists(path) else {}


# ---- the rules a case must keep, each small and named --------------------------------------
# Family rules see the family as written; operation rules see one operation with its family's
# fields inherited; case rules see one generated case's code, summary and setup.

def _refuse(where, message, *arguments):
    raise CaseError("%s: %s" % (where, message % arguments))


def _unknown_family_fields(family, where):
    unknown = sorted(set(family) - set(FAMILY_FIELDS))
    if unknown:
        _refuse(where, "unknown field(s) %s (a family may set %s)", ", ".join(unknown),
                ", ".join(FAMILY_FIELDS))


def _references_are_a_list(family, where):
    references = family.get("references", [])
    if not isinstance(references, list) or not all(isinstance(r, str) and r for r in references):
        _refuse(where, "'references' must be a list of docs URLs or issues")


def _operations_declared(family, where):
    if not isinstance(family.get("operations", {}), dict):
        _refuse(where, "'operations' must be a dict of operations by name")
    if not family.get("operations") and "mutations" not in family:
        _refuse(where, "declares no operation (give 'operations' or 'mutations')")


def _mutations_well_formed(family, where):
    mutations = family.get("mutations")
    if mutations is None:
        return
    if not isinstance(mutations, dict) or "set" not in mutations:
        _refuse(where, "'mutations' must be a dict with 'set' (and optionally 'template', 'target')")
    unknown = sorted(set(mutations) - set(MUTATION_FIELDS))
    if unknown:
        _refuse(where, "unknown field(s) %s in 'mutations' (one of %s)", ", ".join(unknown),
                ", ".join(MUTATION_FIELDS))


def _unknown_operation_fields(operation, where):
    unknown = sorted(set(operation.written) - set(OPERATION_FIELDS))
    if unknown:
        _refuse(where, "unknown field(s) %s (an operation may set %s)", ", ".join(unknown),
                ", ".join(OPERATION_FIELDS))


def _operation_name(operation, where):
    if not isinstance(operation.name, str) or not _NAME.match(operation.name):
        _refuse(where, "operation names are lower-case words joined by '-'")


def _code_given(operation, where):
    code = operation.get("code")
    if code is None:
        _refuse(where, "missing field 'code'")
    if isinstance(code, dict):
        if not code or not all(isinstance(c, str) for c in code.values()):
            _refuse(where, "'code' by container must map container names to code")
    elif not isinstance(code, str):
        _refuse(where, "'code' must be a string, or a dict of them by container")


def _summary_given(operation, where):
    if not isinstance(operation.get("summary"), str):
        _refuse(where, "missing field 'summary' (on the operation or its family)")


def _expectations_valid(operation, where):
    if "expect" not in operation:
        _refuse(where, "missing field 'expect' (on the operation or its family)")
    try:
        expectations.validate(operation["expect"], where)
    except expectations.ExpectationError as error:
        raise CaseError(str(error)) from None


def _containers_known(operation, where):
    for container in operation.containers():
        if container not in CONTAINERS:
            _refuse(where, "unknown container %r (one of %s)", container, ", ".join(CONTAINERS))
    code = operation.get("code")
    if isinstance(code, dict):
        for container in operation.containers():
            if container not in code:
                _refuse(where, "no code for container %r", container)


def _setup_given(operation, where):
    setup = operation.get("setup", {})
    if not isinstance(setup, dict) or not all(isinstance(name, str) for name in setup):
        _refuse(where, "'setup' must map names to specs")
    if "slot_value" not in operation and not setup:
        _refuse(where, "missing field 'slot_value' or 'setup' (on the operation or its family)")


def _transport_known(operation, where):
    transport = operation.get("transport", DEFAULT_TRANSPORT)
    if transport not in TRANSPORTS:
        _refuse(where, "unknown transport %r (one of %s)", transport, ", ".join(TRANSPORTS))


def _children_counted(operation, where):
    children = operation.get("children", 1)
    if not isinstance(children, int) or isinstance(children, bool) or not 1 <= children <= MAX_CHILDREN:
        _refuse(where, "'children' must be a whole number from 1 to %d", MAX_CHILDREN)
    if children > 1 and operation.get("transport", DEFAULT_TRANSPORT) != DEFAULT_TRANSPORT:
        _refuse(where, "several children run with the %s transport only", DEFAULT_TRANSPORT)


def _manager_declared(operation, where):
    if "manager" not in operation:
        return
    try:
        managers.check(operation["manager"])
        managers.manager_class(operation["manager"])
    except managers.DeclarationError as error:
        _refuse(where, "%s", error)


def _skips_well_formed(operation, where):
    entries = operation.get("skip", [])
    if not isinstance(entries, list):
        _refuse(where, "'skip' must be a list of entries")
    for entry in entries:
        if not isinstance(entry, dict) or not str(entry.get("reason", "")).strip():
            _refuse(where, "each 'skip' entry needs a 'reason'")
        unknown = sorted(set(entry) - set(SKIP_FIELDS))
        if unknown or len(entry) < 2:
            _refuse(where, "a 'skip' entry has a reason and scopes from %s, not %s",
                    ", ".join(SKIP_FIELDS[1:]), ", ".join(unknown) or "none")
        try:
            parse_version(entry.get("before", "3.0"))
        except VersionError as error:
            _refuse(where, "skip: %s", error)


def _known_placeholders(case, where):
    for text, allowed in ((case["code_template"], CODE_PLACEHOLDERS),
                          (case["summary_template"], SUMMARY_PLACEHOLDERS)):
        for name in _PLACEHOLDER.findall(text):
            if name not in allowed:
                _refuse(where, "unknown placeholder {%s} (one of %s)", name,
                        ", ".join("{%s}" % p for p in allowed))


def _slot_in_a_slot_container(case, where):
    uses_slot = any("{%s}" % p in case["code_template"] + case["summary_template"] for p in CODE_PLACEHOLDERS)
    if (uses_slot or "slot_value" in case) and not CONTAINERS[case["container"]]:
        _refuse(where, "container %r holds no slot: {slot}, {key}, {c} and 'slot_value' need one of %s",
                case["container"], ", ".join(_HOLDING))


def _code_compiles(case, where):
    try:
        compile(case["code"], "<%s>" % where, "exec")
    except (SyntaxError, ValueError) as error:
        _refuse(where, "the code does not compile: %s (line %s): %r", getattr(error, "msg", error),
                getattr(error, "lineno", "?"), case["code"])


def _setup_buildable(case, where):
    for name, spec in sorted(case["setup"].items()):
        try:
            values.build(spec, declaration=case["manager"])
        except values.SpecError as error:
            _refuse(where, "setup of %r: %s", name, error)


def _setup_beside_the_slot(case, where):
    name = CONTAINERS[case["container"]].get("name")
    if "slot_value" in case and name in case["named_setup"]:
        _refuse(where, "'setup' names %s, which holds the slot", name)


FAMILY_RULES = [
    ("family-fields", _unknown_family_fields),
    ("references", _references_are_a_list),
    ("operations", _operations_declared),
    ("mutations", _mutations_well_formed),
]
OPERATION_RULES = [
    ("operation-fields", _unknown_operation_fields),
    ("operation-name", _operation_name),
    ("code", _code_given),
    ("summary", _summary_given),
    ("expect", _expectations_valid),
    ("containers", _containers_known),
    ("setup", _setup_given),
    ("transport", _transport_known),
    ("children", _children_counted),
    ("manager", _manager_declared),
    ("skip", _skips_well_formed),
]
CASE_RULES = [
    ("placeholders", _known_placeholders),
    ("slot", _slot_in_a_slot_container),
    ("setup-beside-slot", _setup_beside_the_slot),
    ("compiles", _code_compiles),
    ("setup-builds", _setup_buildable),
]
RULES = FAMILY_RULES + OPERATION_RULES + CASE_RULES


def _check(rules, subject, where):
    for name, check in rules:
        try:
            check(subject, where)
        except CaseError as error:
            raise CaseError(str(error), rule=name) from None


# ---- inheritance and generation ------------------------------------------------------------

class Operation(dict):
    """One operation with its family's fields inherited: ``written`` is what it set itself."""

    def __init__(self, name, written, family):
        dict.__init__(self, {k: v for k, v in family.items() if k in OPERATION_FIELDS})
        self.update(written)
        self.name = name
        self.written = written

    def containers(self):
        code = self.get("code")
        default = list(code) if isinstance(code, dict) else list(DEFAULT_CONTAINERS)
        return self.get("containers", default)


def _mutation_operations(family, mutations, where):
    """The operations a family's ``mutations`` entry makes from a shared set."""
    entry = family.get("mutations")
    if entry is None:
        return {}
    if entry["set"] not in mutations:
        known = ", ".join(sorted(mutations)) or "none: no _mutations.py beside the case files"
        raise CaseError("%s: unknown mutation set %r (one of %s)" % (where, entry["set"], known),
                        rule="mutations")
    template = entry.get("template", "{mutation}")
    target = entry.get("target", "{slot}")
    return {name: {"code": template.replace("{mutation}", code.replace("{target}", target))}
            for name, code in mutations[entry["set"]].items()}


def _fill(template, container):
    shape = CONTAINERS[container]
    if not shape:
        return template
    return (template.replace("{slot}", shape["name"] + shape["key"])
            .replace("{key}", shape["key"]).replace("{c}", shape["name"]))


def one_line(code):
    """``code`` on one line, for a summary: ``with lock: x = 1; y = 2``."""
    return re.sub(r"\n\s*", "; ", re.sub(r":\n\s+", ": ", code))


def _draft(operation, container):
    """The generated fields of one case, before its rules are checked."""
    code = operation["code"]
    code_template = code[container] if isinstance(code, dict) else code
    named_setup = operation.get("setup", {})
    draft = {"container": container, "code_template": code_template,
             "summary_template": operation["summary"], "named_setup": named_setup,
             "code": _fill(code_template, container), "manager": operation.get("manager")}
    setup = dict(named_setup)
    if "slot_value" in operation:
        draft["slot_value"] = operation["slot_value"]
        if container in _HOLDING:
            shape = CONTAINERS[container]
            setup[shape["name"]] = {shape["kind"]: _HOLDING[container](operation["slot_value"])}
    draft["setup"] = setup
    return draft


def expand_family(family, path, index, pattern, mutations=None):
    """The cases one family declares, in a stable order."""
    where = "%s: FAMILIES[%d]" % (path, index)
    if not isinstance(family, dict):
        raise CaseError("%s: must be a dict" % where, rule="family-fields")
    _check(FAMILY_RULES, family, where)
    written = _mutation_operations(family, mutations or {}, where)
    written.update(family.get("operations", {}))
    references = [PATTERNS[pattern]["link"]]
    references += [r for r in family.get("references", []) if r not in references]
    cases = []
    for name, operation_fields in written.items():
        here = "%s, operation %r" % (where, name)
        if not isinstance(operation_fields, dict):
            raise CaseError("%s: must be a dict of fields" % here, rule="operation-fields")
        operation = Operation(name, operation_fields, family)
        _check(OPERATION_RULES, operation, here)
        for container in operation.containers():
            draft = _draft(operation, container)
            _check(CASE_RULES, draft, "%s on %s" % (here, container))
            summary = operation["summary"].replace("{code}", one_line(draft["code"]))
            fix = operation.get("fix")
            cases.append(Case(
                id="%s.%s.%s" % (pattern, container, name), pattern=pattern, container=container,
                operation=name, description=_fill(summary, container), code=draft["code"],
                setup=draft["setup"], references=references, expect=operation["expect"],
                source=path, family=index, fix=_fill(fix, container) if fix else None,
                transport=operation.get("transport", DEFAULT_TRANSPORT),
                children=operation.get("children", 1), manager=operation.get("manager"),
                skip=operation.get("skip", [])))
    return cases


def read_module(path, mutations=None):
    """The cases of one case module."""
    pattern, families = read_literals(path, "PATTERN", "FAMILIES")
    if pattern not in PATTERNS:
        raise CaseError("%s: unknown PATTERN %r (one of %s)" % (path, pattern, ", ".join(PATTERNS)),
                        rule="pattern")
    if not isinstance(families, list):
        raise CaseError("%s: FAMILIES must be a list of families" % path, rule="family-fields")
    cases = []
    for index, family in enumerate(families):
        cases += expand_family(family, path, index, pattern, mutations)
    return cases


def load(directory=None):
    """Every case of the catalogue, validated; ids are unique across files.

    The folder holding the case directory becomes importable: a case's own manager classes
    live in a module there (``cases._managers``), which the harness imports by name.
    """
    directory = directory or default_directory()
    root = os.path.dirname(os.path.abspath(directory))
    if root not in sys.path:
        sys.path.insert(0, root)
    mutations = read_mutations(directory)
    cases, seen = [], {}
    for path in case_files(directory):
        for case in read_module(path, mutations):
            if case.id in seen:
                raise CaseError("%s: duplicate case id %s (also declared in %s)"
                                % (path, case.id, seen[case.id]), rule="unique-ids")
            seen[case.id] = path
            cases.append(case)
    return cases
