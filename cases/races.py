"""Races made deterministic: two children change the same proxy at once.

Each proxy operation is atomic in the manager, but a read followed by a write is two
operations. Both children read, then meet at a manager Barrier, then write: every run loses
one of the two updates, and the parent sees 1 where running the code twice in turn gives 2.
Holding a manager Lock around the read and the write makes the pair atomic again.
Specification: https://docs.python.org/3/library/multiprocessing.html#synchronization-between-processes
and https://docs.python.org/3/library/multiprocessing.html#proxy-objects
"""

PATTERN = "race"

FAMILIES = [
    {
        "summary": "two children at once run `{code}`: both read before either writes, so one "
                   "of the two increments is lost, every time",
        "references": ["https://docs.python.org/3/library/multiprocessing.html#proxy-objects"],
        "containers": ["namespace", "list", "dict", "value", "array"],
        "slot_value": 0,
        "children": 2,
        "setup": {"barrier": {"manager.Barrier": 2}},
        "expect": [{"outcome": "diverged"}],
        "fix": "Hold one manager Lock around both the read and the write (`with lock:` then the "
               "two steps); `+=` on a proxy is the same read then write, and loses updates too.",
        "operations": {
            "read-modify-write": {"code": "value = {slot}\nbarrier.wait()\n{slot} = value + 1"},
            "under-lock": {
                "code": "barrier.wait()\nwith lock:\n    {slot} = {slot} + 1",
                "summary": "two children at once run `{code}`: the lock makes each read and "
                           "write one step, so both increments arrive",
                "setup": {"barrier": {"manager.Barrier": 2}, "lock": {"manager.Lock": False}},
                "expect": [{"outcome": "propagated"}],
            },
        },
    },
]
