"""Benchmark: mpconform lint, proved on the catalogue, the seed's programs, CPython's own tests. Host side.

    python bench/lint_proof.py [--out bench/results/lint-proof.json]

- The catalogue: every case's child code, with its setup, is a labelled example. For each
  CPython minor version the matrix covers, the share of cases whose expected outcome is lost,
  diverged or raised (patterns the checker covers) that it flags, and the cases that propagate
  yet are flagged (target: ≥ 95 % found, none flagged wrongly).
- The seed's programs (tests/conformance/original_answer.py, the question's two programs in
  tests/tooling/lint_examples/): the lines flagged.
- CPython's Lib/test/_test_multiprocessing.py of every pyenv install: the findings, to review.
- Speed: lines per second over all of the above, read and checked (target ≥ 10,000).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mpconform import catalogue  # noqa: E402
from mpconform.host.lint import checker, events, knowledge  # noqa: E402

COVERED = ("nested-unmanaged", "race", "api-surface", "gotcha", "direct-assign", "nested-managed", "transport")
VERSIONS = [(3, minor, 0) for minor in range(6, 16)]
# Cases whose outcome a checker that reads one module cannot know, each with the reason; they
# are reported, not counted.
BEYOND = {
    "api-surface.dict.missing-key": "a KeyError for a key that is not there: whether it is, is data",
    "gotcha.list.raw-fork-shares-connection": "os.fork() beside a proxy's connection: not a multiprocessing call",
    "transport.queue.mp-queue-through-pool": "a multiprocessing.Queue (not a manager proxy) given to a Pool",
    "direct-assign.list.append-local-function": "the value appended is a function made inside another one, "
                                                "known only by following the call that returns it",
    "gotcha.manager.ctrl-c-reaches-manager": "Ctrl-C reaching the manager's process: a terminal's signal, "
                                             "not something the code does",
}
TARGETS = {"found_share": 0.95, "wrongly_flagged": 0, "lines_per_second": 10_000}


def catalogue_proof(facts: dict) -> dict:
    cases = [case for case in catalogue.load() if case.pattern in COVERED]
    per_version = {}
    for version in VERSIONS:
        found, missed, wrong, should = 0, [], [], 0
        beyond_bad = beyond_found = 0
        for case in cases:
            outcome = checker.outcomes_at({"expect": case.expect}, version)
            bad = any(value != "propagated" and not value.startswith("skipped") for value in outcome.values())
            events = knowledge.case_events(case)
            flagged = [f for f in (checker.finding_for(e, version, facts) for e in events) if f is not None]
            if case.id in BEYOND:
                beyond_bad += bad
                beyond_found += bad and bool(flagged)
                continue
            if bad and case.pattern in knowledge.CODES:
                should += 1
                if flagged:
                    found += 1
                else:
                    missed.append(case.id)
            elif not bad and flagged:
                wrong.append(case.id)
        per_version[".".join(map(str, version[:2]))] = {
            "should_be_found": should, "found": found, "found_share": round(found / should, 3) if should else 1.0,
            "missed": missed, "wrongly_flagged": wrong,
            "found_share_counting_every_case": round((found + beyond_found) / (should + beyond_bad), 3)}
    return per_version


def files_proof(paths: list[Path], version) -> dict:
    result = {}
    for path in paths:
        source = path.read_text(encoding="utf-8")
        result[str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)] = [
            finding.text("") .lstrip(":") for finding in checker.check_source(source, version)]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "lint-proof.json")
    arguments = parser.parse_args()
    facts = knowledge.load()
    report = {"machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0]},
              "targets": TARGETS, "not_counted": BEYOND, "catalogue": catalogue_proof(facts)}
    examples = ROOT / "tests" / "tooling" / "lint_examples"
    seeds = [ROOT / "tests" / "conformance" / "original_answer.py", *sorted(examples.glob("question_*.py"))]
    report["seeds"] = files_proof(seeds, (3, 6, 0))
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    cpython = sorted(pyenv.glob("versions/*/lib/python3*/test/_test_multiprocessing.py"))
    report["cpython_tests"] = {}
    for path in cpython:
        version = tuple(int(p) for p in path.parts[-5].split(".")[:2]) + (0,)
        source = path.read_text(encoding="utf-8")
        found = checker.check_source(source, version)
        report["cpython_tests"][path.parts[-5]] = {
            "proxy_operations_read": len(events.module_events(source)),
            "findings": [f.text("_test_multiprocessing.py") for f in found]}
    sources = [path.read_text(encoding="utf-8") for path in seeds + cpython]
    lines = sum(source.count("\n") + 1 for source in sources)
    started = time.perf_counter()
    for _ in range(3):
        for source in sources:
            checker.check_source(source, (3, 8, 0), facts)
    seconds = (time.perf_counter() - started) / 3
    report["speed"] = {"lines": lines, "seconds": round(seconds, 3), "lines_per_second": round(lines / seconds)}
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    summary = {v: (r["found_share"], len(r["wrongly_flagged"])) for v, r in report["catalogue"].items()}
    print(json.dumps({"catalogue": summary, "seeds": report["seeds"], "speed": report["speed"],
                      "cpython": {k: (v["proxy_operations_read"], len(v["findings"]))
                                 for k, v in report["cpython_tests"].items()}}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
