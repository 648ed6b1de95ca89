"""Reassign back: read a plain object out, mutate the copy, assign it back — this propagates.

The assignment is a call to the manager, which stores the whole new value. ``{slot} += [10]``
does the same implicitly: it reads a copy, extends it and assigns it back.
Specification: https://docs.python.org/3/library/multiprocessing.html#proxy-objects (the
``lproxy[0] = d`` example that "reassigns the dictionary").
"""

FAMILIES = [
    {
        "pattern": "reassign-back",
        "summary": "`{code}` in the child: read {slot} out, change the copy, assign it back",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#proxy-objects"],
        "slot_value": [1],
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "append": {"code": "tmp = {slot}\ntmp.append(10)\n{slot} = tmp"},
            "extend": {"code": "tmp = {slot}\ntmp.extend([10, 11])\n{slot} = tmp"},
            "insert": {"code": "tmp = {slot}\ntmp.insert(0, 10)\n{slot} = tmp"},
            "item-assign": {"code": "tmp = {slot}\ntmp[0] = 5\n{slot} = tmp"},
            "item-augmented-add": {"code": "tmp = {slot}\ntmp[0] += 1\n{slot} = tmp"},
            "item-delete": {"code": "tmp = {slot}\ndel tmp[0]\n{slot} = tmp"},
            "pop": {"code": "tmp = {slot}\ntmp.pop()\n{slot} = tmp"},
            "remove": {"code": "tmp = {slot}\ntmp.remove(1)\n{slot} = tmp"},
            "augmented-extend": {"code": "{slot} += [10]"},
        },
    },
    {
        "pattern": "reassign-back",
        "summary": "`{code}` in the child: read the plain dict in {slot} out, change it, assign it back",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#proxy-objects"],
        "slot_value": {"k": 1},
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "dict-item-assign": {"code": "tmp = {slot}\ntmp['k'] = 2\n{slot} = tmp"},
            "dict-update": {"code": "tmp = {slot}\ntmp.update({'j': 2})\n{slot} = tmp"},
            "dict-pop": {"code": "tmp = {slot}\ntmp.pop('k')\n{slot} = tmp"},
        },
    },
]
