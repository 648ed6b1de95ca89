"""The managers a cell's objects come from: the built-in SyncManager, or one a case declares.

A case's ``manager`` declaration is a literal dict, all fields optional::

    {"class": "cases._managers.CountingManager",   # a BaseManager subclass, importable
     "address": "tcp",                             # serve on 127.0.0.1, a free port
     "authkey": "secret",                          # instead of the process's own key
     "fresh": True}                                # a manager of its own for each cell

Classes that a spawned manager server must import live in a module under ``cases/`` (never in
case strings). The runner keeps one manager per start method and declaration, and starts a
fresh one, shut down after the cell, for a declaration that says ``fresh``.
"""

import importlib
import multiprocessing
import os
import signal

from mpconform.vocabulary import MANAGER_FIELDS

SYNC_MANAGER = "multiprocessing.managers.SyncManager"


class DeclarationError(ValueError):
    """A manager declaration that cannot be used."""


def check(declaration):
    """Raise DeclarationError if ``declaration`` is not a well-formed manager declaration."""
    if not isinstance(declaration, dict):
        raise DeclarationError("'manager' must be a dict (fields %s)" % ", ".join(MANAGER_FIELDS))
    unknown = sorted(set(declaration) - set(MANAGER_FIELDS))
    if unknown:
        raise DeclarationError("unknown field(s) %s in 'manager' (one of %s)"
                               % (", ".join(unknown), ", ".join(MANAGER_FIELDS)))
    if declaration.get("address", "tcp") != "tcp":
        raise DeclarationError("'address' can only be \"tcp\" (127.0.0.1, a free port)")
    if not isinstance(declaration.get("authkey", ""), str):
        raise DeclarationError("'authkey' must be a string")


def manager_class(declaration):
    """The declared BaseManager subclass, or None where this Python lacks it (e.g. 3.7's
    SharedMemoryManager)."""
    path = (declaration or {}).get("class", SYNC_MANAGER)
    module_name, _, name = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise DeclarationError("manager class %s: %s" % (path, error)) from None
    found = getattr(module, name, None)
    if found is None and module_name.startswith("multiprocessing"):
        return None
    if not (isinstance(found, type) and issubclass(found, _base_manager())):
        raise DeclarationError("manager class %s is not a BaseManager subclass" % path)
    return found


def _base_manager():
    from multiprocessing.managers import BaseManager

    return BaseManager


def registry(declaration):
    """``{typeid: callable}`` of what the declared manager makes beside SyncManager's kinds."""
    found = manager_class(declaration)
    table = dict(getattr(found, "_registry", {})) if found is not None else {}
    return {typeid: entry[0] for typeid, entry in table.items() if entry[0] is not None}


def start(declaration, start_method):
    """A started manager for ``declaration`` under ``start_method``."""
    declaration = declaration or {}
    found = manager_class(declaration)
    if found is None:
        raise DeclarationError("%s does not exist on this Python" % declaration.get("class"))
    options = {"ctx": multiprocessing.get_context(start_method)}
    if declaration.get("address") == "tcp":
        options["address"] = ("127.0.0.1", 0)
    if "authkey" in declaration:
        options["authkey"] = declaration["authkey"].encode("utf-8")
    manager = found(**options)
    manager.start()
    return manager


def _key(start_method, declaration):
    return (start_method, repr(sorted((declaration or {}).items())))


class ManagerPool:
    """One manager per start method and declaration, reused across cells and replaced when it
    dies; a declaration that says ``fresh`` gets a new one for each cell."""

    def __init__(self):
        self._managers = {}
        self._fresh = []

    def get(self, start_method, declaration=None):
        if (declaration or {}).get("fresh"):
            manager = start(declaration, start_method)
            self._fresh.append(manager)
            return manager
        key = _key(start_method, declaration)
        manager = self._managers.get(key)
        if manager is not None and not manager._process.is_alive():
            self._managers.pop(key)
            shutdown(manager)
            remove_socket_of(manager)
            manager = None
        if manager is None:
            manager = start(declaration, start_method)
            self._managers[key] = manager
        return manager

    def end_cell(self):
        """Shut down the managers started for this cell alone."""
        while self._fresh:
            shutdown(self._fresh.pop())

    def close(self):
        self.end_cell()
        while self._managers:
            shutdown(self._managers.popitem()[1])


def shutdown(manager):
    try:
        manager.shutdown()
    except Exception:
        pass
    process = getattr(manager, "_process", None)
    if process is not None and process.is_alive():
        stop(process)


def remove_socket_of(dead_manager):
    """A killed server leaves its Unix socket, and the folder multiprocessing made for it, behind."""
    address = getattr(dead_manager, "address", None)
    if not isinstance(address, str) or not os.path.exists(address):
        return
    try:
        os.unlink(address)
        folder = os.path.dirname(address)
        ours = multiprocessing.current_process()._config.get("tempdir")
        if os.path.basename(folder).startswith("pymp-") and folder != ours and not os.listdir(folder):
            os.rmdir(folder)
    except OSError:
        pass


def stop(process, grace=2.0):
    """Terminate, then kill, a multiprocessing Process; never leaves it running."""
    if process.is_alive():
        process.terminate()
        process.join(grace)
    if process.is_alive():
        os.kill(process.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
        process.join(grace)
