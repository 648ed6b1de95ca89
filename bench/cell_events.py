"""pytest plugin for bench/: one line per finished cell, ``<time> <test id>``, appended to the file
MPCONFORM_BENCH_EVENTS names. Loaded from outside (``-p cell_events``, with bench/ on
PYTHONPATH), so the product carries no benchmark hooks. Runs inside every interpreter under test:
Python 3.6 syntax, standard library only.
"""

import os
import time


def pytest_runtest_logreport(report):
    # Under pytest-xdist the controller receives each worker's report again, with ``node`` set:
    # count a cell once, where it ran. The other tests in tests/conformance are not cells.
    events = os.environ.get("MPCONFORM_BENCH_EVENTS")
    is_cell = "test_cells.py::test_cell[" in report.nodeid
    if events and is_cell and report.when == "call" and not hasattr(report, "node"):
        with open(events, "a") as stream:
            stream.write("%.6f %s\n" % (time.time(), report.nodeid))
