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
_SHARED_MEMORY_NAME = re.compile(r"\b(psm|wnsm)_[0-9a-f]+")
_PROCESS_NAME = re.compile(r"\b(Process|SpawnProcess|ForkProcess|ForkServerProcess|PoolWorker|"
                           r"SyncManager|SharedMemoryManager)-\d+(:\d+)*")
_FRAME = re.compile(r'^  File "([^"]+)", line \d+, in .*$')
MESSAGE_KEPT = 2000  # characters of an exception's message, from its start
TRACEBACK_KEPT = 4000  # characters of a traceback, from its end, in whole lines


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
    value = _SHARED_MEMORY_NAME.sub(lambda match: match.group(1) + "_…", value)
    return _PROCESS_NAME.sub(lambda match: match.group(1) + "-N", value)


def _case_frame(path):
    """Whether a traceback frame is the case's own: its code, or a module under cases/."""
    return path.startswith("<case") or os.path.abspath(path).startswith(
        os.path.join(_CHECKOUT, "cases") + os.sep)


def traceback(value):
    """A formatted traceback with the case's frames and the exception only (each frame: its File
    line and the source and caret lines below it). The harness's and the standard library's
    frames go: their line numbers move with every edit, and with timing (which path a future
    took to raise)."""
    kept, skipping = [], False
    for line in value.splitlines():
        frame = _FRAME.match(line)
        if frame:
            skipping = not _case_frame(frame.group(1))
        elif not line.startswith("    ") and _ENDS_A_FRAME.match(line):
            skipping = False
        if not skipping:
            kept.append(line)
    return _last_lines(text("\n".join(kept) + ("\n" if value.endswith("\n") else "")), TRACEBACK_KEPT)


def _last_lines(value, limit):
    """The end of ``value`` in ``limit`` characters, from the start of a whole line that is not
    the source line of a frame cut off (or the end of the last line alone, if that is longer)."""
    if len(value) <= limit:
        return value
    tail = value[-limit:]
    start = tail.find("\n", 0, len(tail) - 1)
    if start == -1:
        return tail
    lines = tail[start + 1:].splitlines(True)
    while len(lines) > 1 and lines[0].startswith("    "):
        lines.pop(0)
    return "".join(lines)


# What follows a frame's source lines: the next traceback, an exception, a remote traceback's
# quotes, or a blank line. Anything else (PyPy prints the tail of a multi-line statement, "())",
# unindented) still belongs to the frame.
_ENDS_A_FRAME = re.compile(r'^($|Traceback |During handling|The above exception|"""|[A-Za-z_][\w.]*(: |:?$))')


def _reentrant_reading(value):
    """An RLock or Condition read in the process that holds it reads as free or held by which
    of its connections the read takes: such a reading says nothing."""
    return isinstance(value, str) and ("RLock(" in value or "Condition(" in value)


def cell_values(values, outcome, children=1):
    """What a cell keeps of a record's values.

    With several children at once, what each child read before and after its code depends on
    when its sibling ran, and a child's reading of a reentrant lock it may hold depends on the
    connection: those readings stay out. The runner's output is kept only when a
    process died or hung without a word, where it is the only clue.
    """
    kept = {}
    for key, value in values.items():
        if key.startswith("child_") and (children > 1 or _reentrant_reading(value)):
            continue
        if key == "output" and outcome not in ("hung", "crashed"):
            continue
        if key == "exception" and isinstance(value, dict):
            value = dict(value, message=text(value.get("message", ""))[:MESSAGE_KEPT],
                         traceback=traceback(value.get("traceback", "")))
        elif isinstance(value, str):
            value = text(value)
        kept[key] = value
    return kept
