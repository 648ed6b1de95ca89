"""Outcome words (their meanings are in ``vocabulary.OUTCOMES``) and the record of one cell run.

A **record** is what running one cell gives: its outcome, the side an exception came from, and
the values each side saw (``before``, ``intended``, ``child_before``, ``child_after``,
``parent_after``, ``exception``, ``exitcode``, ...). Every record is made by ``record``.
"""

from mpconform.vocabulary import OUTCOMES, OUTCOMES_WITH_DETAIL

PROPAGATED = "propagated"
LOST = "lost"
DIVERGED = "diverged"
HUNG = "hung"
CRASHED = "crashed"
RAISED_PREFIX = "raised:"
SKIPPED_PREFIX = "skipped:"

PLAIN_OUTCOMES = tuple(word for word in OUTCOMES if word not in OUTCOMES_WITH_DETAIL)


def raised(exception_type_name):
    return RAISED_PREFIX + exception_type_name


def skipped(reason):
    return SKIPPED_PREFIX + reason


def word(outcome):
    """The vocabulary word of an outcome: ``raised:KeyError`` -> ``raised``."""
    return outcome.split(":", 1)[0]


def is_valid(outcome):
    """True for a word of the vocabulary (``raised:`` and ``skipped:`` need their detail)."""
    if outcome in PLAIN_OUTCOMES:
        return True
    if outcome.startswith(RAISED_PREFIX):
        return outcome[len(RAISED_PREFIX):].isidentifier()
    if outcome.startswith(SKIPPED_PREFIX):
        return bool(outcome[len(SKIPPED_PREFIX):].strip())
    return False


def compare_state(before, intended, observed):
    """Classify what the other process observed against the state before and the intended one."""
    if observed == intended:
        return PROPAGATED
    if observed == before:
        return LOST
    return DIVERGED


def record(outcome=None, side=None, **values):
    """A new record: ``record(HUNG, "runner")``, ``record(CRASHED, "runner", exitcode=-9)``."""
    return {"outcome": outcome, "side": side, "values": values}


def raised_record(side, exception, into=None):
    """A record of an exception (a ``describe_exception`` dict) raised on ``side``.

    ``into``: a record under way, whose values are kept.
    """
    made = into if into is not None else record()
    made["outcome"] = raised(exception["type"])
    made["side"] = side
    made["values"]["exception"] = exception
    return made
