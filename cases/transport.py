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
            "executor": {
                "code": "{slot} = 5",
                "transport": "executor",
                "summary": "`{code}` in a ProcessPoolExecutor worker that received {c} through submit",
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
]
