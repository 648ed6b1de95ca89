import multiprocessing

import pytest

from mpconform.harness.client import Runner


@pytest.fixture(scope="module")
def runner():
    runner = Runner()
    yield runner
    runner.close()


# The tests run on Linux, macOS and Windows: fork where it exists, else spawn (Windows).
AVAILABLE = multiprocessing.get_all_start_methods()
FIRST_METHOD = "fork" if "fork" in AVAILABLE else "spawn"


def methods(*wanted):
    """The start methods of ``wanted`` that this platform has."""
    return [method for method in wanted if method in AVAILABLE]


def cell(code, setup=None, start_method=FIRST_METHOD, timeout=10.0):
    """A request for one cell built here rather than in cases/: kept out of the matrix."""
    return {
        "id": "tooling",
        "setup": setup if setup is not None else {"ls": {"manager.list": [1]}},
        "code": code,
        "timeout": timeout,
        "start_method": start_method,
    }
