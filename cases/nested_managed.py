"""Nested managed: a manager proxy stored inside a managed container stays a live proxy.

Since Python 3.6 a proxy stored in a managed list, dict or Namespace comes back out as a proxy
to the same object, so mutating it through the outer container propagates.
Specification: https://docs.python.org/3/library/multiprocessing.html#proxy-objects
("Changed in version 3.6: Shared objects are capable of being nested", bpo-6766).
"""

PATTERN = "nested-managed"

FAMILIES = [
    {
        "summary": "`{code}` in the child, where {slot} holds a manager.list proxy",
        "references": ["bpo-6766"],
        "slot_value": {"manager.list": [1]},
        "expect": [{"outcome": "propagated"}],
        "mutations": {"set": "list"},
        "operations": {"augmented-extend": {"code": "{slot} += [10]"}},
    },
    {
        "summary": "`{code}` in the child, where {slot} holds a manager.dict proxy",
        "references": ["bpo-6766"],
        "slot_value": {"manager.dict": {"k": 1}},
        "expect": [{"outcome": "propagated"}],
        "mutations": {"set": "dict"},
    },
    {
        "summary": "`{code}` in the child, where {slot} holds a manager.Value proxy",
        "references": ["bpo-6766"],
        "slot_value": {"manager.Value": ["i", 1]},
        "expect": [{"outcome": "propagated"}],
        "operations": {"value-assign": {"code": "{slot}.value = 5"}},
    },
    {
        "summary": "`{code}` in the child, where {slot} holds a manager.Array proxy",
        "references": ["bpo-6766"],
        "slot_value": {"manager.Array": ["i", [1, 2]]},
        "expect": [{"outcome": "propagated"}],
        "operations": {"array-item-assign": {"code": "{slot}[0] = 5"}},
    },
    {
        "summary": "`{code}` in the child, where {slot} holds a manager.Event proxy",
        "references": ["bpo-6766"],
        "slot_value": {"manager.Event": False},
        "expect": [{"outcome": "propagated"}],
        "operations": {"event-set": {"code": "{slot}.set()"}},
    },
    {
        "summary": "`{code}` in the child, where {slot} holds a manager.Namespace proxy",
        "references": ["bpo-6766"],
        "slot_value": {"manager.Namespace": {"y": 1}},
        "expect": [{"outcome": "propagated"}],
        "operations": {"namespace-setattr": {"code": "{slot}.y = 5"}},
    },
    {
        "summary": "`{code}` in the child, where {slot} holds a manager.Queue proxy",
        "references": ["bpo-30256"],
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
        "summary": "`{code}` in the child, three levels deep: {slot} holds a manager.list holding a manager.list",
        "references": ["bpo-6766"],
        "slot_value": {"manager.list": [{"manager.list": [1]}]},
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "three-levels-append": {"code": "{slot}[0].append(10)"},
            "three-levels-item-assign": {"code": "{slot}[0][0] = 5"},
        },
    },
    {
        "summary": "`{code}` in the child, where {slot} holds a manager synchronisation proxy",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#multiprocessing.managers.SyncManager",
                       "bpo-6766"],
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "joinable-queue-put": {
                "code": "{slot}.put(5)",
                "slot_value": {"manager.JoinableQueue": []},
                "summary": "`{code}` in the child, where {slot} holds a manager.JoinableQueue proxy",
                "expect": [
                    {"outcome": "raised:RemoteError"},
                    {"since": "3.9.7", "outcome": "propagated", "ref": "bpo-30256"},
                ],
                "fix": "Before 3.9.7, pass the JoinableQueue proxy to the child directly instead "
                       "of storing it in a managed container.",
            },
            "lock-acquire": {
                "code": "{slot}.acquire()",
                "slot_value": {"manager.Lock": False},
                "summary": "`{code}` in the child, where {slot} holds a manager.Lock proxy: the "
                           "parent finds it held",
            },
            "rlock-acquire": {
                "code": "{slot}.acquire()",
                "slot_value": {"manager.RLock": False},
                "summary": "`{code}` in the child, where {slot} holds a manager.RLock proxy: the "
                           "parent finds it held (by the child's connection, after the child exited)",
            },
            "condition-acquire": {
                "code": "{slot}.acquire()",
                "slot_value": {"manager.Condition": False},
                "summary": "`{code}` in the child, where {slot} holds a manager.Condition proxy",
            },
            "semaphore-acquire": {
                "code": "{slot}.acquire()",
                "slot_value": {"manager.Semaphore": 2},
                "summary": "`{code}` in the child, where {slot} holds a manager.Semaphore(2) proxy",
            },
            "bounded-semaphore-over-release": {
                "code": "{slot}.release()",
                "slot_value": {"manager.BoundedSemaphore": 1},
                "summary": "`{code}` in the child, where {slot} holds a manager.BoundedSemaphore(1) "
                           "proxy that nobody acquired: the manager's ValueError reaches the child",
                "expect": [{"outcome": "raised:ValueError"}],
            },
            "barrier-abort": {
                "code": "{slot}.abort()",
                "slot_value": {"manager.Barrier": 2},
                "summary": "`{code}` in the child, where {slot} holds a manager.Barrier(2) proxy",
            },
        },
    },
    {
        "summary": "`{code}` in the child, three levels deep: {slot} holds a manager.dict holding "
                   "a manager.Namespace",
        "references": ["bpo-6766"],
        "slot_value": {"manager.dict": {"k": {"manager.Namespace": {"y": 1}}}},
        "expect": [{"outcome": "propagated"}],
        "operations": {"three-levels-namespace-setattr": {"code": "{slot}['k'].y = 5"}},
    },
    {
        "summary": "`{code}` in the child, where {slot} holds a manager.set proxy",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#multiprocessing.managers.SyncManager.set",
                       "gh-129948"],
        "slot_value": {"manager.set": [1]},
        "expect": [
            {"outcome": "raised:AttributeError"},
            {"since": "3.14", "outcome": "propagated", "ref": "gh-129948"},
        ],
        "fix": "Before 3.14 a SyncManager has no set(): keep a manager.dict whose keys are the "
               "members (`members[item] = True`).",
        "operations": {"set-add": {"code": "{slot}.add(10)"}},
    },
    {
        "summary": "`{code}` in the child, where {slot} holds a manager.list proxy and the outer "
                   "container is copied, iterated or emptied first",
        "references": ["https://docs.python.org/3/library/copy.html", "bpo-6766"],
        "slot_value": {"manager.list": [1]},
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "outer-copied": {
                "code": "import copy\nouter = copy.copy({c})\nouter{key}.append(10)",
                "summary": "`{code}` in the child, where {slot} holds a manager.list proxy: a "
                           "shallow copy shares the inner list, as it would on plain Python",
            },
            "outer-iterated": {
                "code": {
                    "list": "[inner.append(10) for inner in ls]",
                    "dict": "[inner.append(10) for inner in di.values()]",
                },
                "summary": "`{code}` in the child, where the items of the outer container are "
                           "manager.list proxies",
            },
            "outer-emptied": {
                "code": {
                    "namespace": "inner = ns.x\ndel ns.x\ninner.append(10)\nns.x = inner",
                    "list": "inner = ls[0]\ndel ls[:]\ninner.append(10)\nls.append(inner)",
                    "dict": "inner = di[0]\ndi.clear()\ninner.append(10)\ndi[0] = inner",
                },
                "summary": "`{code}` in the child: the outer container lets go of a "
                           "manager.list proxy the child still holds, then takes it back",
            },
        },
    },
]
