"""mpconform: what multiprocessing manager proxies propagate between processes.

Target side (runs inside every interpreter under test, CPython 3.6 and later, stdlib only):
``catalogue``, ``expectations``, ``outcomes``, ``harness``, ``shard``, ``pytest_plugin``.
Host side (runs once, on a modern Python): ``mpconform.host``.
"""

__version__ = "0.1.0"
