"""Expected outcomes stored sparsely, as transitions along versions.

A case's ``expect`` is a list of entries, each one a point where the expected outcome changes::

    [{"outcome": "raised:RemoteError"},
     {"since": "3.9.7", "outcome": "propagated", "ref": "bpo-30256"}]

An entry applies to a cell when its ``since`` (default: any version) is not newer than the
interpreter's and its optional scopes match: ``implementation`` ("cpython", "pypy"),
``start_methods`` (a list) and ``platforms`` (``sys.platform`` prefixes: "linux", "darwin",
"win32"). Of the entries that apply, the last one listed wins, so a list reads
top to bottom as a timeline with its exceptions. Every entry but the first names its reference
(``ref``): the docs, a bpo/gh issue or a commit.
"""

import sys

from mpconform import outcomes
from mpconform.identity import Identity, VersionError, parse_version
from mpconform.vocabulary import IMPLEMENTATIONS, START_METHODS

ENTRY_FIELDS = ("outcome", "since", "implementation", "start_methods", "platforms", "ref")


class ExpectationError(ValueError):
    """An expectation list that cannot be read."""


class Target:
    """The interpreter and start method a cell runs on, as expectations see it."""

    __slots__ = ("implementation", "version", "start_method", "platform")

    def __init__(self, implementation, version, start_method, platform=None):
        self.implementation = implementation
        self.version = tuple(version)
        self.start_method = start_method
        self.platform = platform or sys.platform

    @classmethod
    def current(cls, start_method):
        identity = Identity.current()
        return cls(identity.implementation, identity.version, start_method, sys.platform)


def _check_entry(entry, here, first):
    if not isinstance(entry, dict):
        raise ExpectationError("%s: must be a dict, not %r" % (here, entry))
    unknown = sorted(set(entry) - set(ENTRY_FIELDS))
    if unknown:
        raise ExpectationError("%s: unknown field(s) %s" % (here, ", ".join(unknown)))
    outcome = entry.get("outcome")
    if not isinstance(outcome, str) or not outcomes.is_valid(outcome) \
            or outcome.startswith(outcomes.SKIPPED_PREFIX):
        raise ExpectationError("%s: unknown outcome %r (one of %s, or raised:<ExceptionType>)"
                               % (here, outcome, ", ".join(outcomes.PLAIN_OUTCOMES)))
    if "since" in entry:
        try:
            parse_version(entry["since"])
        except VersionError as error:
            raise ExpectationError("%s: %s" % (here, error)) from None
    if "implementation" in entry and entry["implementation"] not in IMPLEMENTATIONS:
        raise ExpectationError("%s: unknown implementation %r (one of %s)"
                               % (here, entry["implementation"], ", ".join(IMPLEMENTATIONS)))
    methods = entry.get("start_methods", list(START_METHODS))
    if not isinstance(methods, list) or not methods or not set(methods) <= set(START_METHODS):
        raise ExpectationError("%s: start_methods must be a list drawn from %s, not %r"
                               % (here, ", ".join(START_METHODS), methods))
    platforms = entry.get("platforms", ["any"])
    if not isinstance(platforms, list) or not platforms or not all(isinstance(p, str) and p for p in platforms):
        raise ExpectationError("%s: platforms must be a list of sys.platform prefixes, not %r"
                               % (here, platforms))
    if not first and not str(entry.get("ref", "")).strip():
        raise ExpectationError(
            "%s: an outcome that changes by version, implementation or start method needs a "
            "'ref' (docs URL, bpo-/gh- issue or commit)" % here)


def validate(entries, where):
    """Raise ExpectationError naming ``where`` if the list is not well formed."""
    if not isinstance(entries, list) or not entries:
        raise ExpectationError("%s: 'expect' must be a non-empty list of entries" % where)
    for index, entry in enumerate(entries):
        _check_entry(entry, "%s: expect[%d]" % (where, index), index == 0)


def applies(entry, target):
    if "since" in entry and parse_version(entry["since"]) > target.version:
        return False
    if "implementation" in entry and entry["implementation"] != target.implementation:
        return False
    if "start_methods" in entry and target.start_method not in entry["start_methods"]:
        return False
    if "platforms" in entry and not any(target.platform.startswith(p) for p in entry["platforms"]):
        return False
    return True


def resolve(entries, target):
    """The entry in force for ``target`` (the last one that applies), or None."""
    chosen = None
    for entry in entries:
        if applies(entry, target):
            chosen = entry
    return chosen
