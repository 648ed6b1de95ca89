"""Transport: how the proxy reaches the child, and whether a change made there still propagates.

A proxy given as a Process argument is inherited under fork and pickled under spawn and
forkserver; it can also travel through a manager Queue, or as the task of a Pool or a
ProcessPoolExecutor. Each way rebuilds the proxy in the other process and connects it to the
same manager.
Specification: https://docs.python.org/3/library/multiprocessing.html#proxy-objects
("proxy objects are picklable so they can be passed between processes")
"""

PATTERN = "transport"

FAMILIES = [
    {
        "summary": "`{code}` in a child that received {c}",
        "slot_value": 1,
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "process-args": {
                "code": "{slot} = 5",
                "transport": "process-args",
                "summary": "`{code}` in a child that received {c} as a Process argument",
            },
            "manager-queue": {
                "code": "{slot} = 5",
                "transport": "manager-queue",
                "summary": "`{code}` in a child that took {c} from a manager Queue",
            },
            "pool-apply": {
                "code": "{slot} = 5",
                "transport": "pool-apply",
                "summary": "`{code}` in a Pool worker that received {c} through Pool.apply",
            },
            "pool-map": {
                "code": "{slot} = 5",
                "transport": "pool-map",
                "summary": "`{code}` in a Pool worker that received {c} through Pool.map",
            },
            "mp-queue": {
                "code": "{slot} = 5",
                "transport": "mp-queue",
                "summary": "`{code}` in a child that took {c} from a multiprocessing.Queue",
            },
            "pipe": {
                "code": "{slot} = 5",
                "transport": "pipe",
                "summary": "`{code}` in a child that received {c} through a multiprocessing.Pipe",
            },
            "pool-initializer": {
                "code": "{slot} = 5",
                "transport": "pool-initializer",
                "summary": "`{code}` in a Pool worker whose initializer kept {c} (from initargs) "
                           "in a global",
            },
            "executor-initializer": {
                "code": "{slot} = 5",
                "transport": "executor-initializer",
                "summary": "`{code}` in a ProcessPoolExecutor worker whose initializer kept {c} "
                           "(from initargs) in a global",
                "skip": [{"before": "3.7", "reason": "ProcessPoolExecutor takes no mp_context before "
                          "Python 3.7 (bpo-31540), so it cannot be run under a chosen start method"}],
                "expect": [
                    {"outcome": "propagated"},
                    {
                        "implementation": "pypy",
                        "start_methods": ["spawn", "forkserver"],
                        "outcome": "raised:AttributeError",
                        "ref": "PyPy 7.3.11's concurrent/futures/process.py: submit() calls the "
                               "renamed _adjust_process_count (measured)",
                    },
                ],
            },
            "executor": {
                "code": "{slot} = 5",
                "transport": "executor",
                "summary": "`{code}` in a ProcessPoolExecutor worker that received {c} through submit",
                "skip": [{"before": "3.7", "reason": "ProcessPoolExecutor takes no mp_context before "
                          "Python 3.7 (bpo-31540), so it cannot be run under a chosen start method"}],
                "expect": [
                    {"outcome": "propagated"},
                    {
                        "implementation": "pypy",
                        "start_methods": ["spawn", "forkserver"],
                        "outcome": "raised:AttributeError",
                        "ref": "PyPy 7.3.11's concurrent/futures/process.py renames "
                               "_adjust_process_count to _adjust_process_count_cpython, but "
                               "submit() still calls the old name: any non-fork executor fails "
                               "(measured)",
                    },
                ],
            },
        },
    },
    {
        "summary": "`{code}` in a child that received {c}, where {slot} holds a manager.list",
        "references": ["bpo-6766"],
        "slot_value": {"manager.list": [1]},
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "manager-queue-nested": {
                "code": "{slot}.append(10)",
                "transport": "manager-queue",
                "summary": "`{code}` in a child that took {c} from a manager Queue, "
                           "where {slot} holds a manager.list",
            },
            "pool-map-nested": {
                "code": "{slot}.append(10)",
                "transport": "pool-map",
                "summary": "`{code}` in a Pool worker that received {c} through Pool.map, "
                           "where {slot} holds a manager.list",
            },
            "pool-apply-nested": {
                "code": "{slot}.append(10)",
                "transport": "pool-apply",
                "summary": "`{code}` in a Pool worker that received {c} through Pool.apply, "
                           "where {slot} holds a manager.list",
            },
            "executor-nested": {
                "code": "{slot}.append(10)",
                "transport": "executor",
                "summary": "`{code}` in a ProcessPoolExecutor worker that received {c}, "
                           "where {slot} holds a manager.list",
                "skip": [{"before": "3.7", "reason": "ProcessPoolExecutor takes no mp_context before "
                          "Python 3.7 (bpo-31540), so it cannot be run under a chosen start method"}],
                "expect": [
                    {"outcome": "propagated"},
                    {
                        "implementation": "pypy",
                        "start_methods": ["spawn", "forkserver"],
                        "outcome": "raised:AttributeError",
                        "ref": "PyPy 7.3.11's concurrent/futures/process.py: submit() calls the "
                               "renamed _adjust_process_count (measured)",
                    },
                ],
            },
        },
    },
    {
        "summary": "`{code}` in a child that received the manager itself beside {c}: a proxy "
                   "made in the child, stored in the shared {c}, outlives the child",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#managers",
                       "bpo-6766"],
        "slot_value": None,
        "setup": {"manager": {"manager.SyncManager": None}},
        "expect": [
            {"outcome": "propagated"},
            {
                "start_methods": ["spawn", "forkserver"],
                "outcome": "raised:TypeError",
                "ref": "https://docs.python.org/3/library/multiprocessing.html#all-start-methods "
                       "(\"More picklability\"): a manager holds its server Process and a weakref "
                       "finalizer, which cannot be pickled, so Process.start() fails in the parent "
                       "(measured: \"cannot pickle 'weakref' object\")",
            },
            {
                "implementation": "pypy",
                "start_methods": ["spawn", "forkserver"],
                "outcome": "raised:PicklingError",
                "ref": "PyPy 7.3.11's pure-Python pickle raises PicklingError for the same "
                       "weakref (measured)",
            },
        ],
        "fix": "Under spawn and forkserver, pass proxies rather than the manager; to make new shared "
               "objects in a child, connect a manager of its own: "
               "`SyncManager(address=manager.address, authkey=...).connect()`.",
        "operations": {"manager-passed": {"code": "{slot} = manager.list([1])"}},
    },
    {
        "summary": "`{code}` in a Pool worker given a manager's Queue, Event or Lock proxy itself",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#multiprocessing.managers.SyncManager"],
        "transport": "pool-apply",
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "queue-through-pool": {"code": "q.put(5)", "containers": ["queue"],
                                   "setup": {"q": {"manager.Queue": []}}},
            "event-through-pool": {"code": "ev.set()", "containers": ["event"],
                                   "setup": {"ev": {"manager.Event": False}}},
            "lock-through-pool": {"code": "lock.acquire()", "containers": ["lock"],
                                  "setup": {"lock": {"manager.Lock": False}}},
            "queue-passed-directly": {"code": "q.put(5)", "containers": ["queue"], "transport": "process-args",
                                      "setup": {"q": {"manager.Queue": []}},
                                      "summary": "`{code}` in a child given a manager Queue as a Process argument"},
        },
    },
    {
        "summary": "`{code}` in the child: a multiprocessing.Queue (not a manager's) sent to a Pool "
                   "as a task argument",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#pipes-and-queues"],
        "containers": ["queue"],
        "setup": {"ns": {"manager.Namespace": {"result": None}}},
        "expect": [{"outcome": "raised:RuntimeError"}],
        "fix": "A multiprocessing.Queue is shared only by inheritance (Process arguments, Pool "
               "initargs); to send a queue as a task argument, use a manager Queue.",
        "operations": {
            "mp-queue-through-pool": {
                "code": "import multiprocessing\nq = multiprocessing.Queue()\n"
                        "with multiprocessing.Pool(1) as pool:\n    pool.apply(id, (q,))\nns.result = True",
            },
        },
    },
    {
        "summary": "`{code}` in an executor worker sent the manager itself beside {c}",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#managers"],
        "slot_value": None,
        "setup": {"manager": {"manager.SyncManager": None}},
        "expect": [
            {"outcome": "raised:TypeError"},
            {
                "implementation": "pypy",
                "start_methods": ["spawn", "forkserver"],
                "outcome": "raised:AttributeError",
                "ref": "PyPy 7.3.11's concurrent/futures/process.py: submit() calls the "
                       "renamed _adjust_process_count (measured)",
            },
        ],
        "fix": "Send proxies, not the manager (nor an object holding it): its authkey cannot be "
               "pickled (\"Pickling an AuthenticationString object is disallowed\"), even under fork.",
        "operations": {
            "manager-through-executor": {
                "code": "{slot} = manager.list([1])", "transport": "executor",
                "skip": [{"before": "3.7", "reason": "ProcessPoolExecutor takes no mp_context before "
                          "Python 3.7 (bpo-31540), so it cannot be run under a chosen start method"}],
            },
        },
    },
    {
        "summary": "`{code}` in the child: ls, a proxy of one manager, is stored in a dict of "
                   "another manager and used from there",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#proxy-objects", "bpo-6766"],
        "containers": ["list"],
        "setup": {"ls": {"manager.list": [1]}},
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "proxy-in-another-manager": {
                "code": "from cases import _managers\nother = _managers.another_managers_dict(ls)\n"
                        "other[0] = ls\nother[0].append(10)",
            },
        },
    },
]
