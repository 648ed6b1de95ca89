"""Placing records: a case's records under one start method become its cell (target side).

One definition, used by the pytest plugin and by ``python -m mpconform check``'s worker, so that
both write the same cells for the same runs. A cell keeps only what the behaviour decides: no
duration, no machine paths (see stable_text).
"""

from mpconform import expectations, stable_text


def place(case, start_method, records):
    """``(cell, record, counts, expectation)`` for one or more records of the same cell: the most
    frequent outcome stands for the cell, and the first record that shows it, for its values."""
    counts = {}
    for each in records:
        counts[each["outcome"]] = counts.get(each["outcome"], 0) + 1
    outcome = max(sorted(counts), key=lambda o: counts[o])
    record = next(each for each in records if each["outcome"] == outcome)
    expectation = case.expected(expectations.Target.current(start_method))
    cell = {
        "id": case.id, "pattern": case.pattern, "container": case.container,
        "operation": case.operation, "start_method": start_method,
        "outcome": record["outcome"], "side": record.get("side"),
        "expected": expectation["outcome"],
        "values": stable_text.cell_values(record["values"], record["outcome"], case.children),
    }
    if len(records) > 1:
        cell["repeat"] = {"runs": len(records), "outcomes": counts}
        cell["flaky"] = len(counts) > 1
    return cell, record, counts, expectation


def request(case, start_method):
    """What the runner is sent for one cell."""
    sent = case.request()
    sent["start_method"] = start_method
    return sent
