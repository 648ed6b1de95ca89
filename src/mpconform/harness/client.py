"""Start a runner process and have it run cells; used from pytest, which runs threads.

The runner lives in a process group (a new session on POSIX) of its own, so that every process
it starts (children, managers, the forkserver) can be ended together: when the runner stops
answering, when pytest finishes, and when pytest is interrupted.
"""

import ast
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time

import mpconform
from mpconform import catalogue, outcomes

# A cell's timeout bounds its child; setup and observation through the manager get this much more.
RUNNER_GRACE = 30.0
OUTPUT_KEPT = 4000

_RUNNER_CODE = "from mpconform.harness.runner import main; main()"


def _import_roots():
    """Where the runner imports from: mpconform's source, and the folder holding ``cases/``,
    whose modules (a case's own manager classes) its manager servers import too."""
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(mpconform.__file__)))
    return [package_root, os.path.dirname(catalogue.default_directory())]


class Runner:
    """One runner process; ``run`` sends it a request and returns the record."""

    def __init__(self, python=None):
        self.python = python or sys.executable
        self.process = None
        self.log = None
        self.log_path = None
        self._replies = None

    def start(self):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(_import_roots() + [p for p in [env.get("PYTHONPATH")] if p])
        handle, self.log_path = tempfile.mkstemp(prefix="mpconform-runner-", suffix=".log")
        os.close(handle)
        # The runner appends (O_APPEND) through its own descriptor; we read through another,
        # so that reading never moves the offset it writes at.
        writer = open(self.log_path, "ab")
        self.log = open(self.log_path, "rb")
        options = {}
        if os.name == "posix":
            options["start_new_session"] = True
        else:
            options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
        self.process = subprocess.Popen(
            [self.python, "-c", _RUNNER_CODE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=writer, env=env, **options)
        writer.close()
        self._replies = queue.Queue()
        reader = threading.Thread(target=self._read_replies, args=(self.process, self._replies),
                                  name="mpconform-runner-reader")
        reader.daemon = True
        reader.start()

    @staticmethod
    def _read_replies(process, replies):
        for line in iter(process.stdout.readline, b""):
            replies.put(line)
        replies.put(None)

    def run(self, request):
        """The record of one cell; a runner that does not answer in time becomes ``hung``."""
        if self.process is None or self.process.poll() is not None:
            self.close()
            self.start()
        log_start = self._log_size()
        wall_start = time.time()
        line = None
        timed_out = False
        try:
            self.process.stdin.write((repr(request) + "\n").encode("utf-8"))
            self.process.stdin.flush()
            # None: the runner closed its output, it is gone.
            line = self._replies.get(timeout=request["timeout"] + RUNNER_GRACE)
        except queue.Empty:
            timed_out = True
        except (OSError, ValueError):
            pass  # its input is closed: the runner is gone
        if line is not None:
            record = ast.literal_eval(line.decode("utf-8"))
        elif timed_out:
            record = outcomes.record(outcomes.HUNG, "runner")
        else:
            record = outcomes.record(outcomes.CRASHED, "runner", exitcode=self.process.wait())
        record.setdefault("duration", round(time.time() - wall_start, 4))
        output = self._log_since(log_start)
        if output:
            record["values"]["output"] = output
        if line is None or record.pop("restart", False):
            self.close()
        return record

    def _log_size(self):
        self.log.seek(0, os.SEEK_END)
        return self.log.tell()

    def _log_since(self, offset):
        end = self._log_size()
        self.log.seek(max(offset, end - OUTPUT_KEPT))
        return self.log.read().decode("utf-8", "replace")

    def kill(self):
        """End the runner and every process it started, at once."""
        if self.process is None:
            return
        if os.name == "posix":
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                pass
        else:  # pragma: no cover - Windows
            subprocess.call(["taskkill", "/F", "/T", "/PID", str(self.process.pid)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.process.wait()
        self._discard()

    def close(self, grace=10.0):
        """Ask the runner to stop (its stdin closes), then make sure its group is gone."""
        if self.process is None:
            return
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def _discard(self):
        if self.process is not None:
            for stream in (self.process.stdin, self.process.stdout):
                try:
                    stream.close()
                except (OSError, ValueError):
                    pass
        if self.log is not None:
            self.log.close()
            try:
                os.unlink(self.log_path)
            except OSError:
                pass
        self.process = None
        self.log = None
