"""Expected outcomes stored sparsely, as transitions along versions.

A case's ``expect`` is a list of entries, each one a point where the expected outcome changes::

    [{"outcome": "raised:RemoteError"},
     {"since": "3.9.7", "outcome": "propagated", "ref": "bpo-30256"}]

An entry applies to an interpreter when its ``since`` (default: any version) is not newer than
the interpreter's and its optional filters match: ``implementation`` ("cpython", "pypy"),
``start_methods`` (a list) and ``build`` ("default", "free-threaded"). Of the entries that apply,
the last one listed wins, so a list reads top to bottom as a timeline with its exceptions.
Every entry but the first names its reference (``ref``): the docs, a bpo/gh issue or a commit.
"""

import re

ENTRY_FIELDS = ("outcome", "since", "implementation", "start_methods", "build", "ref", "note")
IMPLEMENTATIONS = ("cpython", "pypy")
BUILDS = ("default", "free-threaded")
START_METHODS = ("fork", "spawn", "forkserver")

_VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?$")


class ExpectationError(ValueError):
    """An expectation list that cannot be read."""


def parse_version(text):
    """``"3.9"`` -> ``(3, 9, 0)``; ``"3.9.7"`` -> ``(3, 9, 7)``."""
    match = _VERSION.match(str(text))
    if not match:
        raise ExpectationError("version %r does not parse (expected e.g. '3.9' or '3.9.7')" % (text,))
    major, minor, micro = match.groups()
    return (int(major), int(minor), int(micro or 0))


class Target(object):
    """The interpreter and start method a cell runs on, as expectations see it."""

    __slots__ = ("implementation", "version", "start_method", "build")

    def __init__(self, implementation, version, start_method, build="default"):
        self.implementation = implementation
        self.version = tuple(version)
        self.start_method = start_method
        self.build = build

    @classmethod
    def current(cls, start_method):
        import sys
        import sysconfig

        free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
        return cls(
            sys.implementation.name,
            sys.version_info[:3],
            start_method,
            "free-threaded" if free_threaded else "default",
        )


def validate(entries, where):
    """Raise ExpectationError naming ``where`` if the list is not well formed."""
    from mpconform import outcomes

    if not isinstance(entries, list) or not entries:
        raise ExpectationError("%s: 'expect' must be a non-empty list of entries" % where)
    for index, entry in enumerate(entries):
        here = "%s: expect[%d]" % (where, index)
        if not isinstance(entry, dict):
            raise ExpectationError("%s: must be a dict, not %r" % (here, entry))
        unknown = sorted(set(entry) - set(ENTRY_FIELDS))
        if unknown:
            raise ExpectationError("%s: unknown field(s) %s" % (here, ", ".join(unknown)))
        if "outcome" not in entry:
            raise ExpectationError("%s: missing field 'outcome'" % here)
        outcome = entry["outcome"]
        if not isinstance(outcome, str) or not outcomes.is_valid(outcome) or outcome.startswith(
            outcomes.SKIPPED_PREFIX
        ):
            raise ExpectationError(
                "%s: unknown outcome %r (one of %s, or raised:<ExceptionType>)"
                % (here, outcome, ", ".join(outcomes.PLAIN_OUTCOMES))
            )
        if "since" in entry:
            try:
                parse_version(entry["since"])
            except ExpectationError as error:
                raise ExpectationError("%s: %s" % (here, error))
        if "implementation" in entry and entry["implementation"] not in IMPLEMENTATIONS:
            raise ExpectationError(
                "%s: unknown implementation %r (one of %s)"
                % (here, entry["implementation"], ", ".join(IMPLEMENTATIONS))
            )
        if "build" in entry and entry["build"] not in BUILDS:
            raise ExpectationError(
                "%s: unknown build %r (one of %s)" % (here, entry["build"], ", ".join(BUILDS))
            )
        if "start_methods" in entry:
            methods = entry["start_methods"]
            if not isinstance(methods, list) or not methods or not set(methods) <= set(START_METHODS):
                raise ExpectationError(
                    "%s: start_methods must be a list drawn from %s, not %r"
                    % (here, ", ".join(START_METHODS), methods)
                )
        if index > 0 and not str(entry.get("ref", "")).strip():
            raise ExpectationError(
                "%s: an outcome that changes by version, implementation, build or start method "
                "needs a 'ref' (docs URL, bpo-/gh- issue or commit)" % here
            )


def applies(entry, target):
    if "since" in entry and parse_version(entry["since"]) > target.version:
        return False
    if "implementation" in entry and entry["implementation"] != target.implementation:
        return False
    if "start_methods" in entry and target.start_method not in entry["start_methods"]:
        return False
    if "build" in entry and entry["build"] != target.build:
        return False
    return True


def resolve(entries, target):
    """The entry in force for ``target`` (the last one that applies), or None."""
    chosen = None
    for entry in entries:
        if applies(entry, target):
            chosen = entry
    return chosen
