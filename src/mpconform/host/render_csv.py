"""The matrix as CSV: one row per cell, for spreadsheets and scripts."""

from __future__ import annotations

import csv
import io

FIELDS = ["case", "pattern", "container", "operation", "platform", "implementation", "version",
          "build", "start_method", "outcome", "expected", "matches", "side", "stale", "runs", "flaky"]


def render(matrix: dict) -> str:
    columns = {c["key"]: c for c in matrix["columns"]}
    cases = {c["id"]: c for c in matrix["cases"]}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, FIELDS, lineterminator="\n")
    writer.writeheader()
    for cell in matrix["cells"]:
        column, case = columns[cell["column"]], cases[cell["case"]]
        writer.writerow({
            "case": cell["case"], "pattern": case["pattern"], "container": case["container"],
            "operation": case["operation"], "platform": column["platform"],
            "implementation": column["implementation"], "version": column["version"],
            "build": column["build"], "start_method": cell["start_method"],
            "outcome": cell["outcome"], "expected": cell["expected"],
            "matches": ("n/a" if cell["outcome"].startswith("skipped:")
                        else "yes" if cell["outcome"] == cell["expected"] else "no"),
            "side": cell["side"] or "", "stale": "yes" if cell["stale"] else "no",
            "runs": ";".join(f"{o} {n}/{cell['repeat']['runs']}" for o, n in sorted(cell["repeat"]["outcomes"].items()))
            if "repeat" in cell else "1",
            "flaky": "yes" if cell.get("flaky") else "no",
        })
    return buffer.getvalue()
