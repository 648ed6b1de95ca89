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

from mpconform import catalogue, expectations, outcomes, shard_writer
from mpconform.harness.client import Runner

CELL_KEY = "mpconform-cell"
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
        request = case.request()
        request["start_method"] = start_method
        return self.runner.run(request)

    def check(self, case, start_method):
        """Run the cell, record it for the shard, and fail if it deviates from its expectation."""
        records = [self.run(case, start_method) for _ in range(self.repeat)]
        counts = {}
        for each in records:
            counts[each["outcome"]] = counts.get(each["outcome"], 0) + 1
        # The most frequent outcome stands for the cell; the first record that shows it, its values.
        outcome = max(sorted(counts), key=lambda o: counts[o])
        record = next(each for each in records if each["outcome"] == outcome)
        expectation = case.expected(expectations.Target.current(start_method))
        cell = {
            "id": case.id, "pattern": case.pattern, "container": case.container,
            "operation": case.operation, "start_method": start_method,
            "outcome": record["outcome"], "side": record.get("side"),
            "expected": expectation["outcome"], "values": record["values"],
            "duration": record["duration"],
        }
        if self.repeat > 1:
            cell["repeat"] = {"runs": self.repeat, "outcomes": counts}
            cell["flaky"] = len(counts) > 1
        self.node.user_properties.append((CELL_KEY, json.dumps(cell)))
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
    """Gathers the cells from every test report and writes them as this run's shard."""

    def __init__(self, config):
        self.config = config
        self.cells = []

    def pytest_runtest_logreport(self, report):
        if report.when != "call":
            return
        for key, value in report.user_properties:
            if key == CELL_KEY:
                self.cells.append(json.loads(value))

    def pytest_sessionfinish(self, session, exitstatus):
        target = self.config.getoption("--mpconform-results")
        if not self.cells or exitstatus == INTERRUPTED or (target or "").lower() == "none":
            return
        root = str(self.config.rootdir)
        results = target or os.path.join(root, "reports", "results")
        selection = {"args": [str(arg) for arg in self.config.invocation_params.args]}
        path = shard_writer.write(results, root, catalogue.load(), self.cells, selection)
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line("mpconform: %d cells written to %s" % (len(self.cells), path))
