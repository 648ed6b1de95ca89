"""What starting and joining one bare child costs, per start method: the floor of a cell.

    python bench/process_floor.py COUNT     # prints {"fork": seconds per child, ...} as JSON

Target side: runs in every interpreter under test (3.6+, stdlib only).
"""

import json
import multiprocessing
import sys
import time


def nothing():
    pass


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    costs = {}
    for method in ("fork", "spawn", "forkserver"):
        context = multiprocessing.get_context(method)
        context.Process(target=nothing).start()  # warm up: starts the forkserver once
        started = time.time()
        for _ in range(count):
            child = context.Process(target=nothing)
            child.start()
            child.join()
        costs[method] = (time.time() - started) / count
    print(json.dumps(costs))


if __name__ == "__main__":
    main()
