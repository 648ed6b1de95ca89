import pytest

from mpconform.harness.client import Runner


@pytest.fixture(scope="module")
def runner():
    runner = Runner()
    yield runner
    runner.close()


def cell(code, setup=None, start_method="fork", timeout=10.0):
    """A request for one cell built here rather than in cases/: kept out of the matrix."""
    return {
        "id": "tooling",
        "setup": setup if setup is not None else {"ls": {"manager.list": [1]}},
        "code": code,
        "timeout": timeout,
        "start_method": start_method,
    }
