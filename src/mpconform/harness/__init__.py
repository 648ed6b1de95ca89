"""Runs one cell: a case under one start method, in a fresh child process (target side).

- ``values``: build a case's containers (with a manager, or as plain Python), read them back.
- ``child``: what the child process does: run the case's code, report over a pipe.
- ``cell``: one cell from setup to outcome, in a single-threaded runner process.
- ``runner``: that process: reads cell requests, keeps managers, cleans up.
- ``client``: starts a runner and talks to it, from pytest (which runs threads).
"""
