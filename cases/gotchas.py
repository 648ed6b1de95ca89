"""Gotchas: plain-Python code that means something else when the object is a proxy.

The child stores what an expression gave in ``ns.result``; the plain-Python model computes
what the same expression gives on a real list or dict. Where they differ the cell is
``diverged``: the proxy does not behave like the object it stands for.
Specification: https://docs.python.org/3/library/multiprocessing.html#proxy-objects
"""

FAMILIES = [
    {
        "pattern": "gotcha",
        "summary": "`{code}` in the child, where ls is a manager.list holding [1]",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#proxy-objects"],
        "containers": ["list"],
        "setup": {"ns": {"manager.Namespace": {"result": None}}, "ls": {"manager.list": [1]}},
        "expect": [{"outcome": "diverged"}],
        "operations": {
            "equals-plain-list": {
                "code": "ns.result = (ls == [1])",
                "fix": "Compare a copy: `list(ls) == [1]` (a proxy compares by identity).",
            },
            "isinstance-list": {
                "code": "ns.result = isinstance(ls, list)",
                "fix": "A proxy is not a list: test `isinstance(ls, multiprocessing.managers.ListProxy)` "
                       "or work on `list(ls)`.",
            },
            "isinstance-mutable-sequence": {
                "code": "import collections.abc\nns.result = isinstance(ls, collections.abc.MutableSequence)",
                "expect": [
                    {"outcome": "diverged"},
                    {"since": "3.14", "outcome": "propagated", "ref": "gh-126417"},
                ],
                "fix": "Before 3.14, proxies are not registered with collections.abc: check for the "
                       "proxy type, or convert with list(ls).",
            },
            "repr": {
                "code": "ns.result = repr(ls)",
                "fix": "`str(ls)` shows the list's contents; `repr(ls)` describes the proxy.",
            },
            "str": {
                "code": "ns.result = str(ls)",
                "expect": [{"outcome": "propagated"}],
            },
            "len-and-in": {
                "code": "ns.result = (len(ls), 1 in ls)",
                "expect": [{"outcome": "propagated"}],
            },
            "iterate": {
                "code": "ns.result = [item for item in ls]",
                "expect": [{"outcome": "propagated"}],
            },
            "copy-is-a-new-proxy": {
                "code": "import copy\nduplicate = copy.copy(ls)\nduplicate.append(10)\nns.result = len(ls)",
                "fix": "copy.copy of a proxy is another proxy to the same list: copy the contents "
                       "with `list(ls)` (or `ls[:]`).",
            },
            "deepcopy-copies-the-contents": {
                "code": "import copy\nduplicate = copy.deepcopy(ls)\nduplicate.append(10)\nns.result = len(ls)",
                "summary": "`{code}` in the child: unlike copy.copy, deepcopy of a proxy copies the "
                           "contents (BaseProxy.__deepcopy__)",
                "expect": [{"outcome": "propagated"}],
            },
            "pickle-round-trip": {
                "code": "import pickle\nns.result = len(pickle.loads(pickle.dumps(ls)))",
                "expect": [{"outcome": "propagated"}],
            },
        },
    },
    {
        "pattern": "gotcha",
        "summary": "`{code}` in the child, where ls[0] holds a manager.list proxy",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#proxy-objects", "bpo-6766"],
        "containers": ["list"],
        "setup": {"ns": {"manager.Namespace": {"result": None}},
                  "ls": {"manager.list": [{"manager.list": [1]}]}},
        "expect": [{"outcome": "diverged"}],
        "operations": {
            "nested-identity": {
                "code": "ns.result = ls[0] is ls[0]",
                "fix": "Each read of a nested proxy makes a new proxy object: compare contents, "
                       "or keep one reference (`inner = ls[0]`).",
            },
        },
    },
    {
        "pattern": "gotcha",
        "summary": "`{code}` in the child, where di is a manager.dict holding {0: 1}",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#proxy-objects"],
        "containers": ["dict"],
        "setup": {"ns": {"manager.Namespace": {"result": None}}, "di": {"manager.dict": {0: 1}}},
        "expect": [{"outcome": "diverged"}],
        "operations": {
            "equals-plain-dict": {
                "code": "ns.result = (di == {0: 1})",
                "fix": "Compare a copy: `dict(di) == {0: 1}` (or `di.copy()`).",
            },
            "isinstance-dict": {
                "code": "ns.result = isinstance(di, dict)",
                "fix": "A proxy is not a dict: convert with `dict(di)` where a real dict is needed.",
            },
            "isinstance-mutable-mapping": {
                "code": "import collections.abc\nns.result = isinstance(di, collections.abc.MutableMapping)",
                "expect": [
                    {"outcome": "diverged"},
                    {"since": "3.14", "outcome": "propagated", "ref": "gh-126417"},
                ],
                "fix": "Before 3.14, proxies are not registered with collections.abc.",
            },
            "items-list": {
                "code": "ns.result = sorted(di.items())",
                "expect": [{"outcome": "propagated"}],
            },
        },
    },
]
