"""API surface: which methods and type features each version's proxies expose.

The child stores what an expression gave in ``ns.result``; where a proxy lacks the method or
feature the plain object has, the cell raises (AttributeError, TypeError, ...), and where both
work alike it propagates.
Specification: https://docs.python.org/3/library/multiprocessing.html#proxy-objects and the
"Changed in version" notes of multiprocessing.managers.
"""

PATTERN = "api-surface"

FAMILIES = [
    {
        "summary": "`{code}` in the child, where ls is a manager.list and di a manager.dict",
        "setup": {"ns": {"manager.Namespace": {"result": None}}, "ls": {"manager.list": [1, 2]},
                  "di": {"manager.dict": {0: 1}}},
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "list-copy": {
                "code": "ns.result = ls.copy()",
                "containers": ["list"],
                "expect": [{"outcome": "raised:AttributeError"},
                           {"since": "3.14", "outcome": "propagated", "ref": "gh-103134"}],
                "fix": "Before 3.14: `list(ls)` or `ls[:]`.",
            },
            "dict-or": {
                "code": "ns.result = di | {1: 2}",
                "containers": ["dict"],
                "expect": [{"outcome": "raised:TypeError"},
                           {"since": "3.14", "outcome": "propagated", "ref": "gh-103134"}],
                "fix": "Before 3.14: `{**di.copy(), 1: 2}` (dict | itself needs 3.9, PEP 584).",
            },
            "dict-reversed": {
                "code": "ns.result = list(reversed(di))",
                "containers": ["dict"],
                "summary": "`{code}` in the child, where di is a manager.dict {0: 1}: before 3.14 "
                           "reversed() walks the proxy as a sequence, di[len - 1] … di[0]",
                "expect": [{"outcome": "diverged"},
                           {"since": "3.14", "outcome": "propagated", "ref": "gh-103134"}],
                "fix": "Before 3.14: `list(reversed(list(di.keys())))` (a DictProxy has __len__ and "
                       "__getitem__ but no __reversed__, so reversed() indexes it by position).",
            },
            "dict-fromkeys": {
                "code": "ns.result = di.fromkeys([1, 2])",
                "containers": ["dict"],
                "expect": [{"outcome": "raised:AttributeError"},
                           {"since": "3.14", "outcome": "propagated", "ref": "gh-103134"}],
                "fix": "Before 3.14: `dict.fromkeys([1, 2])` (a classmethod: no proxy needed).",
            },
            "dict-has-key": {
                "code": "ns.result = di.has_key(0)",
                "containers": ["dict"],
                "expect": [{"outcome": "raised:RemoteError"},
                           {"since": "3.7.3", "outcome": "raised:AttributeError", "ref": "bpo-35918"}],
                "fix": "`0 in di` (has_key is Python 2's; 3.6 still listed it as exposed, so the "
                       "call failed in the manager instead of in the child).",
            },
            "dict-iterate": {
                "code": "ns.result = [key for key in di]",
                "containers": ["dict"],
                "expect": [{"outcome": "raised:AttributeError", "ref": "gh-99595"}],
                "fix": "Iterate over a copy in a child: `for key in list(di.keys())` (iter(di) asks "
                       "the manager for an iterator proxy, which a child's proxy cannot create; "
                       "gh-99595, open).",
            },
            "list-generic-alias": {
                "code": "from multiprocessing.managers import ListProxy\nns.result = repr(ListProxy[int])",
                "containers": ["list"],
                "expect": [{"outcome": "raised:TypeError"},
                           {"since": "3.13", "outcome": "propagated", "ref": "gh-107431"}],
                "fix": "Before 3.13, annotate with a string: `'ListProxy[int]'`.",
            },
            "value-generic-alias": {
                "code": "from multiprocessing.managers import ValueProxy\nns.result = repr(ValueProxy[int])",
                "containers": ["value"],
                "expect": [{"outcome": "raised:TypeError"},
                           {"since": "3.9", "outcome": "propagated", "ref": "bpo-39481"}],
                "fix": "Before 3.9, annotate with a string: `'ValueProxy[int]'`.",
            },
        },
    },
    {
        "summary": "`{code}` in the child, where lock is a manager.Lock and cond a manager.Condition",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#multiprocessing.managers.SyncManager"],
        "containers": ["condition"],
        "setup": {"ns": {"manager.Namespace": {"result": None}}, "lock": {"manager.Lock": False},
                  "cond": {"manager.Condition": False}},
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "condition-notify-n": {
                "code": "with cond:\n    cond.notify(2)\nns.result = True",
                "expect": [{"outcome": "raised:TypeError"},
                           {"since": "3.7", "outcome": "propagated", "ref": "bpo-29293"}],
                "fix": "On 3.6, call `cond.notify()` once per waiter to wake, or `cond.notify_all()`.",
            },
            "condition-wait-for": {
                "code": "with cond:\n    ns.result = cond.wait_for(lambda: True, 1)",
            },
            "lock-locked": {
                "code": "ns.result = lock.locked()",
                "containers": ["lock"],
                "expect": [{"outcome": "raised:AttributeError"},
                           {"since": "3.14", "outcome": "propagated", "ref": "gh-115942"}],
                "fix": "Before 3.14: `lock.acquire(False)` and, when it succeeds, `lock.release()`.",
            },
        },
    },
    {
        "summary": "`{code}` in the child, where v is a manager.Value('i', 1) and ar a "
                   "manager.Array('i', [1, 2])",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#multiprocessing.managers.SyncManager.Value",
                       "bpo-35786"],
        "setup": {"ns": {"manager.Namespace": {"result": None}}, "v": {"manager.Value": ["i", 1]},
                  "ar": {"manager.Array": ["i", [1, 2]]}},
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "value-get-lock": {
                "code": "with v.get_lock():\n    v.value += 1",
                "containers": ["value"],
                "expect": [{"outcome": "raised:AttributeError"}],
                "fix": "A manager Value has no lock (bpo-35786): hold a manager Lock of your own "
                       "around `v.value += 1`.",
            },
            "value-typecode-not-enforced": {
                "code": "v.value = 'not an int'",
                "containers": ["value"],
                "summary": "`{code}` in the child: a manager Value('i', ...) stores any object; "
                           "its typecode is not checked",
            },
            "array-slice-assign": {
                "code": "ar[0:2] = [5, 6]",
                "containers": ["array"],
                "expect": [{"outcome": "raised:TypeError"}],
                "fix": "Assign item by item (`ar[0] = 5; ar[1] = 6`), or an array: "
                       "`ar[0:2] = array.array('i', [5, 6])`.",
            },
            "array-tolist": {
                "code": "ns.result = ar.tolist()",
                "containers": ["array"],
                "expect": [{"outcome": "raised:AttributeError"}],
                "fix": "Copy it out: `list(ar)` or `ar[:]`.",
            },
        },
    },
    {
        "summary": "`{code}` in the child, where di is a manager.dict {0: 1}: which error a "
                   "missing key raises there",
        "setup": {"ns": {"manager.Namespace": {"result": None}}, "di": {"manager.dict": {0: 1}}},
        "containers": ["dict"],
        "expect": [{"outcome": "raised:KeyError"}],
        "operations": {"missing-key": {"code": "ns.result = di['missing']"}},
    },
]
