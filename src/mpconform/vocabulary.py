"""Every closed list of words the suite uses, each defined once (target side: Python 3.6+).

Case files, the harness, shards and reports all take their allowed words from here; a word
that is not here is refused where it is read, with the list it had to come from.
"""

DOCS = "https://docs.python.org/3/library/multiprocessing.html"

# How the change is made: a title, what it means in one line, and where it is documented.
# A case module states its pattern once; its cases' references start
# with the pattern's link.
PATTERNS = {
    "direct-assign": {
        "title": "Direct assign",
        "meaning": "change the managed container itself",
        "link": DOCS + "#proxy-objects",
    },
    "nested-unmanaged": {
        "title": "Nested unmanaged",
        "meaning": "mutate a plain object that lives inside a managed container",
        "link": DOCS + "#proxy-objects",
    },
    "reassign-back": {
        "title": "Reassign back",
        "meaning": "read a plain object out, mutate it, assign it back",
        "link": DOCS + "#proxy-objects",
    },
    "nested-managed": {
        "title": "Nested managed",
        "meaning": "mutate a manager proxy that lives inside a managed container",
        "link": DOCS + "#proxy-objects",
    },
    "gotcha": {
        "title": "Gotchas",
        "meaning": "plain-Python code that means something else on a proxy",
        "link": DOCS + "#proxy-objects",
    },
    "transport": {
        "title": "Transport",
        "meaning": "how the proxy reaches the child: arguments, a manager Queue, a Pool, an executor",
        "link": DOCS + "#proxy-objects",
    },
    "api-surface": {
        "title": "API surface",
        "meaning": "which methods and type features each version's proxies expose",
        "link": DOCS + "#proxy-objects",
    },
    "race": {
        "title": "Races",
        "meaning": "two children change the same proxy at once, ordered by a Barrier",
        "link": DOCS + "#synchronization-between-processes",
    },
    "registered": {
        "title": "Registered classes",
        "meaning": "a class of the user's own, registered with a manager of the user's own",
        "link": DOCS + "#customized-managers",
    },
    "shared-memory": {
        "title": "Shared memory",
        "meaning": "a SharedMemoryManager's ShareableList and SharedMemory blocks (3.8+)",
        "link": "https://docs.python.org/3/library/multiprocessing.shared_memory.html",
    },
    "remote": {
        "title": "Remote managers",
        "meaning": "a manager served over TCP with an authkey, reached by address or by proxy",
        "link": DOCS + "#using-a-remote-manager",
    },
    "lifetime": {
        "title": "Lifetime",
        "meaning": "proxies when their manager stops, restarts, or is started where it cannot be",
        "link": DOCS + "#managers",
    },
}

# What a case acts on: the middle word of its id. Those with a ``slot`` can hold a case's value:
# ``{slot}`` in a case's code is ``name + key`` (ns.x, ls[0]), in the names the original
# question used, and ``kind`` is what is built around the value.
CONTAINERS = {
    "namespace": {"name": "ns", "key": ".x", "kind": "manager.Namespace"},
    "list": {"name": "ls", "key": "[0]", "kind": "manager.list"},
    "dict": {"name": "di", "key": "[0]", "kind": "manager.dict"},
    "value": {"name": "v", "key": ".value", "kind": "manager.Value"},
    "array": {"name": "ar", "key": "[0]", "kind": "manager.Array"},
    "set": {"name": "st", "key": "", "kind": "manager.set"},
    "lock": {},
    "condition": {},
    "queue": {},
    "event": {},
    "object": {},
    "shareable-list": {},
    "shared-memory": {},
    "manager": {},
}
# The containers a family applies to when it does not say: the three of the original question.
DEFAULT_CONTAINERS = ("namespace", "list", "dict")

# The objects a case's setup can ask a manager for: ``{"manager.list": [1]}``.
MANAGED_KINDS = ("manager.list", "manager.dict", "manager.Namespace", "manager.Value",
                 "manager.Array", "manager.Queue", "manager.JoinableQueue", "manager.Event",
                 "manager.Lock", "manager.RLock", "manager.Condition", "manager.Semaphore",
                 "manager.BoundedSemaphore", "manager.Barrier", "manager.set",
                 "manager.SyncManager", "manager.ShareableList", "manager.SharedMemory")

# What a case's "manager" declaration may say (see mpconform.harness.managers).
MANAGER_FIELDS = ("class", "address", "authkey", "fresh")

# How the proxies reach the child: as Process arguments (inherited under fork, pickled under
# spawn and forkserver), through a manager Queue, a multiprocessing.Queue or a Pipe, or as the
# task of a Pool or an executor, or as the initargs their initializer keeps in a global.
PROCESS_TRANSPORTS = ("process-args", "manager-queue", "mp-queue", "pipe")
WORKER_TRANSPORTS = ("pool-apply", "pool-map", "pool-initializer", "executor", "executor-initializer")
TRANSPORTS = PROCESS_TRANSPORTS + WORKER_TRANSPORTS
DEFAULT_TRANSPORT = "process-args"

START_METHODS = ("fork", "spawn", "forkserver")
IMPLEMENTATIONS = ("cpython", "pypy")

# Where an exception was raised: building the setup, in the child, in the parent (starting the
# child or reading the state back), or in the runner itself.
SIDES = ("setup", "child", "parent", "runner")

# What was observed in a cell. ``raised`` and ``skipped`` carry a detail: ``raised:KeyError``,
# ``skipped:<reason>``.
OUTCOMES = {
    "propagated": "the other process sees exactly the change",
    "lost": "the operation completed without error, but the other process sees the old state",
    "diverged": "the other process sees neither the old nor the intended state",
    "raised": "an exception, raised in setup, in the child or in the parent (the record says which)",
    "hung": "the cell passed its timeout and was killed",
    "crashed": "a process died without reporting (exit code or signal recorded)",
    "skipped": "not run here, with the reason (e.g. the start method does not exist on this platform)",
}
OUTCOMES_WITH_DETAIL = ("raised", "skipped")
