"""The mutations a plain list or dict offers, written once for every family that applies them.

A family names a set in ``"mutations": {"set": "list"}``; each entry becomes an operation whose
code is the family's ``"template"`` (default ``"{mutation}"``) with ``{mutation}`` replaced by
the entry, in which ``{target}`` is what is mutated (the family's ``"target"``, default
``{slot}``). Read as a literal, like the case modules.
"""

MUTATIONS = {
    "list": {
        "append": "{target}.append(10)",
        "extend": "{target}.extend([10, 11])",
        "insert": "{target}.insert(0, 10)",
        "item-assign": "{target}[0] = 5",
        "item-augmented-add": "{target}[0] += 1",
        "item-delete": "del {target}[0]",
        "pop": "{target}.pop()",
        "remove": "{target}.remove(1)",
    },
    "dict": {
        "dict-item-assign": "{target}['k'] = 2",
        "dict-update": "{target}.update({'j': 2})",
        "dict-pop": "{target}.pop('k')",
        "dict-setdefault": "{target}.setdefault('j', 2)",
        "dict-delete": "del {target}['k']",
    },
}
