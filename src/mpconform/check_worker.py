"""The worker of ``python -m mpconform check``, inside one interpreter under test (target side).

    python -m mpconform.check_worker RUNNERS

Reads one line of JSON from stdin: the cells to run, ``[[case_id, start_method], …]``. Runs them
on RUNNERS runner processes (harness.client.Runner, as the pytest plugin does) and answers one
JSON line per cell, ``{"cell": …, "seconds": …}``, with the cell ``cells.place`` makes, the same
as the conformance run's; then ``{"manifest": …}``, the shard manifest of this interpreter.
SIGTERM or a closed stdout stops it, and its runners with it: each is asked to stop (its
managers shut down cleanly), and killed if it does not.
"""

import json
import os
import signal
import sys
import threading

from mpconform import catalogue, cells, shard_writer


def _stop(signum, frame):
    raise SystemExit(128 + signum)


def main(argv=None):
    from mpconform.harness.client import Runner

    argv = sys.argv[1:] if argv is None else argv
    count = max(1, int(argv[0])) if argv else 1
    signal.signal(signal.SIGTERM, _stop)
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the host decides; Ctrl-C reaches it alone
    by_id = {case.id: case for case in catalogue.load()}
    wanted = json.loads(sys.stdin.readline())
    pending = list(reversed(wanted))
    lock = threading.Lock()
    runners = [Runner() for _ in range(count)]

    def answer(line):
        with lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    def work(runner):
        while True:
            with lock:
                if not pending:
                    return
                case_id, start_method = pending.pop()
            case = by_id[case_id]
            record = runner.run(cells.request(case, start_method))
            cell = cells.place(case, start_method, [record])[0]
            answer(json.dumps({"cell": cell, "seconds": record.get("duration", 0.0)}, sort_keys=True))

    threads = [threading.Thread(target=work, args=(runner,)) for runner in runners]
    try:
        for thread in threads:
            thread.daemon = True
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
        root = os.path.dirname(catalogue.default_directory())
        manifest = shard_writer.manifest(root, list(by_id.values()), {"args": ["check"]})
        answer(json.dumps({"manifest": manifest}, sort_keys=True))
    finally:
        # Closing a runner's input asks it to stop its children and shut its managers down (a
        # killed manager leaves its socket folder in the temp dir); one that does not go in time
        # is killed with all it started.
        for runner in runners:
            if runner.process is not None:
                try:
                    runner.process.stdin.close()
                except OSError:
                    pass
        for runner in runners:
            runner.close(grace=2.0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
