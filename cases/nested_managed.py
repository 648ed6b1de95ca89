"""Nested managed: a manager proxy stored inside a managed container stays a live proxy.

Since Python 3.6 a proxy stored in a managed list, dict or Namespace comes back out as a proxy
to the same object, so mutating it through the outer container propagates.
Specification: https://docs.python.org/3/library/multiprocessing.html#proxy-objects
("Changed in version 3.6: Shared objects are capable of being nested", bpo-6766).
"""

FAMILIES = [
    {
        "pattern": "nested-managed",
        "summary": "`{code}` in the child, where {slot} holds a manager.list proxy",
        "references": [
            "https://docs.python.org/3/library/multiprocessing.html#proxy-objects",
            "bpo-6766",
        ],
        "slot_value": {"manager.list": [1]},
        "expect": [{"outcome": "propagated"}],
        "mutations": "list",
        "operations": {"augmented-extend": {"code": "{slot} += [10]"}},
    },
    {
        "pattern": "nested-managed",
        "summary": "`{code}` in the child, where {slot} holds a manager.dict proxy",
        "references": [
            "https://docs.python.org/3/library/multiprocessing.html#proxy-objects",
            "bpo-6766",
        ],
        "slot_value": {"manager.dict": {"k": 1}},
        "expect": [{"outcome": "propagated"}],
        "mutations": "dict",
    },
    {
        "pattern": "nested-managed",
        "summary": "`{code}` in the child, where {slot} holds a manager.Value proxy",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#proxy-objects", "bpo-6766"],
        "slot_value": {"manager.Value": ["i", 1]},
        "expect": [{"outcome": "propagated"}],
        "operations": {"value-assign": {"code": "{slot}.value = 5"}},
    },
    {
        "pattern": "nested-managed",
        "summary": "`{code}` in the child, where {slot} holds a manager.Array proxy",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#proxy-objects", "bpo-6766"],
        "slot_value": {"manager.Array": ["i", [1, 2]]},
        "expect": [{"outcome": "propagated"}],
        "operations": {"array-item-assign": {"code": "{slot}[0] = 5"}},
    },
    {
        "pattern": "nested-managed",
        "summary": "`{code}` in the child, where {slot} holds a manager.Event proxy",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#proxy-objects", "bpo-6766"],
        "slot_value": {"manager.Event": False},
        "expect": [{"outcome": "propagated"}],
        "operations": {"event-set": {"code": "{slot}.set()"}},
    },
    {
        "pattern": "nested-managed",
        "summary": "`{code}` in the child, where {slot} holds a manager.Namespace proxy",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#proxy-objects", "bpo-6766"],
        "slot_value": {"manager.Namespace": {"y": 1}},
        "expect": [{"outcome": "propagated"}],
        "operations": {"namespace-setattr": {"code": "{slot}.y = 5"}},
    },
    {
        "pattern": "nested-managed",
        "summary": "`{code}` in the child, where {slot} holds a manager.Queue proxy",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#proxy-objects", "bpo-30256"],
        "slot_value": {"manager.Queue": []},
        "expect": [
            {"outcome": "raised:RemoteError"},
            {"since": "3.9.7", "outcome": "propagated", "ref": "bpo-30256"},
        ],
        "fix": "Before 3.9.7 (and on 3.6-3.8), pass the Queue proxy to the child directly instead "
               "of storing it in a managed container.",
        "operations": {"queue-put": {"code": "{slot}.put(5)"}},
    },
    {
        "pattern": "nested-managed",
        "summary": "`{code}` in the child, three levels deep: {slot} holds a manager.list holding a manager.list",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#proxy-objects", "bpo-6766"],
        "slot_value": {"manager.list": [{"manager.list": [1]}]},
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "three-levels-append": {"code": "{slot}[0].append(10)"},
            "three-levels-item-assign": {"code": "{slot}[0][0] = 5"},
        },
    },
]
