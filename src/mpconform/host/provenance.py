"""Where each column of a report came from: produced by this run, or kept from a shard it did not
rerun (committed, copied or downloaded), with the machine, date and revision that recorded it.

A shard carries no per-run facts (it is reviewed text); the machine that writes one leaves an
untracked stamp beside it (``shard_writer.stamp``: the shard's hash and when it was written). A
column was produced by this run when its stamp matches the shard's content and was written after
the run started (``nox`` passes its start time to the report as ``MPCONFORM_RUN_STARTED``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from mpconform import shard_writer
from mpconform.host.merge import platform_title

PRODUCED, EARLIER, KEPT = "produced by this run", "written on this machine earlier", "kept"


@dataclass(frozen=True)
class Origin:
    column: str          # the matrix column key (the shard's stem)
    label: str
    status: str          # PRODUCED, EARLIER or KEPT
    written: str | None  # when this machine wrote it (UTC), for PRODUCED and EARLIER
    recorded: str        # "revision 3f2a1c0 (2026-11-25), Linux x86_64, interpreter via pyenv"

    def line(self) -> str:
        if self.status == PRODUCED:
            return f"{self.label}: produced by this run ({self.recorded})"
        if self.status == EARLIER:
            return f"{self.label}: not rerun; written on this machine at {self.written} ({self.recorded})"
        return f"{self.label}: not rerun; kept from a shard this machine did not write ({self.recorded})"


def _parse_time(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


def run_started(text: str | None) -> datetime.datetime | None:
    """``MPCONFORM_RUN_STARTED`` (seconds since the epoch) as a time, or None outside a run."""
    if not text:
        return None
    try:
        # Kept to the fraction: stamps keep whole seconds, rounded down, so a shard written in the
        # same second as the run started, but before it (the previous nox run's last one), is
        # not taken for this run's. No session writes its shard within a second of nox starting.
        seconds = float(text)
    except ValueError:
        raise ValueError(f"MPCONFORM_RUN_STARTED={text!r}: not a time in seconds since the epoch") from None
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)


def recorded(manifest: dict) -> str:
    suite = manifest["suite"]
    date = str(suite.get("date", "unknown"))[:10]
    dirty = ", uncommitted changes" if suite.get("dirty") else ""
    return (f"revision {suite['revision'][:10]} ({date}{dirty}), {platform_title(manifest['platform'])}, "
            f"interpreter via {manifest['interpreter'].get('source', 'unknown')}")


def _stamp(path: Path) -> dict | None:
    try:
        stamp = json.loads(Path(shard_writer.stamp_path(str(path))).read_text(encoding="utf-8"))
        _parse_time(stamp["written"])
        return stamp
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no stamp, or one that cannot be read: the shard counts as kept


def origins(loaded: list[tuple[Path, dict]], started: datetime.datetime | None) -> list[Origin]:
    """One Origin per shard, in the order given."""
    from mpconform.identity import Identity

    found = []
    for path, shard in loaded:
        manifest = shard["manifest"]
        stamp = _stamp(path)
        matches = stamp is not None and stamp.get("sha256") == hashlib.sha256(path.read_bytes()).hexdigest()
        if not matches:
            status, written = KEPT, None
        else:
            written = stamp["written"]
            status = PRODUCED if started is not None and _parse_time(written) >= started else EARLIER
        found.append(Origin(path.stem, Identity.from_manifest(manifest).label, status,
                            written.replace("T", " ").replace("Z", " UTC") if written else None,
                            recorded(manifest)))
    return found


def mixed(found: list[Origin]) -> bool:
    """A run produced some columns and kept others: the only case a report marks columns.

    A full run (every column produced) and a report drawn outside a run draw the same page, so a
    rerun in which no behaviour changed leaves the committed reports as they were.
    """
    statuses = {origin.status for origin in found}
    return PRODUCED in statuses and len(statuses) > 1


def kept_in_report(found: list[Origin]) -> dict[str, Origin]:
    """The columns a report marks as not produced by this run, by column key."""
    if not mixed(found):
        return {}
    return {origin.column: origin for origin in found if origin.status != PRODUCED}
