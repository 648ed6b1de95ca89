"""The naive reference for bench/: every cell gets a fresh Manager and a fresh child, one after
another, in one process. It runs the harness's own cell code; only reuse is taken away.

    python bench/naive_runner.py EVERY     # every EVERY-th case of the catalogue; prints JSON

Target side: runs in every interpreter under test (3.6+, stdlib only).
"""

import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

from mpconform import catalogue  # noqa: E402
from mpconform.harness import cell, managers  # noqa: E402
from mpconform.vocabulary import START_METHODS  # noqa: E402


def main():
    every = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    cases = catalogue.load()[::every]
    started = time.time()
    cells = 0
    for case in cases:
        for method in START_METHODS:
            pool = managers.ManagerPool()
            request = case.request()
            request["start_method"] = method
            cell.run(request, pool)
            pool.close()
            cells += 1
    print(json.dumps({"cells": cells, "seconds": time.time() - started}))


if __name__ == "__main__":
    main()
