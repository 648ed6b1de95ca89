"""Which interpreter this is: implementation, version, free-threaded build (target side).

One identity serves every place that names an interpreter: the running one (``current``), one
that a host-side probe asked about (``from_facts``), and one recorded in a shard's manifest or a
matrix column (``from_manifest``).
"""

import re

_VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(?:(?:a|b|rc)\d+)?\+?$")
NAMES = {"cpython": "CPython", "pypy": "PyPy"}


class VersionError(ValueError):
    """A version that does not parse."""


def parse_version(text):
    """``"3.9"`` -> ``(3, 9, 0)``; ``"3.9.7"``, ``"3.15.0a1"``, ``"3.13.0+"`` -> three numbers."""
    match = _VERSION.match(str(text))
    if not match:
        raise VersionError("version %r does not parse (expected e.g. '3.9' or '3.9.7')" % (text,))
    major, minor, micro = match.groups()
    return (int(major), int(minor), int(micro or 0))


class Identity:
    """An interpreter as the matrix names it: ``3.8``, ``3.13t``, ``pypy3.9``."""

    __slots__ = ("implementation", "version_text", "version", "free_threaded")

    def __init__(self, implementation, version_text, free_threaded=False):
        self.implementation = implementation
        self.version_text = version_text
        self.version = parse_version(version_text)
        self.free_threaded = bool(free_threaded)

    @classmethod
    def current(cls):
        import platform
        import sys
        import sysconfig

        return cls(sys.implementation.name, platform.python_version(),
                   sysconfig.get_config_var("Py_GIL_DISABLED"))

    @classmethod
    def from_facts(cls, facts):
        """From what ``PROBE`` printed: implementation, version, free_threaded."""
        return cls(facts["implementation"], facts["version"], facts["free_threaded"])

    @classmethod
    def from_manifest(cls, manifest):
        """From a shard's manifest or a matrix column: implementation, version, build."""
        return cls(manifest["implementation"], manifest["version"],
                   manifest["build"] == "free-threaded")

    @property
    def build(self):
        return "free-threaded" if self.free_threaded else "default"

    @property
    def label(self):
        """The column and session name: ``3.8``, ``3.13t``, ``pypy3.9``."""
        minor = "%d.%d" % self.version[:2]
        if self.implementation == "pypy":
            return "pypy" + minor
        return minor + ("t" if self.free_threaded else "")

    @property
    def description(self):
        """``CPython 3.13.0 free-threaded``, ``PyPy 3.9.16``."""
        name = NAMES.get(self.implementation, self.implementation)
        return "%s %s%s" % (name, self.version_text, " free-threaded" if self.free_threaded else "")

    def __eq__(self, other):
        return isinstance(other, Identity) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def _key(self):
        return (self.implementation, self.version_text, self.free_threaded)

    def __repr__(self):
        return "<Identity %s>" % self.description


# Run by the host with each candidate interpreter, down to 3.6: prints what ``from_facts`` reads.
PROBE = (
    "import json, platform, sys, sysconfig; print(json.dumps({"
    "'implementation': sys.implementation.name, "
    "'version': platform.python_version(), "
    "'free_threaded': bool(sysconfig.get_config_var('Py_GIL_DISABLED')), "
    "'executable': sys.executable}))"
)
