"""A self-contained script that shows one case's behaviour on any interpreter from 3.6 on."""

from __future__ import annotations

import textwrap

from mpconform import catalogue
from mpconform.harness.values import managed_kind

_HELPERS = '''
def show(value):
    """Plain values for a proxy (nested proxies included), as the parent sees them."""
    from multiprocessing.managers import BaseManager, BaseProxy, Namespace

    if isinstance(value, BaseProxy):
        typeid = value._token.typeid
        if typeid in ("Queue", "JoinableQueue"):
            return "%s(size=%d)" % (typeid, value.qsize())
        if typeid == "Event":
            return "Event(set=%s)" % value.is_set()
        if typeid in ("Lock", "RLock", "Condition"):
            held = not value.acquire(False)
            if not held:
                value.release()
            return "%s(locked=%s)" % (typeid, held)
        if typeid in ("Semaphore", "BoundedSemaphore"):
            taken = 0
            while taken < 1000 and value.acquire(False):
                taken += 1
            for _ in range(taken):
                value.release()
            return "%s(value=%d)" % (typeid, taken)
        if typeid == "Barrier":
            return "Barrier(parties=%d, broken=%s)" % (value.parties, value.broken)
        if typeid == "Value":
            return "Value(%s)" % show(value.get())
        value = value._getvalue()
        if typeid == "Array":
            value = list(value)
    if isinstance(value, Namespace):
        return "Namespace(%s)" % ", ".join(
            "%s=%s" % (k, show(v)) for k, v in sorted(vars(value).items()))
    if isinstance(value, list):
        return "[%s]" % ", ".join(show(v) for v in value)
    if isinstance(value, dict):
        return "{%s}" % ", ".join("%r: %s" % (k, show(v)) for k, v in value.items())
    if isinstance(value, BaseManager):
        return "SyncManager()"
    return repr(value)
'''


def _expression(spec, statements: list[str], counter: list[int], name: str | None = None) -> str:
    """Python source that builds ``spec`` with a manager named ``manager``.

    A Namespace needs statements of its own: they go to ``statements``, under ``name``.
    """
    kind = managed_kind(spec)
    if kind is None:
        if isinstance(spec, list):
            return "[%s]" % ", ".join(_expression(item, statements, counter) for item in spec)
        if isinstance(spec, dict):
            return "{%s}" % ", ".join("%r: %s" % (k, _expression(v, statements, counter))
                                      for k, v in spec.items())
        return repr(spec)
    value = spec[kind]
    if kind == "manager.SyncManager":
        return "manager"
    if kind in ("manager.Semaphore", "manager.BoundedSemaphore", "manager.Barrier", "manager.set"):
        return "%s(%r)" % (kind, value)
    if kind in ("manager.Lock", "manager.RLock", "manager.Condition"):
        counter[0] += 1
        name = name or "%s_%d" % (kind.split(".")[1].lower(), counter[0])
        statements.append("%s = %s()" % (name, kind))
        if value:
            statements.append("%s.acquire()" % name)
        return name
    if kind in ("manager.Value", "manager.Array"):
        typecode, content = value
        return "%s(%r, %s)" % (kind, typecode, _expression(content, statements, counter))
    if kind in ("manager.Queue", "manager.JoinableQueue", "manager.Event"):
        counter[0] += 1
        name = name or "%s_%d" % (kind.split(".")[1].lower(), counter[0])
        statements.append("%s = %s()" % (name, kind))
        if kind != "manager.Event":
            statements += ["%s.put(%s)" % (name, _expression(item, statements, counter)) for item in value]
        elif value:
            statements.append("%s.set()" % name)
        return name
    if kind == "manager.Namespace":
        if name is None:
            counter[0] += 1
            name = "namespace_%d" % counter[0]
        statements.append("%s = manager.Namespace()" % name)
        for key, item in value.items():
            statements.append("%s.%s = %s" % (name, key, _expression(item, statements, counter)))
        return name
    return "%s(%s)" % (kind, _expression(value, statements, counter))  # manager.list / manager.dict


def script(case: catalogue.Case, start_method: str = "spawn") -> str:
    statements: list[str] = []
    counter = [0]
    for name, spec in case.setup.items():
        expression = _expression(spec, statements, counter, name)
        if expression != name:
            statements.append("%s = %s" % (name, expression))
    names = sorted(case.setup)
    arguments = ", ".join(names)
    shown = " ".join("%s=%%s" % name for name in names)
    shown_values = ", ".join("show(%s)" % name for name in names)
    references = "\n".join("#   %s" % ref for ref in case.references)
    expectations = "\n".join("#   %s" % _describe(entry) for entry in case.expect)
    return (
        f"# mpconform reproducer for {case.id}\n"
        f"# {case.description}\n"
        f"# Expected:\n{expectations}\n"
        f"# References:\n{references}\n"
        f"# Usage: python repro.py [fork|spawn|forkserver]   (Python 3.6 or later)\n"
        "import multiprocessing\nimport sys\n"
        f"{_HELPERS}\n\n"
        f"def child({arguments}):\n"
        f"{textwrap.indent(case.code, '    ')}\n"
        f"{_EXTRA_FUNCTIONS.get(case.transport, '')}\n\n"
        "if __name__ == \"__main__\":\n"
        f"    start_method = sys.argv[1] if len(sys.argv) > 1 else {start_method!r}\n"
        "    context = multiprocessing.get_context(start_method)\n"
        "    with context.Manager() as manager:\n"
        f"{textwrap.indent(chr(10).join(statements), '        ')}\n"
        f"        print(\"before: {shown}\" % ({shown_values},))\n"
        f"{textwrap.indent(_deliver(case.transport, arguments, case.children), '        ')}\n"
        f"        print(\"after:  {shown}\" % ({shown_values},))\n"
    )


# How the script hands the proxies to the child, as the case's transport says.
_DELIVERY = {
    "process-args": (
        "process = context.Process(target=child, args=({arguments},))\n"
        "process.start()\n"
        "process.join()\n"
        "print(\"child exit code:\", process.exitcode)"),
    "manager-queue": (
        "queue = manager.Queue()\n"
        "queue.put(({arguments},))\n"
        "process = context.Process(target=child_from_queue, args=(queue,))\n"
        "process.start()\n"
        "process.join()\n"
        "print(\"child exit code:\", process.exitcode)"),
    "pool-apply": (
        "with context.Pool(1) as pool:\n"
        "    pool.apply(child, ({arguments},))"),
    "pool-map": (
        "with context.Pool(1) as pool:\n"
        "    pool.map(child_from_tuple, [({arguments},)])"),
    "executor": (
        "from concurrent.futures import ProcessPoolExecutor  # mp_context: Python 3.7+\n"
        "with ProcessPoolExecutor(1, mp_context=context) as executor:\n"
        "    executor.submit(child, {arguments}).result()"),
}
_EXTRA_FUNCTIONS = {
    "manager-queue": "\n\ndef child_from_queue(queue):\n    child(*queue.get())\n",
    "pool-map": "\n\ndef child_from_tuple(arguments):\n    child(*arguments)\n",
}


# Several children run the code at once (a race the case orders with its own Barrier).
_SEVERAL_CHILDREN = (
    "processes = [context.Process(target=child, args=({arguments},)) for _ in range({children})]\n"
    "for process in processes:\n"
    "    process.start()\n"
    "for process in processes:\n"
    "    process.join()\n"
    "print(\"children's exit codes:\", [process.exitcode for process in processes])")


def _deliver(transport: str, arguments: str, children: int = 1) -> str:
    if children > 1:
        return _SEVERAL_CHILDREN.format(arguments=arguments, children=children)
    return _DELIVERY[transport].format(arguments=arguments)


def _describe(entry: dict) -> str:
    conditions = []
    if "since" in entry:
        conditions.append("from %s" % entry["since"])
    if "implementation" in entry:
        conditions.append("on %s" % entry["implementation"])
    if "build" in entry:
        conditions.append("%s build" % entry["build"])
    if "start_methods" in entry:
        conditions.append("under %s" % "/".join(entry["start_methods"]))
    text = entry["outcome"] + (" " + ", ".join(conditions) if conditions else "")
    return text + (" (%s)" % entry["ref"] if entry.get("ref") else "")
