"""Refuse a malformed catalogue before collection, in one line that names the mistake."""

import pytest

from mpconform import catalogue


def pytest_configure(config):
    try:
        catalogue.load()
    except catalogue.CaseError as error:
        raise pytest.UsageError("mpconform: %s" % error) from None
