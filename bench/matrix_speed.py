"""Benchmark: the whole conformance matrix, warm and cold, against the process-start floor and
a naive reference runner measured in the same run. Host side.

    python bench/matrix_speed.py [--naive-every 4] [--no-cold] [--out bench/results/matrix-speed.json]

Figures (all on this machine, in this run):
- warm: ``nox -t conformance`` with its environments in place: cells per second, fixed overhead
  (start to the first finished cell), peak memory of the largest process, processes left after;
- cold: the same from a fresh clone, environments created (uv's download cache stays warm);
- floor: the minimal cell (bench/minimal_cell.py: a fresh child given one manager list, one
  append, a report over a pipe, the list read back) per interpreter and start method, spread
  over the machine's cores, and the warm run's share of it (target ≥ 0.8); the same for bare
  children (bench/process_floor.py), reported beside it;
- naive: a fresh Manager and a fresh child for every cell, one after another (every N-th case,
  as a rate);
- leaks: the runner's memory, descriptors and children across three passes of the catalogue.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mpconform import catalogue  # noqa: E402
from mpconform.host import interpreters  # noqa: E402

TARGETS = {"cells_per_second": 40.0, "floor_share": 0.8, "versus_naive": 2.0,
           "fixed_overhead_seconds": 5.0, "cold_extra_seconds": 30.0}


def run_measured(command: list[str], cwd: Path, env: dict) -> tuple[float, int, int]:
    """(wall seconds, peak RSS of the largest process in KiB, exit status)."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return time.monotonic() - started, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def processes_with(marker: str) -> int:
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                count += marker.encode() in Path(f"/proc/{entry}/environ").read_bytes()
            except OSError:
                pass
    return count


def matrix_run(checkout: Path, results: Path) -> dict:
    """One ``nox -t conformance`` run, timed from outside, cells counted as they finish."""
    events = results / "events.txt"
    marker = uuid.uuid4().hex
    # Cells are counted by bench/cell_events.py, a pytest plugin of the benchmark's own.
    python_path = os.pathsep.join(filter(None, [str(ROOT / "bench"), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, MPCONFORM_BENCH_EVENTS=str(events), MPCONFORM_BENCH_MARKER=marker,
               PYTHONPATH=python_path)
    started = time.time()
    wall, peak, status = run_measured(
        [sys.executable, "-m", "nox", "-t", "conformance", "--", "--mpconform-results", str(results),
         "-p", "cell_events"],
        checkout, env)
    times = sorted(float(line.split()[0]) for line in events.read_text().splitlines())
    time.sleep(1)
    return {"seconds": round(wall, 2), "cells": len(times), "exit_status": status,
            "cells_per_second": round(len(times) / wall, 1),
            "fixed_overhead_seconds": round(times[0] - started, 2) if times else None,
            "peak_rss_mib": round(peak / 1024, 1), "processes_left": processes_with(marker)}


def found_interpreters() -> list[interpreters.Interpreter]:
    return [found for _, found, _ in interpreters.plan(cache_file=ROOT / ".nox" / "interpreters.json")
            if found is not None]


def script(name: str, *arguments: str) -> list[str]:
    # Started with -c so that spawned children have no __main__ to import again.
    return ["-c", f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); sys.argv = ['{name}'] + "
                  f"{list(arguments)!r}; import {name}; {name}.main()"]


def floor(found: list, cells_per_method: int, cores: int, name: str = "process_floor") -> dict:
    """Cells per second on all cores if each cell cost what ``name`` measures: a bare child
    (process_floor) or the minimal cell (minimal_cell), per interpreter and start method."""
    seconds, per_interpreter = 0.0, {}
    for interpreter in found:
        output = subprocess.run([interpreter.executable, *script(name, "20")],
                                capture_output=True, text=True, check=True).stdout
        costs = json.loads(output)
        per_interpreter[interpreter.label] = {m: round(c * 1000, 1) for m, c in costs.items()}
        seconds += sum(costs.values()) * cells_per_method
    cells = cells_per_method * 3 * len(found)
    return {"child_start_ms": per_interpreter, "seconds_on_all_cores": round(seconds / cores, 2),
            "cells_per_second": round(cells / (seconds / cores), 1)}


def naive(found: list, every: int) -> dict:
    cells, seconds = 0, 0.0
    for interpreter in found:
        output = subprocess.run([interpreter.executable, *script("naive_runner", str(every))],
                                capture_output=True, text=True, check=True, cwd=ROOT).stdout
        result = json.loads(output.strip().splitlines()[-1])
        cells += result["cells"]
        seconds += result["seconds"]
    return {"sampled_every_nth_case": every, "cells": cells, "seconds": round(seconds, 2),
            "cells_per_second": round(cells / seconds, 1)}


def leaks(passes: int = 3) -> dict:
    """The runner and what it started, sampled after each pass over the catalogue."""
    from mpconform.harness.client import Runner

    def group_state(pgid: int) -> dict:
        members = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                    if int(stat[2]) == pgid:
                        members.append(int(entry))
                except (OSError, IndexError):
                    pass
        rss = sum(int(line.split()[1]) for pid in members
                  for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                  if line.startswith("VmRSS:"))
        return {"processes": len(members), "rss_mib": round(rss / 1024, 1),
                "runner_fds": len(os.listdir(f"/proc/{pgid}/fd"))}

    runner = Runner()
    samples = []
    try:
        for _ in range(passes):
            for case in catalogue.load():
                for method in ("fork", "spawn", "forkserver"):
                    request = case.request()
                    request["start_method"] = method
                    runner.run(request)
            samples.append(group_state(runner.process.pid))
    finally:
        runner.close()
    return {"cells_per_pass": len(catalogue.load()) * 3, "after_each_pass": samples}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--naive-every", type=int, default=4, help="sample every N-th case for the naive runner")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold run from a fresh clone")
    parser.add_argument("--no-warmup", action="store_true",
                        help="skip the warm-up run (when the environments and caches are already in place)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "matrix-speed.json")
    arguments = parser.parse_args()
    cores = os.cpu_count() or 1
    found = found_interpreters()
    per_method = len(catalogue.load())
    report = {"machine": {"cores": cores, "platform": platform.platform(), "python": sys.version.split()[0]},
              "interpreters": [f"{i.label} ({i.identity.version_text})" for i in found], "targets": TARGETS}

    with tempfile.TemporaryDirectory(prefix="mpconform-bench-") as scratch:
        scratch = Path(scratch)
        if not arguments.no_warmup:
            (scratch / "warmup").mkdir()
            matrix_run(ROOT, scratch / "warmup")  # environments in place, caches warm
        (scratch / "warm").mkdir()
        report["warm"] = warm = matrix_run(ROOT, scratch / "warm")
        if not arguments.no_cold:
            clone = scratch / "clone"
            subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
            # The working tree as it is, uncommitted changes included.
            for tracked in subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True,
                                          text=True, check=True).stdout.splitlines():
                if (ROOT / tracked).is_file():
                    shutil.copy2(ROOT / tracked, clone / tracked)
            (scratch / "cold").mkdir()
            report["cold"] = matrix_run(clone, scratch / "cold")
    report["floor"] = floor(found, per_method, cores)
    report["minimal_cell_floor"] = floor(found, per_method, cores, "minimal_cell")
    report["naive"] = naive(found, arguments.naive_every)
    report["leaks"] = leaks()

    report["results"] = results = {
        "cells_per_second": warm["cells_per_second"],
        "floor_share": round(warm["cells_per_second"] / report["floor"]["cells_per_second"], 2),
        "minimal_cell_share": round(warm["cells_per_second"] / report["minimal_cell_floor"]["cells_per_second"], 2),
        "versus_naive": round(warm["cells_per_second"] / report["naive"]["cells_per_second"], 2),
        "fixed_overhead_seconds": warm["fixed_overhead_seconds"],
    }
    if "cold" in report:
        results["cold_extra_seconds"] = round(report["cold"]["seconds"] - warm["seconds"], 1)
    checks = {
        "cells_per_second": results["cells_per_second"] >= TARGETS["cells_per_second"],
        "minimal_cell_share": results["minimal_cell_share"] >= TARGETS["floor_share"],
        "versus_naive": results["versus_naive"] >= TARGETS["versus_naive"],
        "fixed_overhead_seconds": (results["fixed_overhead_seconds"] or 1e9) <= TARGETS["fixed_overhead_seconds"],
    }
    if "cold_extra_seconds" in results:
        checks["cold_extra_seconds"] = results["cold_extra_seconds"] <= TARGETS["cold_extra_seconds"]
    report["targets_met"] = checks
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
