"""What the smallest real cell costs, per start method: the floor of a cell.

    python bench/minimal_cell.py COUNT     # prints {"fork": seconds per cell, ...} as JSON

A cell must start a child and connect that child to a manager; a bare child is not a cell. The
minimal cell: a fresh child given one manager list as a Process argument, one append, a report
over a pipe, the parent reading the list back. One manager per start method, started once, as
the runner does.

Target side: runs in every interpreter under test (3.6+, stdlib only).
"""

import json
import multiprocessing
import sys
import time


def child(shared, report):
    shared.append(1)
    report.send("appended")
    report.close()


def one_cell(context, shared):
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=child, args=(shared, writer))
    process.start()
    writer.close()
    reader.recv()
    process.join()
    reader.close()
    return list(shared)


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    costs = {}
    for method in ("fork", "spawn", "forkserver"):
        context = multiprocessing.get_context(method)
        manager = context.Manager()
        try:
            shared = manager.list()
            one_cell(context, shared)  # warm up: starts the forkserver once
            started = time.time()
            for _ in range(count):
                one_cell(context, shared)
            costs[method] = (time.time() - started) / count
        finally:
            manager.shutdown()
    print(json.dumps(costs))


if __name__ == "__main__":
    main()
