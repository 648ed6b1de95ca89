"""Recorded text that does not change between runs in which no behaviour changed (target side).

Committed shards are reviewed in git: a rerun that observed the same behaviour must rewrite
nothing. So what a cell keeps drops what belongs to one run or one machine: the harness's own
traceback frames (their line numbers move with every edit of the harness), absolute paths
(stdlib, site-packages, the checkout, temporary folders), memory addresses, process counters.
"""

import os
import re
import sys
import sysconfig
import tempfile

_HARNESS = os.path.dirname(os.path.abspath(__file__))  # src/mpconform
_CHECKOUT = os.path.dirname(os.path.dirname(_HARNESS))
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{4,}\b")
_PROCESS_NAME = re.compile(r"\b(Process|SpawnProcess|ForkProcess|ForkServerProcess|PoolWorker|"
                           r"SyncManager|SharedMemoryManager)-\d+(:\d+)*")
_FRAME = re.compile(r'^  File "([^"]+)", line \d+, in .*$')


def _prefixes():
    """(absolute prefix, what it becomes), longest first."""
    found = []
    for name in ("stdlib", "platstdlib"):
        path = sysconfig.get_paths().get(name)
        if path:
            found.append((path, "<stdlib>"))
    for name in ("purelib", "platlib"):
        path = sysconfig.get_paths().get(name)
        if path:
            found.append((path, "<site-packages>"))
    found += [(_CHECKOUT, "."), (tempfile.gettempdir(), "<temp>"), (sys.prefix, "<python>"),
              (sys.base_prefix, "<python>")]
    return sorted({(os.path.realpath(p), s) for p, s in found} | set(found), key=lambda ps: -len(ps[0]))


_PREFIXES = _prefixes()


def text(value):
    """``value`` with machine paths, addresses and process counters made run-independent."""
    for prefix, short in _PREFIXES:
        value = value.replace(prefix + os.sep, short + "/")
    value = _ADDRESS.sub("0x…", value)
    return _PROCESS_NAME.sub(lambda match: match.group(1) + "-N", value)


def traceback(value):
    """A formatted traceback without the harness's frames (each: its File line and the source
    and caret lines below it), with paths made relative."""
    kept, skipping = [], False
    for line in value.splitlines():
        frame = _FRAME.match(line)
        if frame:
            skipping = os.path.abspath(frame.group(1)).startswith(_HARNESS + os.sep)
        elif not line.startswith("    "):
            skipping = False
        if not skipping:
            kept.append(line)
    return text("\n".join(kept) + ("\n" if value.endswith("\n") else ""))


def cell_values(values, outcome, children=1):
    """What a cell keeps of a record's values.

    With several children at once, what each child read before and after its code depends on
    when its sibling ran: those readings stay out. The runner's output is kept only when a
    process died or hung without a word, where it is the only clue.
    """
    kept = {}
    for key, value in values.items():
        if children > 1 and key.startswith("child_"):
            continue
        if key == "output" and outcome not in ("hung", "crashed"):
            continue
        if key == "exception" and isinstance(value, dict):
            value = dict(value, message=text(value.get("message", "")),
                         traceback=traceback(value.get("traceback", "")))
        elif isinstance(value, str):
            value = text(value)
        kept[key] = value
    return kept
