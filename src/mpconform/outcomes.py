"""The closed vocabulary of outcomes, and how one cell's observations map onto it.

- ``propagated``: the other process sees exactly the change.
- ``lost``: the operation completed without error, but the other process sees the old state.
- ``diverged``: the other process sees neither the old nor the new state.
- ``raised:<ExceptionType>``: an exception, raised in setup, in the child or in the parent.
- ``hung``: the cell passed its timeout and was killed.
- ``crashed``: a process died without reporting.
- ``skipped:<reason>``: not run here (e.g. the start method does not exist on this platform).
"""

PROPAGATED = "propagated"
LOST = "lost"
DIVERGED = "diverged"
HUNG = "hung"
CRASHED = "crashed"
RAISED_PREFIX = "raised:"
SKIPPED_PREFIX = "skipped:"

PLAIN_OUTCOMES = (PROPAGATED, LOST, DIVERGED, HUNG, CRASHED)
SIDES = ("setup", "child", "parent", "runner")


def raised(exception_type_name):
    return RAISED_PREFIX + exception_type_name


def skipped(reason):
    return SKIPPED_PREFIX + reason


def is_valid(outcome):
    """True for a word of the vocabulary (``raised:`` and ``skipped:`` need their detail)."""
    if outcome in PLAIN_OUTCOMES:
        return True
    for prefix in (RAISED_PREFIX, SKIPPED_PREFIX):
        if outcome.startswith(prefix):
            detail = outcome[len(prefix):]
            if prefix == RAISED_PREFIX:
                return detail.isidentifier()
            return bool(detail.strip())
    return False


def compare_state(before, intended, observed):
    """Classify what the other process observed against the state before and the intended one."""
    if observed == intended:
        return PROPAGATED
    if observed == before:
        return LOST
    return DIVERGED
