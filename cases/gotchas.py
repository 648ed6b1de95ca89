"""Gotchas: plain-Python code that means something else when the object is a proxy.

The child stores what an expression gave in ``ns.result``; the plain-Python model computes
what the same expression gives on a real list or dict. Where they differ the cell is
``diverged``: the proxy does not behave like the object it stands for.
Specification: https://docs.python.org/3/library/multiprocessing.html#proxy-objects
"""

PATTERN = "gotcha"

FAMILIES = [
    {
        "summary": "`{code}` in the child, where ls is a manager.list holding [1]",
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
        "summary": "`{code}` in the child, where ls[0] holds a manager.list proxy",
        "references": ["bpo-6766"],
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
            "deepcopy-keeps-nested-proxies": {
                "code": "import copy\nouter = copy.deepcopy(ls)\nouter[0].append(10)\nns.result = len(ls[0])",
                "summary": "`{code}` in the child, where ls[0] holds a manager.list proxy: deepcopy "
                           "copies the outer list only; the inner proxy in the copy still points "
                           "at the shared list",
                "fix": "To work on a private copy, convert each level: "
                       "`[list(inner) for inner in ls]` (deepcopy of a proxy is its referent's "
                       "value, in which nested proxies stay proxies).",
            },
        },
    },
    {
        "summary": "`{code}` in the child, where di is a manager.dict holding {0: 1}",
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
    {
        "summary": "`{code}` in the child: a proxy used after the manager that made it shut down "
                   "(on Linux and macOS the manager's socket file is gone: FileNotFoundError)",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#managers",
                       "https://docs.python.org/3/library/multiprocessing.html#multiprocessing.managers.BaseManager.shutdown"],
        "containers": ["manager"],
        "setup": {"ns": {"manager.Namespace": {"result": None}}},
        "expect": [{"outcome": "raised:FileNotFoundError"}],
        "fix": "A proxy works only while its manager runs: keep the `with Manager()` block around "
               "every use of its proxies, or copy the data out (`list(inner)`) before it ends.",
        "operations": {
            "used-after-shutdown": {
                "code": "import multiprocessing\nwith multiprocessing.Manager() as own:\n"
                        "    inner = own.list([1])\nns.result = len(inner)",
            },
        },
    },
    {
        "summary": "`{code}` in the child, where st is a manager.set holding {1}",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#multiprocessing.managers.SyncManager.set",
                       "gh-129948", "gh-142740"],
        "containers": ["set"],
        "setup": {"ns": {"manager.Namespace": {"result": None}}, "st": {"manager.set": [1]}},
        "expect": [
            {"outcome": "raised:AttributeError"},
            {"since": "3.14", "outcome": "diverged", "ref": "gh-129948"},
        ],
        "fix": "Test for the proxy type, or convert with `set(st)` (gh-142740, open: a set's proxy "
               "is registered with collections.abc as a MutableMapping, not a MutableSet).",
        "operations": {
            "equals-plain-set": {
                "code": "ns.result = (st == {1})",
                "fix": "Compare a copy: `set(st) == {1}` (a proxy compares by identity).",
            },
            "isinstance-mutable-set": {
                "code": "import collections.abc\nns.result = isinstance(st, collections.abc.MutableSet)",
            },
            "isinstance-mutable-mapping": {
                "code": "import collections.abc\nns.result = isinstance(st, collections.abc.MutableMapping)",
            },
        },
    },
    {
        "summary": "Ctrl-C in the terminal reaches the manager too: `{code}` in the child, which "
                   "starts a manager of its own in a process group of its own",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#managers", "bpo-36368"],
        "containers": ["manager"],
        "setup": {"ns": {"manager.Namespace": {"result": None}}},
        "expect": [
            {"outcome": "raised:FileNotFoundError"},
            {"since": "3.8", "outcome": "propagated", "ref": "bpo-36368"},
        ],
        "fix": "Before 3.8, start the manager with SIGINT ignored: `manager = SyncManager(); "
               "manager.start(signal.signal, (signal.SIGINT, signal.SIG_IGN))`; a manager that "
               "died takes its objects with it (here the next call finds its socket gone).",
        "skip": [{"platforms": ["win32"], "reason": "sends SIGINT to a process group (os.setpgid, "
                  "os.killpg), which Windows does not have"}],
        "operations": {
            "ctrl-c-reaches-manager": {
                "code": "import multiprocessing, os, signal, time\n"
                        "os.setpgid(0, 0)\n"
                        "with multiprocessing.Manager() as own:\n"
                        "    results = own.list()\n"
                        "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                        "    os.killpg(0, signal.SIGINT)\n"
                        "    time.sleep(0.5)\n"
                        "    results.append(1)\n"
                        "    ns.result = list(results)",
            },
        },
    },
    {
        "summary": "`{code}` in the child, where ls is a manager.list holding [1]",
        "references": ["gh-101320"],
        "containers": ["list"],
        "setup": {"ns": {"manager.Namespace": {"result": None}}, "ls": {"manager.list": [1]}},
        "expect": [{"outcome": "diverged"}],
        "operations": {
            "proxy-as-dict-key": {
                "code": "try:\n    {ls: 'value'}\n    ns.result = 'hashable'\n"
                        "except TypeError:\n    ns.result = 'unhashable'",
                "summary": "`{code}` in the child: a list cannot be a dict key, its proxy can (by "
                           "identity: two proxies of one list are two keys)",
                "fix": "Key by something of your own (an id, `tuple(ls)`), never by a proxy.",
            },
            "plain-list-plus-proxy": {
                "code": "ns.result = [1] + ls",
                "expect": [{"outcome": "raised:TypeError"}],
                "fix": "Copy first: `[1] + list(ls)` (list.__add__ takes lists only; `ls + [1]` works).",
            },
            "proxy-plus-plain-list": {
                "code": "ns.result = ls + [1]",
                "expect": [{"outcome": "propagated"}],
            },
            "rebind-name": {
                "code": "ls = [5]\nns.result = len(ls)",
                "summary": "`{code}` in the child: rebinding the name leaves the shared list alone, "
                           "as it would on plain Python",
                "expect": [{"outcome": "propagated"}],
                "fix": "To replace the contents, assign to a slice: `ls[:] = [5]`.",
            },
            "raw-fork-shares-connection": {
                "code": "import os\nlen(ls)\npid = os.fork()\nif pid == 0:\n    ls.append(10)\n"
                        "    os._exit(0)\nos.waitpid(pid, 0)\nls.append(11)",
                "summary": "`{code}` in the child: a process made with os.fork (not multiprocessing) "
                           "reaches the manager through its parent's own connection",
                "skip": [{"platforms": ["win32"], "reason": "os.fork exists on POSIX only"}],
                "fix": "Start processes with multiprocessing, which gives each child connections of "
                       "its own; after a raw os.fork (pre-fork servers, socketserver.ForkingMixIn), "
                       "make new proxies in the child: one connection used by two processes at once "
                       "mixes their replies (gh-101320).",
            },
        },
    },
    {
        "summary": "`{code}` in the child, where di is a manager.dict holding {0: 1}",
        "containers": ["dict"],
        "setup": {"ns": {"manager.Namespace": {"result": None}}, "di": {"manager.dict": {0: 1}}},
        "expect": [{"outcome": "raised:TypeError"}],
        "operations": {
            "json-dumps": {
                "code": "import json\nns.result = json.dumps(di)",
                "fix": "Serialize a copy: `json.dumps(di.copy())` (a DictProxy is not a dict).",
            },
        },
    },
    {
        "summary": "`{code}` in the child, where ns is a manager.Namespace with x=1",
        "containers": ["namespace"],
        "setup": {"ns": {"manager.Namespace": {"result": None, "x": 1}}},
        "expect": [{"outcome": "diverged"}],
        "operations": {
            "subscript": {
                "code": "ns.result = ns['x']",
                "expect": [{"outcome": "raised:TypeError"}],
                "fix": "A Namespace has attributes, not items: `ns.x`, or `getattr(ns, name)`.",
            },
            "vars": {
                "code": "ns.result = sorted(vars(ns))",
                "summary": "`{code}` in the child: vars() of the proxy shows the proxy's own "
                           "attributes, not the namespace's",
                "fix": "Read the namespace's attributes from a copy: `vars(ns._getvalue())`.",
            },
        },
    },
]
