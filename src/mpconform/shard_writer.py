"""Write a results shard: what one run on one interpreter and platform observed, with its manifest.

Written atomically (a temporary file in the same folder, then a rename). A run that covered
the whole catalogue writes ``<results>/<name>.json``; a narrowed run (``-k``, a failed
collection) writes ``<results>/partial/<name>.json`` so that it never replaces a complete one.
"""

import datetime
import hashlib
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import tempfile

from mpconform import stable_text
from mpconform.identity import Identity
from mpconform.vocabulary import START_METHODS

SCHEMA_VERSION = 1


def platform_tag():
    system = {"darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)
    if system.startswith("linux"):
        system = "linux"
    return "%s-%s" % (system, platform.machine().lower() or "unknown")


def shard_name():
    """``cpython-3.8.18-linux-x86_64``; free-threaded builds add ``t``: ``cpython-3.13.0t-…``."""
    identity = Identity.current()
    version = identity.version_text + ("t" if identity.free_threaded else "")
    return "%s-%s-%s" % (identity.implementation, version, platform_tag())


def _git(root, *args):
    try:
        output = subprocess.check_output(("git", "-C", root) + args, stderr=subprocess.DEVNULL)
        return output.decode("utf-8").strip()
    except (OSError, subprocess.CalledProcessError):
        return None


# What runs in a conformance session (the host side does not): a commit that changes none of
# these changes no result.
SUITE_PATHS = ("cases", "src", "tests/conformance", ":(exclude)src/mpconform/host")


def suite_revision(root):
    """The last commit that changed what runs, its date, and whether the tree differs from it:
    the same however often, and after however many commits elsewhere, the suite is rerun."""
    last = _git(root, "log", "-1", "--format=%H %cI", "--", *SUITE_PATHS)
    revision, _, date = (last or "").partition(" ")
    revision = os.environ.get("MPCONFORM_REVISION") or revision
    status = _git(root, "status", "--porcelain", "--", *SUITE_PATHS)
    return {"revision": revision or "unknown", "dirty": bool(status) if status is not None else None,
            "date": date or "unknown"}


def tool_versions():
    versions = {}
    for name in ("pytest", "xdist", "execnet"):
        try:
            module = __import__(name)
            versions["pytest-xdist" if name == "xdist" else name] = getattr(module, "__version__", "?")
        except ImportError:
            pass
    return versions


def manifest(root, cases, selection):
    gil = getattr(sys, "_is_gil_enabled", None)
    identity = Identity.current()
    suite = suite_revision(root)
    return {
        "implementation": identity.implementation,
        "version": identity.version_text,
        "implementation_version": "%d.%d.%d" % sys.implementation.version[:3],
        "build": identity.build,
        "gil_enabled": gil() if gil is not None else True,
        "platform": platform_tag(),
        "platform_detail": platform.platform(),
        "start_methods": {
            "available": multiprocessing.get_all_start_methods(),
            "default": multiprocessing.get_context().get_start_method(),
        },
        # Where it came from, not where it lies on this machine: paths stay out of results.
        "interpreter": {"source": os.environ.get("MPCONFORM_INTERPRETER_SOURCE", "unknown")},
        "suite": suite,
        "cases": {case.id: case.content_hash() for case in cases},
        "tools": tool_versions(),
        "date": suite["date"],
        "selection": {"args": [stable_text.text(arg) for arg in selection.get("args", [])]},
    }


def write_atomically(path, text):
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        os.makedirs(folder)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=folder)
    try:
        with open(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def write(results_dir, root, cases, cells, selection):
    """Write the shard; returns its path. ``cells``: one per case × start method."""
    wanted = {(case.id, method) for case in cases for method in START_METHODS}
    covered = {(cell["id"], cell["start_method"]) for cell in cells}
    complete = wanted <= covered
    document = {
        "schema": SCHEMA_VERSION,
        "complete": complete,
        "manifest": manifest(root, cases, selection),
        "cells": sorted(cells, key=lambda cell: (cell["id"], START_METHODS.index(cell["start_method"]))),
    }
    folder = results_dir if complete else os.path.join(results_dir, "partial")
    path = os.path.join(folder, shard_name() + ".json")
    text = dumps(document)
    write_atomically(path, text)
    write_atomically(stamp_path(path), json.dumps(stamp(text), sort_keys=True) + "\n")
    return path


# Beside each shard, untracked: when this machine wrote it, so that a report can tell the columns
# a run produced from the ones it kept (committed, copied or downloaded shards have no stamp that
# matches their content). The shard itself stays free of per-run facts.
STAMPS = ".produced"


def stamp_path(shard_path):
    return os.path.join(os.path.dirname(shard_path), STAMPS, os.path.basename(shard_path))


def stamp(text):
    return {
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "written": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "host": platform.node(),
    }


def dumps(document):
    """JSON with one cell per line, so that a changed cell is a one-line diff."""
    head = {key: value for key, value in document.items() if key != "cells"}
    text = json.dumps(head, indent=1, sort_keys=True)
    cells = ",\n".join(json.dumps(cell, sort_keys=True) for cell in document["cells"])
    return text[:-2] + ',\n "cells": [\n' + cells + "\n ]\n}\n"
