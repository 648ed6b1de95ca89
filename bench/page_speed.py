"""Benchmark: the published page (reports/index.html) in headless Chromium. Host side.

    python bench/page_speed.py [--page reports/index.html] [--runs 5] [--out bench/results/page-speed.json]

Figures (min / median / max over the runs, on this machine):
- weight: the file's bytes (and gzipped, as a server would send it); target ≤ 2 MB;
- first contentful paint of a fresh load from file:// (no cache shared between loads);
- a filter keystroke: typing "ns.x.append" into the search one character at a time and deleting
  it again, each keystroke measured from the input event to the end of the style and layout it
  causes (the page's own script, then a forced layout); target < 50 ms for the slowest;
- a start-method switch (every cell redrawn) and the first opening of a cell's details (the
  details JSON is parsed then, not at load).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"weight_bytes": 2_000_000, "keystroke_ms": 50.0}
TYPED = "ns.x.append"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# Runs in the page: one character at a time, the time from dispatching the input event until the
# layout it invalidated is done (getBoundingClientRect forces it).
KEYSTROKES = """async (typed) => {
  const box = document.getElementById("filter-text");
  const times = [];
  const steps = [];
  for (let i = 1; i <= typed.length; i++) { steps.push(i); }
  for (let i = typed.length - 1; i >= 0; i--) { steps.push(i); }  // then back to nothing, as a user clears it
  for (const i of steps) {
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const start = performance.now();
    box.value = typed.slice(0, i);
    box.dispatchEvent(new Event("input", {bubbles: true}));
    document.body.getBoundingClientRect();
    document.querySelector("main").offsetHeight;
    times.push(performance.now() - start);
  }
  return times;
}"""
TIMED = """(action) => {
  const start = performance.now();
  action === "method" ? (() => { const s = document.getElementById("filter-method");
                                  s.value = "spawn"; s.dispatchEvent(new Event("change")); })()
                      : document.querySelector("td.cell button").click();
  document.querySelector("main").offsetHeight;
  return performance.now() - start;
}"""


def spread(values: list[float]) -> dict:
    return {"min": round(min(values), 1), "median": round(statistics.median(values), 1),
            "max": round(max(values), 1)}


def measure(page_path: Path, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("page_speed: needs Chromium (Debian's chromium package)")
    url = page_path.resolve().as_uri()
    paints, keystrokes, switches, opens = [], [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.goto(url, wait_until="load")
            paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime")
            paints.append(paint)
            keystrokes += page.evaluate(KEYSTROKES, TYPED)
            switches.append(page.evaluate(TIMED, "method"))
            opens.append(page.evaluate(TIMED, "open"))
            context.close()
        browser.close()
    return {"first_contentful_paint_ms": spread(paints), "keystroke_ms": spread(keystrokes),
            "keystrokes_measured": len(keystrokes), "method_switch_ms": spread(switches),
            "first_details_open_ms": spread(opens)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", type=Path, default=ROOT / "reports" / "index.html")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "page-speed.json")
    arguments = parser.parse_args(argv)
    if not arguments.page.is_file():
        raise SystemExit(f"page_speed: {arguments.page} does not exist; draw it with `nox -s matrix`")
    data = arguments.page.read_bytes()
    html = data.decode("utf-8")
    results = {
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "page": {"cases": html.count("<tr data-case="), "columns": html.count('<th scope="col" data-column=')},
        "targets": TARGETS,
        "weight": {"bytes": len(data), "gzipped_bytes": len(gzip.compress(data, mtime=0))},
        "runs": arguments.runs,
        **measure(arguments.page, arguments.runs),
    }
    results["meets"] = {"weight": len(data) <= TARGETS["weight_bytes"],
                        "keystroke": results["keystroke_ms"]["max"] < TARGETS["keystroke_ms"]}
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    json.dump(results, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
