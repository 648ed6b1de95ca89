"""Each managed kind's plain-Python model reads back exactly as its proxy does.

The outcome of a cell compares the proxies' state with the model's: a model that shows a
state differently from its proxy would turn every cell of that kind into ``diverged``.
"""

import multiprocessing
from multiprocessing.managers import SyncManager

import pytest

from mpconform import vocabulary
from mpconform.harness import managers, values

ACQUIRED_ELSEWHERE = "import threading\nt = threading.Thread(target=it.acquire)\nt.start()\nt.join()"
# For each kind: a spec, then code that changes it (run on the proxy and on the model alike).
KINDS = {
    "manager.list": ([1], "it.append(2)"),
    "manager.dict": ({0: 1}, "it[1] = 2"),
    "manager.set": ([1], "it.add(2)"),
    "manager.Namespace": ({"x": 1}, "it.y = 2"),
    "manager.Value": (["i", 1], "it.value = 2"),
    "manager.Array": (["i", [1, 2]], "it[0] = 5"),
    "manager.Queue": ([1], "it.put(2)"),
    "manager.JoinableQueue": ([], "it.put(2)"),
    "manager.Event": (False, "it.set()"),
    "manager.Lock": (False, "it.acquire()"),
    # Reentrant: acquired through this process's own connection they read as free, so another
    # thread (another connection to the manager) holds them, as a child would.
    "manager.RLock": (False, ACQUIRED_ELSEWHERE),
    "manager.Condition": (False, ACQUIRED_ELSEWHERE),
    "manager.Semaphore": (2, "it.acquire()"),
    "manager.BoundedSemaphore": (1, "it.acquire()"),
    "manager.Barrier": (2, "it.abort()"),
    "manager.SyncManager": (None, "pass"),
    # Made by a SharedMemoryManager (3.8+): objects of their own, not proxies.
    "manager.ShareableList": ([1, 2], "it[0] = 5"),
    "manager.SharedMemory": (4, "it.buf[0] = 7"),
}
SHARED_MEMORY_DECLARATION = {"class": "multiprocessing.managers.SharedMemoryManager"}


def test_every_kind_is_covered_here():
    assert set(KINDS) == set(vocabulary.MANAGED_KINDS)


def test_every_word_of_the_vocabulary_is_one_entry_of_the_kinds_table():
    assert set(values.KINDS) | {"manager.SyncManager"} == set(vocabulary.MANAGED_KINDS)
    for key, kind in values.KINDS.items():
        assert key == "manager." + kind.typeid
        assert getattr(values.ModelManager(), kind.typeid) is kind.model


@pytest.fixture(scope="module")
def sync_manager():
    with multiprocessing.get_context("spawn").Manager() as manager:
        yield manager


@pytest.fixture(scope="module")
def shared_memory_manager():
    manager = managers.start(SHARED_MEMORY_DECLARATION, "spawn")
    yield manager
    managers.shutdown(manager)


@pytest.fixture
def manager(request, sync_manager):
    if request.node.callspec.params["kind"] in ("manager.ShareableList", "manager.SharedMemory"):
        return request.getfixturevalue("shared_memory_manager")
    return sync_manager


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_model_reads_back_as_the_proxy_before_and_after_a_change(manager, kind):
    if kind == "manager.set" and not hasattr(SyncManager, "set"):
        pytest.skip("SyncManager.set() arrived in 3.14 (gh-129948)")
    spec, code = KINDS[kind]
    declaration = SHARED_MEMORY_DECLARATION if "Shar" in kind else None
    proxy, model = values.build({kind: spec}, manager, declaration), values.build({kind: spec}, None, declaration)
    assert values.read(proxy) == values.read(model)
    before = values.read(model)
    for it in (proxy, model):
        exec(code, {"it": it})
    assert values.read(proxy) == values.read(model)
    if kind != "manager.SyncManager":
        assert values.read(model) != before, "the change must show"


def test_a_reentrant_lock_cannot_start_acquired():
    with pytest.raises(values.SpecError, match="manager.RLock cannot start acquired"):
        values.build({"manager.RLock": True})


def test_an_unknown_kind_is_named():
    with pytest.raises(values.SpecError, match="unknown managed kind 'manager.Pool'"):
        values.build({"manager.Pool": 1})
