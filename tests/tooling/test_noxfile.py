"""The noxfile names a conformance session per interpreter column, each with a docstring."""

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
