"""Benchmark: ``python -m mpconform check``, warm, against the minimal-cell floor. Host side.

    python bench/check_speed.py [--runs 3] [--python 3.12] [--out bench/results/check-speed.json]

Figures (min / median / max over the runs, after one warm-up run of each):
- one case on every interpreter found, under the three start methods; target ≤ 5 s;
- the whole catalogue on one interpreter; target: ≥ 0.8 of the minimal-cell floor;
- the minimal-cell floor of that interpreter, measured in the same run (bench/minimal_cell.py:
  a fresh child given one manager list as a Process argument, one append, a report over a
  pipe, the parent reading the list back), as cells per second over the machine's cores, and
  the bare-child floor (bench/process_floor.py) beside it;
- where the time goes: each pattern's cells run one after another on one runner, their summed
  seconds against what as many minimal cells cost (a share of 1.0: as cheap as the floor).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mpconform import catalogue  # noqa: E402
from mpconform.host import check  # noqa: E402

ONE_CASE = "nested-managed.dict.queue-put"
TARGETS = {"one_case_every_interpreter_seconds": 5.0, "catalogue_floor_share": 0.8}


def timed(arguments: list[str], runs: int) -> tuple[dict, str]:
    """Wall seconds of ``python -m mpconform check ARGUMENTS``: one warm-up, then ``runs``."""
    seconds, output = [], ""
    for index in range(runs + 1):
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "mpconform", "check", *arguments], cwd=ROOT,
                              capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))
        if done.returncode != 0:
            raise SystemExit(f"check_speed: check {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}")
        if index:
            seconds.append(time.monotonic() - started)
        output = done.stdout
    return {"min": round(min(seconds), 2), "median": round(statistics.median(seconds), 2),
            "max": round(max(seconds), 2)}, output


def floor(executable: str, name: str, cases: int, cores: int) -> dict:
    """Cells per second on all cores if every cell cost what ``name`` measures, per start method."""
    code = (f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); sys.argv = ['{name}', '20']; "
            f"import {name}; {name}.main()")
    costs = json.loads(subprocess.run([executable, "-c", code], capture_output=True, text=True,
                                      check=True).stdout)
    seconds = sum(costs.values()) * cases / cores
    return {"ms_per_cell": {method: round(cost * 1000, 1) for method, cost in costs.items()},
            "cells_per_second": round(cases * 3 / seconds, 1)}


def per_pattern(interpreter, floor_ms: dict[str, float]) -> dict:
    """Each pattern's cells on one runner, serially: seconds, and the minimal cell's share."""
    by_id = {case.id: case for case in catalogue.load()}
    wanted = [[case_id, method] for case_id in by_id for method in ("fork", "spawn", "forkserver")]
    done = subprocess.run(check.worker_command(interpreter, 1),
                          input=json.dumps(wanted) + "\n", capture_output=True, text=True, check=True)
    spent: dict[str, float] = {}
    floor_spent: dict[str, float] = {}
    for line in done.stdout.splitlines():
        answer = json.loads(line)
        if "cell" in answer:
            pattern = by_id[answer["cell"]["id"]].pattern
            spent[pattern] = spent.get(pattern, 0.0) + answer["seconds"]
            floor_spent[pattern] = floor_spent.get(pattern, 0.0) + floor_ms[answer["cell"]["start_method"]] / 1000
    return {pattern: {"seconds": round(spent[pattern], 2),
                      "floor_share": round(floor_spent[pattern] / spent[pattern], 2)}
            for pattern in sorted(spent, key=lambda name: floor_spent[name] / spent[name])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--python", default="3.12", help="the interpreter for the whole catalogue")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "check-speed.json")
    arguments = parser.parse_args()
    cores = os.cpu_count() or 1
    found = check.select_interpreters(None)
    (one,) = check.select_interpreters([arguments.python])
    cases = len(catalogue.load())

    one_case, _ = timed(["-k", ONE_CASE], arguments.runs)
    whole, output = timed(["--python", arguments.python], arguments.runs)
    cells = cases * 3
    minimal = floor(one.executable, "minimal_cell", cases, cores)
    bare = floor(one.executable, "process_floor", cases, cores)
    rate = cells / whole["median"]
    report = {
        "machine": {"cores": cores, "platform": platform.platform(), "python": sys.version.split()[0]},
        "targets": TARGETS,
        "one_case_every_interpreter": {"case": ONE_CASE, "interpreters": [i.label for i in found],
                                       "cells": 3 * len(found), "seconds": one_case},
        "catalogue_on_one_interpreter": {"interpreter": f"{one.label} ({one.identity.version_text})",
                                         "cases": cases, "cells": cells, "seconds": whole,
                                         "cells_per_second": round(rate, 1),
                                         "runners": check.default_jobs()},
        "minimal_cell_floor": minimal,
        "bare_child_floor": bare,
        "serially_by_pattern": per_pattern(one, minimal["ms_per_cell"]),
        "results": {"one_case_every_interpreter_seconds": one_case["median"],
                    "catalogue_floor_share": round(rate / minimal["cells_per_second"], 2),
                    "catalogue_bare_child_share": round(rate / bare["cells_per_second"], 2)},
    }
    report["meets"] = {
        "one_case_every_interpreter_seconds": one_case["median"] <= TARGETS["one_case_every_interpreter_seconds"],
        "catalogue_floor_share": report["results"]["catalogue_floor_share"] >= TARGETS["catalogue_floor_share"],
    }
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
