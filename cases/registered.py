"""Registered classes: an object of the user's own class, served by a manager of the user's own.

``BaseManager.register()`` makes an AutoProxy that forwards public method calls, and nothing
else: attributes, properties and ``__call__`` stay on the proxy object in the caller; what a
method returns comes back by value. The classes live in cases/_managers.py.
Specification: https://docs.python.org/3/library/multiprocessing.html#customized-managers
"""

PATTERN = "registered"

FAMILIES = [
    {
        "summary": "`{code}` in the child, where counter is a registered Counter's proxy",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#multiprocessing.managers.BaseManager.register",
                       "gh-118231", "gh-78279", "gh-99595"],
        "manager": {"class": "cases._managers.CountingManager"},
        "containers": ["object"],
        "setup": {"ns": {"manager.Namespace": {"result": None}}, "counter": {"manager.Counter": [0]}},
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "method-call": {"code": "counter.increment()"},
            "attribute-read": {
                "code": "ns.result = counter.count",
                "expect": [{"outcome": "raised:AttributeError"}],
                "fix": "Expose state through a method (`def get(self): return self.count`): a proxy "
                       "forwards method calls only.",
            },
            "attribute-assign": {
                "code": "counter.count = 5",
                "summary": "`{code}` in the child, where counter is a registered Counter's proxy: "
                           "the attribute lands on the proxy object, in the child",
                "expect": [{"outcome": "lost"}],
                "fix": "Change state through a method (`def set(self, n): self.count = n`).",
            },
            "property-read": {
                "code": "ns.result = counter.doubled",
                "expect": [{"outcome": "raised:AttributeError"}],
                "fix": "Properties are not proxied: expose a method that returns the value.",
            },
            "call": {
                "code": "ns.result = counter()",
                "expect": [{"outcome": "raised:TypeError"}],
                "fix": "`__call__` is not exposed by default: register with "
                       "`exposed=('__call__', ...)` and call `counter.__call__()`, or add a method.",
            },
            "returned-list-is-a-copy": {
                "code": "counter.tally().append(1)",
                "summary": "`{code}` in the child: the list a method returns is a copy",
                "expect": [{"outcome": "lost"}],
                "fix": "Change the object through a method of its own (`def mark(self, x): "
                       "self.marks.append(x)`), or return a proxy with method_to_typeid.",
            },
            "generator-returned": {
                "code": "ns.result = list(counter.history())",
                "expect": [{"outcome": "raised:RemoteError"}],
                "fix": "Return a list (`return list(range(self.count))`): a generator cannot be "
                       "pickled back to the caller (\"Unserializable message\").",
            },
            "exception-raised": {
                "code": "counter.refuse()",
                "summary": "`{code}` in the child: the method raises ValueError in the manager",
                "expect": [{"outcome": "raised:ValueError"}],
                "fix": "The exception's type and message arrive, but its traceback shows the proxy "
                       "call, not the server's code (gh-78279): log inside the method to see where.",
            },
            "method-to-typeid-in-child": {
                "code": "counter.twin().increment()",
                "summary": "`{code}` in the child: twin() is declared in method_to_typeid, so it "
                           "returns a new proxy, which a child's proxy cannot make",
                "expect": [{"outcome": "raised:AttributeError", "ref": "gh-99595"}],
                "fix": "Call proxy-returning methods in the process that made the proxy and pass "
                       "the proxy they return to the child (gh-99595, open: a proxy rebuilt in "
                       "another process has no manager to make new proxies with)."
            },
        },
    },
    {
        "summary": "`{code}` in the child, where counter is registered with a proxy class or an "
                   "`exposed` list of the user's own",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#multiprocessing.managers.BaseManager.register"],
        "manager": {"class": "cases._managers.CountingManager"},
        "containers": ["object"],
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "custom-proxy-method": {
                "code": "counter.increment()",
                "setup": {"counter": {"manager.ProxiedCounter": [0]}},
                "summary": "`{code}` in the child, where counter's proxy is a BaseProxy subclass of "
                           "the user's own that forwards increment()",
            },
            "exposed-excludes-method": {
                "code": "ns.result = counter.get()",
                "setup": {"ns": {"manager.Namespace": {"result": None}},
                          "counter": {"manager.LimitedCounter": [0]}},
                "summary": "`{code}` in the child, where Counter was registered with "
                           "exposed=('increment',)",
                "expect": [{"outcome": "raised:AttributeError"}],
                "fix": "List every method the callers need in `exposed` (or leave it out to expose "
                       "all public methods).",
            },
        },
    },
    {
        "summary": "`{code}` in the child, where {slot} holds a registered Counter's proxy",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#proxy-objects", "bpo-30256"],
        "manager": {"class": "cases._managers.CountingManager"},
        "containers": ["namespace", "list", "dict"],
        "slot_value": {"manager.Counter": [0]},
        "expect": [
            {"outcome": "raised:RemoteError"},
            {"since": "3.9.7", "outcome": "propagated", "ref": "bpo-30256"},
        ],
        "fix": "Before 3.9.7, an AutoProxy cannot be nested (its rebuild gets `manager_owned`): pass "
               "the registered object's proxy to the child directly.",
        "operations": {"nested-method-call": {"code": "{slot}.increment()"}},
    },
    {
        "summary": "`{code}` in the child, where ls[0] is a registered object that only ls holds: "
                   "is it freed in the manager once removed?",
        "references": ["gh-103136", "gh-119937"],
        "manager": {"class": "cases._managers.CountingManager", "fresh": True},
        "containers": ["list"],
        "setup": {"ns": {"manager.Namespace": {"result": None}},
                  "ls": {"manager.list": [{"manager.Tracked": []}]},
                  "census": {"manager.Census": []}},
        "expect": [
            {"outcome": "raised:RemoteError"},
            {"since": "3.9.7", "outcome": "diverged",
             "ref": "bpo-30256 (an AutoProxy can be nested from 3.9.7); gh-103136: the server keeps "
                    "the nested object after it is removed (measured: destroyed 0 times, 1 on "
                    "plain Python)"},
        ],
        "fix": "A proxy stored in a container of its own manager is kept by the server after it is "
               "removed (gh-103136, open): free long-lived objects by letting the manager end, or "
               "store plain values.",
        "operations": {"removed-nested-object-freed": {"code": "del ls[0]\nns.result = census.destroyed()"}},
    },
]
