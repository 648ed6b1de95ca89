"""Read results shards: validated against their schema, each problem named with its file."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

from mpconform.shard_writer import SCHEMA_VERSION


class ShardError(ValueError):
    """A shard that cannot be used; the message names the file and what is wrong."""


@cache
def schema(name: str) -> dict:
    return json.loads(resources.files("mpconform.host").joinpath("schemas", name).read_text())


def load(path: Path) -> dict:
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
    if not document["complete"]:
        raise ShardError(f"{path}: an incomplete shard (a narrowed run) cannot be published; "
                         f"complete runs write reports/results/<name>.json")
    return document


def load_folder(folder: Path) -> list[tuple[Path, dict]]:
    """Every complete shard in ``folder`` (not its partial/ subfolder), in name order."""
    return [(path, load(path)) for path in sorted(Path(folder).glob("*.json"))]
