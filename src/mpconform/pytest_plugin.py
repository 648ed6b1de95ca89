"""pytest plugin: run cells, check them against their expectations, write the results shard.

Tests ask for the ``conformance`` fixture and call ``conformance.check(case, start_method)``.
The runner gives a *record* of each run; the plugin makes it a *cell* (the record with its case,
start method and expectation), which rides on its test report (``user_properties``), so that
with pytest-xdist the controller sees every worker's cells and writes one shard for this
interpreter.
"""

import json
import os

import pytest

from mpconform import catalogue, cells, outcomes, shard_writer
from mpconform.harness.client import Runner

CELL_KEY = "mpconform-cell"
SECONDS_KEY = "mpconform-seconds"
INTERRUPTED = 2


def pytest_addoption(parser):
    group = parser.getgroup("mpconform")
    group.addoption(
        "--mpconform-results", default=None, metavar="DIR",
        help="folder the results shard is written to (default: <rootdir>/reports/results; "
             "'none' writes no shard)")
    group.addoption(
        "--mpconform-repeat", type=int, default=1, metavar="N",
        help="run each cell N times and record how often each outcome came (k/N); a cell whose "
             "outcomes differ is flaky and fails")


def _repeat(config):
    repeat = config.getoption("--mpconform-repeat")
    if repeat < 1:
        raise pytest.UsageError("--mpconform-repeat takes a whole number of at least 1, not %d" % repeat)
    return repeat


def pytest_configure(config):
    _repeat(config)
    if not hasattr(config, "workerinput"):  # xdist workers report; the controller writes
        config.pluginmanager.register(ShardCollector(config), "mpconform-shard")


@pytest.fixture(scope="session")
def cell_runner():
    """The runner process of this pytest process (each xdist worker has its own)."""
    runner = Runner()
    yield runner
    runner.close()


@pytest.fixture
def conformance(cell_runner, request):
    return Conformance(cell_runner, request.node, _repeat(request.config))


class Conformance:
    def __init__(self, runner, node, repeat=1):
        self.runner = runner
        self.node = node
        self.repeat = repeat

    def run(self, case, start_method):
        """The record of one cell, without judging it."""
        return self.runner.run(cells.request(case, start_method))

    def check(self, case, start_method):
        """Run the cell, record it for the shard, and fail if it deviates from its expectation."""
        records = [self.run(case, start_method) for _ in range(self.repeat)]
        cell, record, counts, expectation = cells.place(case, start_method, records)
        self.node.user_properties.append((CELL_KEY, json.dumps(cell)))
        self.node.user_properties.append((SECONDS_KEY, sum(each.get("duration", 0.0) for each in records)))
        if record["outcome"].startswith(outcomes.SKIPPED_PREFIX):
            pytest.skip(record["outcome"][len(outcomes.SKIPPED_PREFIX):])
        if len(counts) > 1:
            seen = ", ".join("%s %d/%d" % (o, counts[o], self.repeat) for o in sorted(counts))
            pytest.fail("%s under %s is flaky: %s\n%s" % (
                case.id, start_method, seen, explain(case, start_method, expectation, record)),
                pytrace=False)
        if record["outcome"] != expectation["outcome"]:
            pytest.fail(explain(case, start_method, expectation, record), pytrace=False)
        return record


def explain(case, start_method, expectation, record):
    """A failure message a reader can act on: what was expected, what happened, the values."""
    seen = record["values"]
    since = expectation.get("since")
    lines = [
        "%s under %s: expected %s, observed %s%s" % (
            case.id, start_method, expectation["outcome"], record["outcome"],
            " (in the %s)" % record["side"] if record.get("side") else ""),
        "  case:        %s" % case.description,
        "  expectation: %s%s%s" % (expectation["outcome"], " since %s" % since if since else "",
                                   " — %s" % expectation["ref"] if expectation.get("ref") else ""),
        "  defined in:  %s" % case.source,
    ]
    labels = [("before", "before"), ("intended", "intended"), ("child_before", "child before"),
              ("child_after", "child after"), ("parent_after", "parent after"),
              ("exitcode", "exit code"), ("signal", "signal")]
    for key, label in labels:
        if seen.get(key) is not None:
            lines.append("  %-12s %s" % (label + ":", str(seen[key]).replace("\n", "; ")))
    exception = seen.get("exception")
    if exception:
        lines.append("  exception:   %s: %s" % (exception["type"], exception["message"]))
        if exception.get("traceback"):
            lines.append(exception["traceback"].rstrip())
    if seen.get("output"):
        lines.append("  output:\n" + seen["output"].rstrip())
    return "\n".join(lines)


class ShardCollector:
    """Gathers the cells from every test report, writes them as this run's shard, and ends the
    session with a one-screen summary (outcomes, cells off their expectation, the shard's path,
    the time the cells took: timings belong on screen, never in the shard)."""

    def __init__(self, config):
        self.config = config
        self.cells = []
        self.seconds = 0.0
        self.written = None

    def pytest_runtest_logreport(self, report):
        if report.when != "call":
            return
        for key, value in report.user_properties:
            if key == CELL_KEY:
                self.cells.append(json.loads(value))
            elif key == SECONDS_KEY:
                self.seconds += float(value)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session, exitstatus):
        target = self.config.getoption("--mpconform-results")
        if not self.cells or exitstatus == INTERRUPTED or (target or "").lower() == "none":
            return
        root = str(self.config.rootdir)
        results = target or os.path.join(root, "reports", "results")
        selection = {"args": [str(arg) for arg in self.config.invocation_params.args]}
        self.written = shard_writer.write(results, root, catalogue.load(), self.cells, selection)

    def pytest_terminal_summary(self, terminalreporter):
        if not self.cells:
            return
        terminalreporter.section("mpconform")
        for line in summary_lines(self.cells, self.seconds, self.written):
            terminalreporter.write_line(line)


def summary_lines(cells, seconds, written):
    """The session's summary: outcome counts, skip reasons, cells off their expectation."""
    counts, reasons, off = {}, {}, []
    for cell in cells:
        word = outcomes.word(cell["outcome"])
        counts[word] = counts.get(word, 0) + 1
        if word == "skipped":
            reason = cell["outcome"][len(outcomes.SKIPPED_PREFIX):]
            reasons[reason] = reasons.get(reason, 0) + 1
        elif cell["outcome"] != cell["expected"]:
            off.append("  %s under %s: expected %s, observed %s" % (
                cell["id"], cell["start_method"], cell["expected"], cell["outcome"]))
    lines = ["%d cells in %.1f s: %s" % (len(cells), seconds, ", ".join(
        "%d %s" % (counts[word], word) for word in sorted(counts, key=lambda w: -counts[w])))]
    lines += ["skipped %d: %s" % (count, reason) for reason, count in sorted(reasons.items())]
    if off:
        lines.append("%d cells differ from their expectation:" % len(off))
        lines += off[:20] + (["  … and %d more" % (len(off) - 20)] if len(off) > 20 else [])
    else:
        lines.append("every cell that ran matches its expectation")
    lines.append("shard: %s" % (written or "not written (an interrupted run, or --mpconform-results none)"))
    return lines
