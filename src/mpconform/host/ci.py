"""What the scheduled CI matrix's merge job does, as commands that run (and are tested) anywhere.

- ``collect``: gather the shards the conformance jobs uploaded (one folder per job) into
  ``reports/results``, in place of the committed ones, refusing two shards for one interpreter
  and platform, naming both files.
- ``summary``: compare the new matrix with the one that is published (a URL or a file; the
  committed one when nothing is published yet) and write the run's summary in plain text, with a
  "Behaviour changed" notice when a cell's outcome changed.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import urllib.request
from pathlib import Path

from mpconform.host import diff, shard_reader


def collect(downloaded: Path, into: Path) -> list[Path]:
    """Copy every shard under ``downloaded`` into ``into`` (emptied of shards first)."""
    found = sorted(path for path in Path(downloaded).rglob("*.json") if "partial" not in path.parts)
    if not found:
        raise shard_reader.ShardError(f"{downloaded}: no shard was downloaded (did every job fail?)")
    by_name: dict[str, Path] = {}
    for path in found:
        if path.name in by_name:
            raise shard_reader.ShardError(f"{by_name[path.name]} and {path}: two shards for the same "
                                          f"interpreter and platform; keep one")
        by_name[path.name] = path
    with tempfile.TemporaryDirectory() as staging:
        for name, path in by_name.items():
            shutil.copy2(path, Path(staging) / name)
        # One clear error for a duplicate label or a renamed shard, before anything is replaced.
        shard_reader.load_folder(Path(staging))
        into.mkdir(parents=True, exist_ok=True)
        for stale in into.glob("*.json"):
            stale.unlink()
        return [Path(shutil.copy2(Path(staging) / name, into / name)) for name in sorted(by_name)]


def published_matrix(source: str, fallback: Path) -> tuple[dict, str]:
    """(the published matrix, where it came from): ``source`` is a URL or a file; when it
    cannot be had (nothing published yet, no network), the committed ``fallback``."""
    try:
        if source.startswith(("https://", "http://")):
            with urllib.request.urlopen(source, timeout=30) as response:  # noqa: S310 - our own Pages
                return json.loads(response.read().decode("utf-8")), source
        return diff.load(Path(source)), source
    except (OSError, ValueError, diff.DiffError) as error:
        return diff.load(fallback), f"{fallback} (the published matrix could not be read: {error})"


def summary(old: dict, new: dict, origin: str) -> tuple[str, bool]:
    """(the run's summary as Markdown with plain-text lists, whether behaviour changed)."""
    changes = diff.compare(old, new)
    changed = any(change.old and change.new for change in changes)
    lines = ["## Compared with the published matrix", "", f"Published matrix: {origin}", ""]
    if changed:
        lines += ["**Behaviour changed**: cells that ran before now give another outcome.", ""]
    lines += ["```"] + [change.describe() for change in changes] + [diff.summary(changes), "```"]
    return "\n".join(lines) + "\n", changed
