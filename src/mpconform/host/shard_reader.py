"""Read results shards: validated against their schema, each problem named with its file."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

from mpconform.identity import Identity
from mpconform.shard_writer import SCHEMA_VERSION


class ShardError(ValueError):
    """A shard that cannot be used; the message names the file and what is wrong."""


@cache
def schema(name: str) -> dict:
    return json.loads(resources.files("mpconform.host").joinpath("schemas", name).read_text())


def load(path: Path, partial: bool = False) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ShardError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        document = json.loads(text)
    except ValueError as error:
        raise ShardError(f"{path}: not JSON ({error}); the file may be truncated") from None
    if isinstance(document, dict) and isinstance(document.get("schema"), int) \
            and document["schema"] > SCHEMA_VERSION:
        raise ShardError(f"{path}: written by a newer mpconform (schema {document['schema']}; "
                         f"this one reads {SCHEMA_VERSION})")
    import jsonschema  # only where shards are read: `list` and `repro` run without it

    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema("shard.schema.json")).iter_errors(document))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the top level"
        raise ShardError(f"{path}: not a valid shard: at {where}: {error.message}")
    if not document["complete"] and not partial:
        raise ShardError(f"{path}: an incomplete shard (a narrowed run) cannot be published; "
                         f"complete runs write reports/results/<name>.json")
    return document


def expected_name(manifest: dict) -> str:
    """The file name a shard's manifest implies: ``cpython-3.13.5t-linux-x86_64.json``."""
    suffix = "t" if manifest["build"] == "free-threaded" else ""
    return f"{manifest['implementation']}-{manifest['version']}{suffix}-{manifest['platform']}.json"


def load_folder(folder: Path, partial: bool = False) -> list[tuple[Path, dict]]:
    """Every complete shard in ``folder`` (not its partial/ subfolder), in name order.

    Refused, naming the files: a folder that does not exist or holds no shard, a shard whose
    content contradicts its file name (a copy under another name), and two shards for the same
    interpreter and platform (two patch releases of one minor version included).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ShardError(f"{folder}: no such folder of shards")
    loaded = [(path, load(path, partial)) for path in sorted(folder.glob("*.json"))]
    if not loaded:
        raise ShardError(f"{folder}: holds no shard (*.json); run a conformance session first")
    seen: dict[tuple[str, str], Path] = {}
    for path, shard in loaded:
        manifest = shard["manifest"]
        if path.name != expected_name(manifest):
            raise ShardError(f"{path}: its manifest says it is {expected_name(manifest)}; a shard "
                             f"keeps the name its run gave it")
        key = (Identity.from_manifest(manifest).label, manifest["platform"])
        if key in seen:
            raise ShardError(f"{seen[key]} and {path.name}: two shards for {key[0]} on {key[1]}; "
                             f"keep one")
        seen[key] = path
    return loaded
