"""Shared memory: a SharedMemoryManager's ShareableList and SharedMemory blocks (3.8+).

They are not proxies: each is a block of memory that every process maps by name, so a change
is seen without a manager in between; the manager only unlinks the blocks when it shuts down.
Specification: https://docs.python.org/3/library/multiprocessing.shared_memory.html
"""

PATTERN = "shared-memory"

FAMILIES = [
    {
        "summary": "`{code}` in the child, where sl is a SharedMemoryManager's ShareableList([1, 2])",
        "references": ["bpo-35813"],
        "manager": {"class": "multiprocessing.managers.SharedMemoryManager"},
        "skip": [{"before": "3.8", "reason": "SharedMemoryManager arrived in Python 3.8 (bpo-35813)"}],
        "containers": ["shareable-list"],
        "setup": {"sl": {"manager.ShareableList": [1, 2]}},
        "expect": [{"outcome": "propagated"}],
        "operations": {
            "item-assign": {"code": "sl[0] = 5"},
            "append": {
                "code": "sl.append(3)",
                "expect": [{"outcome": "raised:AttributeError"}],
                "fix": "A ShareableList has a fixed length: allocate the room up front "
                       "(`ShareableList([0] * n)`), or use a manager.list.",
            },
            "longer-string": {
                "code": "sl[0] = 'a string longer than the one it replaces'",
                "setup": {"sl": {"manager.ShareableList": ["ab", 2]}},
                "summary": "`{code}` in the child, where sl[0] was made holding 'ab'",
                "expect": [{"outcome": "raised:ValueError"}],
                "fix": "Each slot keeps the size it was made with: make it with a placeholder as "
                       "long as the longest value (`'x' * 64`).",
            },
        },
    },
    {
        "summary": "`{code}` in the child, where shm is a SharedMemoryManager's 4-byte SharedMemory",
        "references": ["bpo-35813"],
        "manager": {"class": "multiprocessing.managers.SharedMemoryManager"},
        "skip": [{"before": "3.8", "reason": "SharedMemoryManager arrived in Python 3.8 (bpo-35813)"}],
        "containers": ["shared-memory"],
        "setup": {"shm": {"manager.SharedMemory": 4}},
        "expect": [{"outcome": "propagated"}],
        "operations": {"write-byte": {"code": "shm.buf[0] = 7"}},
    },
    {
        "summary": "`{code}` in the child: a block made by a SharedMemoryManager, attached by name "
                   "after that manager shut down",
        "references": ["bpo-35813"],
        "skip": [{"before": "3.8", "reason": "SharedMemoryManager arrived in Python 3.8 (bpo-35813)"}],
        "containers": ["shared-memory"],
        "setup": {"ns": {"manager.Namespace": {"result": None}}},
        "expect": [{"outcome": "raised:FileNotFoundError"}],
        "fix": "The manager unlinks its blocks when it shuts down: attach (and copy the data out) "
               "while it runs.",
        "operations": {
            "attach-after-shutdown": {
                "code": "from multiprocessing import shared_memory\n"
                        "from multiprocessing.managers import SharedMemoryManager\n"
                        "with SharedMemoryManager() as own:\n"
                        "    name = own.SharedMemory(4).name\n"
                        "ns.result = shared_memory.SharedMemory(name=name).size",
            },
        },
    },
]
