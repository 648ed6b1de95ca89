"""Nested unmanaged: mutating a plain list or dict stored inside a managed container is lost.

Reading ``ns.x`` (or ``ls[0]``, ``di[0]``) returns a copy of the plain object; the child
mutates that copy and the manager never hears of it. No error is raised.
Specification: https://docs.python.org/3/library/multiprocessing.html#proxy-objects (the note
on "standard (non-proxy) list or dict objects contained in a referent").
"""

FAMILIES = [
    {
        "pattern": "nested-unmanaged",
        "summary": "`{code}` in the child, where {slot} holds a plain list",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#proxy-objects"],
        "slot_value": [1],
        "expect": [{"outcome": "lost"}],
        "fix": "Read the value out, change it, assign it back (reassign-back), or store a "
               "manager.list / manager.dict instead (nested-managed, Python 3.6+).",
        "operations": {
            "append": {"code": "{slot}.append(10)"},
            "extend": {"code": "{slot}.extend([10, 11])"},
            "insert": {"code": "{slot}.insert(0, 10)"},
            "item-assign": {"code": "{slot}[0] = 5"},
            "item-augmented-add": {"code": "{slot}[0] += 1"},
            "item-delete": {"code": "del {slot}[0]"},
            "pop": {"code": "{slot}.pop()"},
            "remove": {"code": "{slot}.remove(1)"},
        },
    },
    {
        "pattern": "nested-unmanaged",
        "summary": "`{code}` in the child, where {slot} holds a plain dict",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#proxy-objects"],
        "slot_value": {"k": 1},
        "expect": [{"outcome": "lost"}],
        "fix": "Read the dict out, change it, assign it back, or store a manager.dict instead.",
        "operations": {
            "dict-item-assign": {"code": "{slot}['k'] = 2"},
            "dict-update": {"code": "{slot}.update({'j': 2})"},
            "dict-pop": {"code": "{slot}.pop('k')"},
            "dict-setdefault": {"code": "{slot}.setdefault('j', 2)"},
        },
    },
]
