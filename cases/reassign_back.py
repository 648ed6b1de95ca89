"""Reassign back: read a plain object out, mutate the copy, assign it back — this propagates.

The assignment is a call to the manager, which stores the whole new value. ``{slot} += [10]``
does the same implicitly: it reads a copy, extends it and assigns it back.
Specification: https://docs.python.org/3/library/multiprocessing.html#proxy-objects (the
``lproxy[0] = d`` example that "reassigns the dictionary").
"""

PATTERN = "reassign-back"

FAMILIES = [
    {
        "summary": "`{code}` in the child: read {slot} out, change the copy, assign it back",
        "slot_value": [1],
        "expect": [{"outcome": "propagated"}],
        "mutations": {"set": "list", "template": "tmp = {slot}\n{mutation}\n{slot} = tmp", "target": "tmp"},
        "operations": {"augmented-extend": {"code": "{slot} += [10]"}},
    },
    {
        "summary": "`{code}` in the child: read the plain dict in {slot} out, change it, assign it back",
        "slot_value": {"k": 1},
        "expect": [{"outcome": "propagated"}],
        "mutations": {"set": "dict", "template": "tmp = {slot}\n{mutation}\n{slot} = tmp", "target": "tmp"},
    },
]
