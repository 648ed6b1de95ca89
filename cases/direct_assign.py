"""Direct assign: a change made on the managed container itself reaches every process.

Setting an attribute of a Namespace proxy, or an item or method of a list or dict proxy, is a
call to the manager, which holds the one real object.
Specification: https://docs.python.org/3/library/multiprocessing.html#proxy-objects
"""

PATTERN = "direct-assign"

FAMILIES = [
    {
        "summary": "`{code}` in the child, on the managed container itself",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#namespace-objects"],
        "slot_value": 1,
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "assign": {"code": "{slot} = 5"},
            "augmented-add": {"code": "{slot} += 1"},
            "augmented-mul": {"code": "{slot} *= 10"},
            "delete": {"code": "del {slot}"},
            "setattr-new": {"code": "ns.y = 5", "containers": ["namespace"]},
            "setattr-builtin": {"code": "setattr(ns, 'x', 5)", "containers": ["namespace"]},
            "delattr-builtin": {"code": "delattr(ns, 'x')", "containers": ["namespace"]},
            "append": {"code": "ls.append(10)", "containers": ["list"]},
            "extend": {"code": "ls.extend([10, 11])", "containers": ["list"]},
            "insert": {"code": "ls.insert(0, 10)", "containers": ["list"]},
            "pop": {"code": "ls.pop()", "containers": ["list"]},
            "remove": {"code": "ls.remove(1)", "containers": ["list"]},
            "slice-assign": {"code": "ls[0:1] = [5, 6]", "containers": ["list"]},
            "augmented-extend": {"code": "ls += [10]", "containers": ["list"]},
            "augmented-repeat": {"code": "ls *= 2", "containers": ["list"]},
            "new-key": {"code": "di[1] = 5", "containers": ["dict"]},
            "update": {"code": "di.update({1: 5})", "containers": ["dict"]},
            "setdefault": {"code": "di.setdefault(1, 5)", "containers": ["dict"]},
            "pop-key": {"code": "di.pop(0)", "containers": ["dict"]},
            "popitem": {"code": "di.popitem()", "containers": ["dict"]},
            "clear": {"code": "di.clear()", "containers": ["dict"]},
        },
    },
    {
        "summary": "`{code}` in the child: a method the proxy gained in 3.14, on the container itself",
        "references": [
            "https://docs.python.org/3.14/whatsnew/3.14.html#multiprocessing",
            "gh-103134",
        ],
        "slot_value": 1,
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "clear": {
                "code": "ls.clear()",
                "containers": ["list"],
                "fix": "Before 3.14: `del ls[:]`.",
                "expect": [
                    {"outcome": "raised:AttributeError"},
                    {"since": "3.14", "outcome": "propagated", "ref": "gh-103134"},
                ],
            },
            "augmented-or": {
                "code": "di |= {1: 5}",
                "containers": ["dict"],
                "fix": "Before 3.14: `di.update({1: 5})`.",
                "expect": [
                    {"outcome": "raised:TypeError"},
                    {"since": "3.14", "outcome": "propagated", "ref": "gh-103134"},
                ],
            },
        },
    },
    {
        "summary": "`{code}` in the child: storing an object that cannot be pickled fails in the child",
        "references": [
            "https://docs.python.org/3/library/multiprocessing.html#all-start-methods",
            "gh-122311",
        ],
        "slot_value": 1,
        "expect": [
            {"outcome": "raised:AttributeError"},
            {
                "implementation": "pypy",
                "outcome": "raised:PicklingError",
                "ref": "PyPy pickles with the pure-Python Lib/pickle.py, whose save_global raises "
                       "PicklingError (measured on PyPy 7.3.11 / Python 3.9)",
            },
            {"since": "3.14", "outcome": "raised:PicklingError", "ref": "gh-122311"},
        ],
        "operations": {
            "append-local-function": {
                "fix": "Store what can be pickled: define the function at module level (pickle "
                       "stores functions by name), or store data instead of code.",
                "summary": "`ls.append(f)` in the child, where f is a function defined inside "
                           "another function: it cannot be pickled",
                "code": "def make():\n    def local():\n        pass\n    return local\nls.append(make())",
                "containers": ["list"],
            },
            "sort-with-lambda-key": {
                "fix": "Sort a copy in the child (`ls[:] = sorted(ls, key=...)`): the key function "
                       "would have to be pickled to reach the manager.",
                "summary": "`{code}` in the child: the sort key is a lambda, which cannot be pickled",
                "code": "ls.append(2)\nls.sort(key=lambda item: -item)",
                "containers": ["list"],
                "expect": [{"outcome": "raised:PicklingError"}],
            },
        },
    },
    {
        "summary": "`{code}` in the child, on a manager Value or Array itself",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#multiprocessing.managers.SyncManager.Value"],
        "containers": ["value", "array"],
        "slot_value": 1,
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "assign": {"code": "{slot} = 5"},
            "augmented-add": {"code": "{slot} += 1"},
        },
    },
    {
        "summary": "`{code}` in the child, on the managed list itself",
        "containers": ["list"],
        "setup": {"ls": {"manager.list": [2, 1, 3]}},
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "sort": {"code": "ls.sort()"},
            "reverse": {"code": "ls.reverse()"},
            "slice-delete": {"code": "del ls[0:2]"},
            "index-negative-assign": {"code": "ls[-1] = 9"},
            "slice-replace-all": {"code": "ls[:] = [5]"},
        },
    },
    {
        "summary": "`{code}` in the child: an attribute whose name starts with an underscore",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#namespace-objects"],
        "containers": ["namespace"],
        "slot_value": 1,
        "expect": [{"outcome": "lost"}],
        "fix": "Use names without a leading underscore: on a Namespace proxy, `_name` is an "
               "attribute of the proxy object in this process, not of the shared namespace.",
        "operations": {
            "setattr-underscore": {"code": "ns._y = 5"},
        },
    },
    {
        "summary": "`{code}` in the child, on a manager.set holding {1}",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#multiprocessing.managers.SyncManager.set",
                       "gh-129948"],
        "containers": ["set"],
        "slot_value": 1,
        "expect": [
            {"outcome": "raised:AttributeError"},
            {"since": "3.14", "outcome": "propagated", "ref": "gh-129948"},
        ],
        "fix": "Before 3.14 a SyncManager has no set(): keep a manager.dict whose keys are the "
               "members (`members[item] = True`).",
        "operations": {
            "add": {"code": "st.add(10)"},
            "discard": {"code": "st.discard(1)"},
            "remove": {"code": "st.remove(1)"},
            "pop": {"code": "st.pop()"},
            "update": {"code": "st.update({10, 11})"},
            "augmented-or": {"code": "st |= {10}"},
            "augmented-sub": {"code": "st -= {1}"},
            "clear": {"code": "st.clear()"},
        },
    },
]
