"""The matrix as one self-contained HTML page (works offline from file://).

The table is drawn on the server side, so it reads without JavaScript; the script only adds
the filters and the per-cell details. Data reaches the page as JSON inside a
``<script type="application/json">`` element (``tojson`` escapes ``<``, ``>``, ``&``) and is
put on screen with ``textContent`` only.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup, escape

from mpconform import catalogue
from mpconform.host import gallery, repro, view
from mpconform.vocabulary import START_METHODS

VIEWS = ("all",) + START_METHODS + ("default",)


def codespans(text: str) -> Markup:
    """Escaped text whose `code spans` become <code> elements (their content escaped too)."""
    return Markup("".join(f"<code>{escape(part)}</code>" if is_code else str(escape(part))
                          for is_code, part in view.code_spans(text)))


def _entry_views(entry: view.TableEntry) -> dict[str, dict[str, str]]:
    """For each view of the start-method filter: the text and CSS class the entry shows."""
    shown = {"all": {"text": entry.text(), "css": entry.css}}
    shown.update((method, entry.under(method)) for method in START_METHODS + ("default",))
    return shown


def render(matrix: dict, cases: list[catalogue.Case] | None = None, kept: dict | None = None) -> str:
    """``kept``: the columns a run did not produce, by key (``provenance.kept_in_report``)."""
    cases = catalogue.load() if cases is None else cases
    by_id = {case.id: case for case in cases}
    details = {
        "columns": {c["key"]: c for c in matrix["columns"]},
        # Each reproducer without the module every one of them embeds: that is kept once.
        "cases": {c["id"]: dict(c, repro=repro.script(by_id[c["id"]], shared_part=repro.SHARED_PART)
                                if c["id"] in by_id else "")
                  for c in matrix["cases"]},
        "repro_shared": {"marker": repro.SHARED_PART, "text": repro.embedded_values()},
        "cells": {},
        "start_methods": list(START_METHODS),
    }
    for cell in matrix["cells"]:
        details["cells"].setdefault(f'{cell["case"]}|{cell["column"]}', {})[cell["start_method"]] = cell
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("mpconform.host", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    environment.filters["codespans"] = codespans
    template = environment.get_template("index.html.j2")
    return template.render(
        platforms=view.platforms(matrix), legend=view.LEGEND, patterns=matrix["patterns"],
        containers=sorted({c["container"] for c in matrix["cases"]}), views=VIEWS,
        entry_views=_entry_views, column_title=view.column_title, details=details,
        shards=matrix["shards"], gallery=gallery.sections(matrix), kept=kept or {},
    )
