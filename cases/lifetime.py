"""Lifetime: proxies when their manager stops, restarts, or is started where it cannot be.

A proxy is a connection to the manager's server process; when the server is gone the next call
fails, and how depends on whether the caller had connected already. A manager cannot be
pickled, and cannot be started inside a daemonic process such as a Pool worker. The scenarios
that need processes of their own live in cases/_lifetime.py.
Specification: https://docs.python.org/3/library/multiprocessing.html#managers
"""

PATTERN = "lifetime"

FAMILIES = [
    {
        "summary": "the with Manager() block is left while a grandchild holds a proxy it made: "
                   "`{code}` in the child",
        "references": ["gh-88780", "gh-87495", "gh-86320", "gh-78947"],
        "containers": ["manager"],
        "setup": {"ns": {"manager.Namespace": {"result": None}}},
        "expect": [{"outcome": "propagated"}],
        "fix": "Keep the manager running until every process that holds its proxies is done: "
               "join the children inside the `with Manager()` block.",
        "operations": {
            "exit-while-connected": {
                "code": "from cases import _lifetime\n"
                        "_lifetime.use_after_manager_exit(use_first=True)\nns.result = 'no error'",
                "summary": "the grandchild had used the proxy, then the with Manager() block is "
                           "left and it uses it again (BrokenPipeError or ConnectionResetError, "
                           "by timing): `{code}`",
                "expect": [{"outcome": "raised:ConnectionError"}],
                "skip": [{"before": "3.7", "reason": "not deterministic on 3.6: a grandchild's call "
                          "still went through after the manager's process was joined, once in ten "
                          "under forkserver (measured on 3.6.15)"}],
            },
            "exit-before-first-use": {
                "code": "from cases import _lifetime\n"
                        "_lifetime.use_after_manager_exit(use_first=False)\nns.result = 'no error'",
                "summary": "the grandchild had not used the proxy yet when the with Manager() "
                           "block is left: `{code}`",
                "expect": [{"outcome": "raised:FileNotFoundError"}],
            },
            "restarted": {
                "code": "from cases import _lifetime\n_lifetime.use_after_restart()\nns.result = 'no error'",
                "summary": "a proxy made before its manager restarted at the same address, used "
                           "after: `{code}`",
                "expect": [{"outcome": "raised:EOFError"}],
                "fix": "Proxies do not reconnect: after a restart, make new proxies (and drop the "
                       "old ones).",
            },
        },
    },
    {
        "summary": "`{code}` in a Pool or executor worker",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Process.daemon"],
        "containers": ["manager"],
        "setup": {"ns": {"manager.Namespace": {"result": None}}},
        "expect": [{"outcome": "raised:AssertionError"}],
        "fix": "Start the Manager in the main process and pass its proxies to the workers: a Pool's "
               "workers are daemonic and may not start processes.",
        "operations": {
            "started-in-pool-worker": {
                "code": "import multiprocessing\nwith multiprocessing.Manager() as own:\n"
                        "    ns.result = len(own.list([1]))",
                "transport": "pool-apply",
                "summary": "`{code}` in a Pool worker: a Manager started inside a daemonic process",
            },
            "started-in-executor-worker": {
                "code": "import multiprocessing\nwith multiprocessing.Manager() as own:\n"
                        "    ns.result = len(own.list([1]))",
                "transport": "executor",
                "summary": "`{code}` in a ProcessPoolExecutor worker: its workers are not daemonic, "
                           "so a Manager can start there",
                "fix": "Nothing to avoid on CPython: an executor's workers may start a Manager. "
                       "(PyPy 7.3.11's fails here for an unrelated bug of its executor.)",
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
                "skip": [{"before": "3.7", "reason": "ProcessPoolExecutor takes no mp_context before "
                          "Python 3.7 (bpo-31540), so it cannot be run under a chosen start method"}],
            },
        },
    },
]
