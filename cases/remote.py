"""Remote managers: a manager served over TCP with an authkey of its own.

A client connects by address and must present the same key (bytes). A proxy carries its
manager's key only within the process that made it: the key is never pickled, so a proxy that
reaches another process by pickling presents that process's own key.
Specification: https://docs.python.org/3/library/multiprocessing.html#using-a-remote-manager
and https://docs.python.org/3/library/multiprocessing.html#authentication-keys
"""

PATTERN = "remote"

FAMILIES = [
    {
        "summary": "`{code}` in the child, where shared is a list served over TCP (127.0.0.1) "
                   "with authkey b'secret'",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#authentication-keys",
                       "gh-139801"],
        "manager": {"class": "cases._managers.RemoteManager", "address": "tcp", "authkey": "secret"},
        "containers": ["list"],
        "setup": {"shared": {"manager.shared_list": [[]]}},
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "connect-right-key": {
                "code": "from cases import _managers\n"
                        "_managers.connect(shared, b'secret').shared_list().append(10)",
                "summary": "the child connects a client by address with b'secret' and appends: "
                           "`{code}`",
            },
            "connect-wrong-key": {
                "code": "from cases import _managers\n"
                        "_managers.connect(shared, b'wrong').shared_list().append(10)",
                "summary": "the child connects a client by address with the wrong key: `{code}`",
                "expect": [{"outcome": "raised:AuthenticationError"}],
                "fix": "Give every client the server's key, as bytes.",
            },
            "connect-str-key": {
                "code": "from cases import _managers\n"
                        "_managers.connect(shared, 'secret').shared_list().append(10)",
                "summary": "the child connects a client by address with the key as a str: `{code}`",
                "expect": [{"outcome": "raised:TypeError"}],
                "fix": "authkey is bytes: `authkey=b'secret'` (or `'secret'.encode()`).",
            },
            "proxy-passed": {
                "code": "shared.append(10)",
                "summary": "`{code}` in a child given the proxy as a Process argument: while a "
                           "process is being started, a proxy is pickled with its key",
            },
            "proxy-through-executor": {
                "code": "shared.append(10)",
                "transport": "executor",
                "summary": "`{code}` in a ProcessPoolExecutor worker given the proxy through "
                           "submit: a task's proxy is pickled without its key",
                "skip": [{"before": "3.7", "reason": "ProcessPoolExecutor takes no mp_context before "
                          "Python 3.7 (bpo-31540), so it cannot be run under a chosen start method"}],
                "expect": [
                    {"outcome": "crashed"},
                    {
                        "implementation": "pypy",
                        "start_methods": ["spawn", "forkserver"],
                        "outcome": "raised:AttributeError",
                        "ref": "PyPy 7.3.11's concurrent/futures/process.py: submit() calls the "
                               "renamed _adjust_process_count (measured)",
                    },
                ],
                "fix": "Set the key in each worker with an initializer "
                       "(`initializer=set_key, initargs=(b'secret',)` doing "
                       "`multiprocessing.current_process().authkey = key`); a Pool given such a "
                       "proxy hangs instead (gh-139801).",
            },
        },
    },
    {
        "summary": "`{code}` in the child, where ls is a manager.list holding a manager.list, "
                   "made by a SyncManager with authkey b'secret'",
        "references": ["bpo-34559", "https://docs.python.org/3/library/multiprocessing.html#authentication-keys"],
        "manager": {"authkey": "secret"},
        "containers": ["list"],
        "setup": {"ls": {"manager.list": [{"manager.list": [1]}]}},
        "expect": [{"outcome": "raised:AuthenticationError"}],
        "fix": "Nested proxies are rebuilt with the reading process's own key (bpo-34559, open): "
               "set `multiprocessing.current_process().authkey` to the manager's key in every "
               "process, or keep the default key.",
        "operations": {"nested-with-own-authkey": {"code": "ls[0].append(10)"}},
    },
]
