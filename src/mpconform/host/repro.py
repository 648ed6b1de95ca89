"""A self-contained script that shows one case's behaviour on any interpreter from 3.6 on.

The script embeds the harness's own ``values`` module (how a setup is built, its plain-Python
model, how state is read back), so it prints exactly what a cell compares: the state before,
after the child ran, what the same code gives on plain Python, and the verdict.
"""

from __future__ import annotations

import inspect
import textwrap

from mpconform import catalogue
from mpconform.harness import managers, values
from mpconform.vocabulary import MANAGED_KINDS

# Where the embedded values module stands in a script; the HTML page keeps that module once.
SHARED_PART = "# @@values@@"


def embedded_values() -> str:
    """values.py without its docstring, with the one import it makes at the top inlined."""
    source = inspect.getsource(values)
    body = source.split('"""', 2)[2]
    return body.replace("from mpconform.vocabulary import MANAGED_KINDS",
                        "MANAGED_KINDS = %r" % (MANAGED_KINDS,), 1).strip("\n")


def _manager_start(declaration: dict | None) -> tuple[str, str]:
    """(import line, expression that makes the manager) for a case's declaration."""
    declaration = declaration or {}
    path = declaration.get("class", managers.SYNC_MANAGER)
    module, _, name = path.rpartition(".")
    options = ["ctx=context"]
    if declaration.get("address") == "tcp":
        options.append("address=('127.0.0.1', 0)")
    if "authkey" in declaration:
        options.append("authkey=%r" % declaration["authkey"].encode("utf-8"))
    return "from %s import %s" % (module, name), "%s(%s)" % (name, ", ".join(options))


def script(case: catalogue.Case, start_method: str = "spawn", shared_part: str | None = None) -> str:
    """The reproducer. ``shared_part``: what stands in the script for the embedded values
    module (the HTML page puts it back from one copy); by default, the module itself."""
    names = sorted(case.setup)
    arguments = ", ".join(names)
    registry = sorted(managers.registry(case.manager)) if case.manager else []
    import_line, make_manager = _manager_start(case.manager)
    needs_checkout = "cases." in repr(case.manager) + case.code
    references = "\n".join("#   %s" % ref for ref in case.references)
    expectations = "\n".join("#   %s" % _describe(entry) for entry in case.expect)
    run_from = ("# Needs mpconform's cases/ folder importable: PYTHONPATH=<the checkout> python repro.py\n"
                if needs_checkout else "")
    return (
        f"# mpconform reproducer for {case.id}\n"
        f"# {case.description}\n"
        f"# Expected:\n{expectations}\n"
        f"# References:\n{references}\n"
        f"# Usage: python repro.py [fork|spawn|forkserver]   (Python 3.6 or later)\n{run_from}"
        "import multiprocessing\nimport sys\n"
        f"{import_line}\n\n"
        "# ---- how the suite builds a setup, models it on plain Python and reads state back ----\n"
        f"{embedded_values() if shared_part is None else shared_part}\n\n"
        "# ---- the case ----\n"
        f"SETUP = {case.setup!r}\n"
        f"REGISTERED = {registry!r}  # typeids of the case's own manager\n\n\n"
        f"def child({arguments}):\n"
        f"{textwrap.indent(case.code, '    ')}\n"
        f"{_CARRIED}\n\n"
        "def show(label, names):\n"
        "    print(label, state_text(read_state(names)).replace('\\n', ' '))\n\n\n"
        "def plain_python():\n"
        "    model = ModelManager({typeid: getattr(" + make_manager.split("(")[0] + ", '_registry')[typeid][0]\n"
        "                          for typeid in REGISTERED})\n"
        "    names = {name: _build(spec, model, REGISTERED) for name, spec in SETUP.items()}\n"
        f"    for _ in range({case.children}):\n"
        "        child(**names)\n"
        "    return read_state(names)\n\n\n"
        "if __name__ == \"__main__\":\n"
        f"    start_method = sys.argv[1] if len(sys.argv) > 1 else {start_method!r}\n"
        "    context = multiprocessing.get_context(start_method)\n"
        f"    manager = {make_manager}\n"
        "    manager.start()\n"
        "    try:\n"
        "        names = {name: _build(spec, manager, REGISTERED) for name, spec in SETUP.items()}\n"
        f"        {arguments} = {', '.join('names[%r]' % n for n in names)}\n"
        "        before = read_state(names)\n"
        "        show('before:', names)\n"
        "        try:\n"
        f"{textwrap.indent(_deliver(case.transport, arguments, case.children), '            ')}\n"
        "        except Exception as error:\n"
        "            print('raised in the parent:', type(error).__name__, error)\n"
        "        after = read_state(names)\n"
        "        show('after: ', names)\n"
        "    finally:\n"
        "        manager.shutdown()\n"
        "    try:\n"
        "        intended = plain_python()\n"
        "        print('plain Python gives:', state_text(intended).replace('\\n', ' '))\n"
        "        verdict = ('propagated' if after == intended else 'lost' if after == before\n"
        "                   else 'diverged')\n"
        "    except Exception as error:\n"
        "        print('plain Python raises:', type(error).__name__, error)\n"
        "        verdict = 'see the child\\'s exception above, if any'\n"
        "    print('verdict:', verdict)\n"
    )


# Targets for the ways the proxies reach the child other than as its arguments.
_CARRIED = '''

def child_from_carrier(carrier):
    arguments = carrier.recv() if hasattr(carrier, "recv") else carrier.get(timeout=30)
    child(*arguments)


def child_from_tuple(arguments):
    child(*arguments)


KEPT = []


def keep(*arguments):
    KEPT[:] = arguments


def child_from_kept():
    child(*KEPT)'''

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
        "process = context.Process(target=child_from_carrier, args=(queue,))\n"
        "process.start()\n"
        "process.join()\n"
        "print(\"child exit code:\", process.exitcode)"),
    "mp-queue": (
        "queue = context.Queue()\n"
        "process = context.Process(target=child_from_carrier, args=(queue,))\n"
        "process.start()\n"
        "queue.put(({arguments},))\n"
        "process.join()\n"
        "print(\"child exit code:\", process.exitcode)"),
    "pipe": (
        "receiver, sender = context.Pipe(duplex=False)\n"
        "process = context.Process(target=child_from_carrier, args=(receiver,))\n"
        "process.start()\n"
        "sender.send(({arguments},))\n"
        "process.join()\n"
        "print(\"child exit code:\", process.exitcode)"),
    "pool-apply": (
        "with context.Pool(1) as pool:\n"
        "    pool.apply(child, ({arguments},))"),
    "pool-map": (
        "with context.Pool(1) as pool:\n"
        "    pool.map(child_from_tuple, [({arguments},)])"),
    "pool-initializer": (
        "with context.Pool(1, initializer=keep, initargs=({arguments},)) as pool:\n"
        "    pool.apply(child_from_kept)"),
    "executor": (
        "from concurrent.futures import ProcessPoolExecutor  # mp_context: Python 3.7+\n"
        "with ProcessPoolExecutor(1, mp_context=context) as executor:\n"
        "    executor.submit(child, {arguments}).result()"),
    "executor-initializer": (
        "from concurrent.futures import ProcessPoolExecutor  # initializer: Python 3.7+\n"
        "with ProcessPoolExecutor(1, mp_context=context, initializer=keep,\n"
        "                         initargs=({arguments},)) as executor:\n"
        "    executor.submit(child_from_kept).result()"),
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
    if "start_methods" in entry:
        conditions.append("under %s" % "/".join(entry["start_methods"]))
    text = entry["outcome"] + (" " + ", ".join(conditions) if conditions else "")
    return text + (" (%s)" % entry["ref"] if entry.get("ref") else "")
