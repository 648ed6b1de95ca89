"""The noxfile names a conformance session per interpreter column, each with a docstring."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mpconform.host.interpreters import WANTED

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def listing():
    pytest.importorskip("nox")
    return subprocess.run([sys.executable, "-m", "nox", "-l"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout


def test_every_wanted_interpreter_has_a_described_session(listing):
    for wanted in WANTED:
        line = next(line for line in listing.splitlines() if line.startswith(f"* conformance-{wanted.label} "))
        assert "-> Run every case" in line


def test_the_tooling_session_is_listed_with_its_docstring(listing):
    assert "tooling [tests] -> Test the project's own tooling" in listing


def test_committed_shards_record_a_command_line_that_is_the_same_on_every_machine():
    """The worker count goes through PYTEST_XDIST_AUTO_NUM_WORKERS: on the command line, each
    machine's core count would rewrite every committed shard."""
    command_line = ["tests/conformance", "-n", "auto", "-p", "no:cacheprovider"]
    for shard in sorted((ROOT / "reports" / "results").glob("*.json")):
        manifest = json.loads(shard.read_text(encoding="utf-8"))["manifest"]
        assert manifest["selection"]["args"] == command_line, shard.name
