"""Nested unmanaged: mutating a plain list or dict stored inside a managed container is lost.

Reading ``ns.x`` (or ``ls[0]``, ``di[0]``) returns a copy of the plain object; the child
mutates that copy and the manager never hears of it. No error is raised.
Specification: https://docs.python.org/3/library/multiprocessing.html#proxy-objects (the note
on "standard (non-proxy) list or dict objects contained in a referent").
"""

PATTERN = "nested-unmanaged"

FAMILIES = [
    {
        "summary": "`{code}` in the child, where {slot} holds a plain list",
        "slot_value": [1],
        "expect": [{"outcome": "lost"}],
        "fix": "Read the value out, change it, assign it back (reassign-back), or store a "
               "manager.list / manager.dict instead (nested-managed, Python 3.6+).",
        "mutations": {"set": "list"},
    },
    {
        "summary": "`{code}` in the child, where {slot} holds a plain dict",
        "slot_value": {"k": 1},
        "expect": [{"outcome": "lost"}],
        "fix": "Read the dict out, change it, assign it back, or store a manager.dict instead.",
        "mutations": {"set": "dict"},
    },
    {
        "summary": "`{code}` in the child, where di[0] holds a plain list: the list a dict "
                   "method returns is a copy too",
        "containers": ["dict"],
        "slot_value": [1],
        "expect": [{"outcome": "lost"}],
        "fix": "Assign the changed list back (`items = di.get(0, []); items.append(10); "
               "di[0] = items`), or store a manager.list.",
        "operations": {
            "get-then-append": {"code": "di.get(0).append(10)"},
            "setdefault-then-append": {"code": "di.setdefault(0, []).append(10)"},
        },
    },
]
