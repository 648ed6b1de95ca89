"""The conformance run: every case of cases/ under every start method, in real processes.

Each test is one cell. ``-k`` selects by case id and start method, e.g. ``-k nested``,
``-k "reassign-back and spawn"``, ``-k direct-assign.list.append``.
"""

import pytest

from mpconform import catalogue
from mpconform.vocabulary import START_METHODS


@pytest.mark.parametrize("start_method", START_METHODS)
@pytest.mark.parametrize("case", catalogue.load(), ids=str)
def test_cell(case, start_method, conformance):
    conformance.check(case, start_method)
