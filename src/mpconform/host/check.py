"""``python -m mpconform check``: the answer in seconds, on every interpreter at once.

No nox, no venv, no pytest: for each interpreter it starts one worker
(``mpconform.check_worker``, standard library only), which runs the selected cells on runner
processes exactly as the conformance run does and answers the same cells. Workers run side by
side, as many runners in all as the machine has cores. A table follows: rows cases, columns
interpreters, start methods folded where they agree; then the cells that differ from their
expectation.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from mpconform import catalogue
from mpconform.host import interpreters
from mpconform.vocabulary import START_METHODS

ROOT = Path(__file__).resolve().parents[3]
SRC = Path(__file__).resolve().parents[2]


class CheckError(ValueError):
    """A bad selection or a worker that failed; the message names it."""


# -k: pytest's keyword expressions over "<case id> <start method>": words match as substrings,
# combined with and, or, not and parentheses.
_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")


def keyword_matcher(expression: str | None):
    """A function of (case id, start method) that says whether the cell is selected."""
    if not expression or not expression.strip():
        return lambda case_id, method: True
    tokens = _TOKEN.findall(expression)
    position = 0

    def peek():
        return tokens[position] if position < len(tokens) else None

    def take():
        nonlocal position
        position += 1
        return tokens[position - 1]

    def alternatives():
        left = conjunction()
        while peek() == "or":
            take()
            right = conjunction()
            left = (lambda a, b: lambda text: a(text) or b(text))(left, right)
        return left

    def conjunction():
        left = negation()
        while peek() == "and":
            take()
            right = negation()
            left = (lambda a, b: lambda text: a(text) and b(text))(left, right)
        return left

    def negation():
        if peek() == "not":
            take()
            inner = negation()
            return lambda text: not inner(text)
        return atom()

    def atom():
        token = peek()
        if token is None or token in ("and", "or", ")"):
            raise CheckError(f"-k {expression!r}: expected a word or '(' at "
                             f"{'the end' if token is None else repr(token)}")
        take()
        if token == "(":
            inner = alternatives()
            if peek() != ")":
                raise CheckError(f"-k {expression!r}: a '(' is not closed")
            take()
            return inner
        word = token.lower()
        return lambda text: word in text

    matcher = alternatives()
    if peek() is not None:
        raise CheckError(f"-k {expression!r}: unexpected {peek()!r}")
    return lambda case_id, method: matcher(f"{case_id} {method}".lower())


def select_interpreters(specs: list[str] | None) -> list[interpreters.Interpreter]:
    """The interpreters the noxfile would run, or those named: a session label (``3.8``,
    ``3.13t``, ``pypy3``, ``pypy3.9``) or the path of an interpreter."""
    sessions = interpreters.plan(cache_file=ROOT / ".nox" / "interpreters.json")
    found = {label: interpreter for label, interpreter, _ in sessions if interpreter is not None}
    found.update(interpreters.aliases(sessions))
    if not specs:
        chosen = [interpreter for _, interpreter, _ in sessions if interpreter is not None]
        if not chosen:
            raise CheckError("no interpreter found; `nox -s interpreters` installs them")
        return chosen
    chosen = []
    for spec in specs:
        if spec in found:
            chosen.append(found[spec])
            continue
        path = Path(spec).expanduser()
        probed = interpreters.probe(path, "--python") if path.exists() else None
        if probed is None:
            known = ", ".join(sorted(found, key=lambda label: (not label[0].isdigit(), label)))
            raise CheckError(f"--python {spec}: neither an interpreter found here ({known}) nor the path "
                             f"of a working Python")
        chosen.append(probed)
    return list(dict.fromkeys(chosen))


@dataclass
class Column:
    """One interpreter's worker and what it answered."""

    interpreter: interpreters.Interpreter
    cells: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    manifest: dict | None = None
    error: str | None = None


def worker_command(interpreter: interpreters.Interpreter, runners: int) -> list[str]:
    """How to start ``interpreter``'s check worker with ``runners`` runners (also bench/'s)."""
    return [interpreter.executable, "-c",
            "import sys; sys.path[:0] = sys.argv[1:3]; del sys.argv[1:3]\n"
            "from mpconform.check_worker import main; sys.exit(main())",
            str(SRC), str(Path(catalogue.default_directory()).parent), str(runners)]


def _start(interpreter, runners: int) -> subprocess.Popen:
    options: dict = {}
    if os.name == "posix":
        options["start_new_session"] = True  # Ctrl-C reaches the host only; it stops the workers
    else:
        options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PYTHONDONTWRITEBYTECODE"] = env.get("PYTHONDONTWRITEBYTECODE", "")
    env["MPCONFORM_INTERPRETER_SOURCE"] = interpreter.source
    return subprocess.Popen(worker_command(interpreter, runners), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM lets a worker stop its runners; a worker that does not go is killed."""
    if process.poll() is not None:
        return
    try:
        if os.name == "posix":
            process.send_signal(signal.SIGTERM)
        else:  # pragma: no cover - Windows
            process.terminate()
        process.wait(10)
    except (OSError, subprocess.TimeoutExpired):
        process.kill()
        process.wait()


def default_jobs() -> int:
    """Twice the cores: measured on 2 cores, 4 to 6 runners finish the catalogue a fifth sooner
    than 2 (bench/check_speed.py)."""
    return 2 * (os.cpu_count() or 1)


def run(selected: list[interpreters.Interpreter], wanted: list[tuple[str, str]], jobs: int,
        progress=None) -> list[Column]:
    """Run ``wanted`` (case id, start method) on every selected interpreter; ``jobs`` runners in
    all at any time. ``progress(done, total)`` is called as cells finish."""
    columns = [Column(interpreter) for interpreter in selected]
    total = len(wanted) * len(columns)
    done = [0]
    lock = threading.Lock()
    slots = threading.Semaphore(max(1, jobs))
    # An interpreter gets several runners when there are fewer interpreters than jobs.
    runners = max(1, jobs // max(1, len(columns)))
    processes: list[subprocess.Popen] = []

    def drive(column: Column) -> None:
        with slots:
            process = _start(column.interpreter, runners)
            with lock:
                processes.append(process)
            try:
                process.stdin.write((json.dumps(wanted) + "\n").encode("utf-8"))
                process.stdin.flush()
                for line in process.stdout:
                    answer = json.loads(line)
                    if "manifest" in answer:
                        column.manifest = answer["manifest"]
                        continue
                    column.cells.append(answer["cell"])
                    column.seconds += answer["seconds"]
                    with lock:
                        done[0] += 1
                        if progress:
                            progress(done[0], total)
                process.wait()
                if column.manifest is None:
                    error = process.stderr.read().decode("utf-8", "replace").strip().splitlines()
                    column.error = (f"{column.interpreter.description} ({column.interpreter.executable}): "
                                    f"the worker stopped (exit {process.returncode}): "
                                    + (error[-1] if error else "no message"))
            except (OSError, ValueError) as problem:
                column.error = f"{column.interpreter.description}: {problem}"
            finally:
                _stop(process)
                for stream in (process.stdin, process.stdout, process.stderr):
                    try:
                        stream.close()
                    except OSError:
                        pass

    threads = [threading.Thread(target=drive, args=(column,), daemon=True) for column in columns]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
    finally:
        with lock:
            for process in processes:
                _stop(process)
    return columns


def progress_printer(stream=None):
    """A one-line progress display: rewritten in place on a terminal, every 10 % otherwise."""
    stream = stream or sys.stderr
    started = time.monotonic()
    last = [-1]

    def show(done: int, total: int) -> None:
        elapsed = time.monotonic() - started
        text = f"mpconform check: {done}/{total} cells, {elapsed:.1f} s"
        if stream.isatty():
            stream.write("\r" + text + ("\n" if done == total else ""))
            stream.flush()
        elif done == total or done * 10 // total != last[0]:
            last[0] = done * 10 // total
            stream.write(text + "\n")
    return show


_SHORT = {"fork": "f", "spawn": "s", "forkserver": "fs"}


def entry_text(by_method: dict[str, str], expected: dict[str, str]) -> str:
    """A column's text for one case: the table page's, start methods shortened (f, s, fs)."""
    from mpconform.host.view import TableEntry

    text = TableEntry("", by_method, expected, False, None).text()
    for method, short in _SHORT.items():
        text = re.sub(rf"(^|/ ){method} ", rf"\g<1>{short} ", text)
    return text


def table(columns: list[Column], cases: list[catalogue.Case]) -> list[str]:
    """Rows cases, columns interpreters; start methods folded where they agree."""
    by_column = []
    for column in columns:
        entries: dict[str, tuple[dict, dict]] = {}
        for cell in column.cells:
            methods, expected = entries.setdefault(cell["id"], ({}, {}))
            methods[cell["start_method"]] = cell["outcome"]
            expected[cell["start_method"]] = cell["expected"]
        by_column.append(entries)
    ran = [case for case in cases if any(case.id in entries for entries in by_column)]
    header = ["case"] + [column.interpreter.label for column in columns]
    rows = [[case.id] + [entry_text(*entries[case.id]) if case.id in entries else "–"
                         for entries in by_column] for case in ran]
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(text.ljust(width) for text, width in zip(row, widths)).rstrip() for row in [header] + rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


def differing(columns: list[Column]) -> list[str]:
    """The cells whose outcome is not their expectation (a skipped cell is not applicable)."""
    lines = []
    for column in columns:
        for cell in column.cells:
            if cell["outcome"] != cell["expected"] and not cell["outcome"].startswith("skipped:"):
                lines.append(f"{cell['id']} on {column.interpreter.label} under {cell['start_method']}: "
                             f"expected {cell['expected']}, observed {cell['outcome']}")
    return lines


def write_shards(columns: list[Column], cases: list[catalogue.Case], folder: Path) -> list[Path]:
    """Each interpreter's cells as a shard (the conformance run's format): complete ones in
    ``folder``, narrowed ones in ``folder/partial``."""
    from mpconform.host import shard_reader
    from mpconform.shard_writer import SCHEMA_VERSION, dumps, write_atomically

    wanted = {(case.id, method) for case in cases for method in START_METHODS}
    written = []
    for column in columns:
        if column.manifest is None:
            continue
        complete = wanted <= {(cell["id"], cell["start_method"]) for cell in column.cells}
        document = {"schema": SCHEMA_VERSION, "complete": complete, "manifest": column.manifest,
                    "cells": sorted(column.cells, key=lambda c: (c["id"], START_METHODS.index(c["start_method"])))}
        path = (folder if complete else folder / "partial") / shard_reader.expected_name(column.manifest)
        write_atomically(str(path), dumps(document))
        written.append(path)
    return written
