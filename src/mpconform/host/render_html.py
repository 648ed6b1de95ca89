"""The matrix as one self-contained HTML page (works offline from file://).

The table is drawn on the server side, so it reads without JavaScript; the script adds the
filters (kept in the URL), the start-method views, the phone layout's version ranges and the
per-cell details. Data reaches the page as JSON inside ``<script type="application/json">``
elements (``tojson`` escapes ``<``, ``>``, ``&``) and is put on screen with ``textContent`` only.
What each part embeds, and why it stays small, is in ``page_data``.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup, escape

from mpconform import catalogue
from mpconform.host import gallery, page_data, view
from mpconform.host.merge import platform_title


def codespans(text: str) -> Markup:
    """Escaped text whose `code spans` become <code> elements (their content escaped too)."""
    return Markup("".join(f"<code>{escape(part)}</code>" if is_code else str(escape(part))
                          for is_code, part in view.code_spans(text)))


def _recorded(matrix: dict) -> dict:
    """Revision, date and interpreters of the results, as the page's header shows them."""
    run = [c for c in matrix["columns"] if c["status"] != "not-run"]
    revisions = sorted({(c["date"][:10], c["revision"][:10]) for c in run})
    by_platform = []
    for platform in dict.fromkeys(c["platform"] for c in matrix["columns"]):
        here = [c for c in run if c["platform"] == platform]
        missing = [c["description"] for c in matrix["columns"]
                   if c["platform"] == platform and c["status"] == "not-run"]
        by_platform.append({"title": platform_title(platform),
                            "interpreters": [view.column_title(c) for c in here], "missing": missing})
    return {"revisions": revisions, "platforms": by_platform}


def render(matrix: dict, cases: list[catalogue.Case] | None = None, kept: dict | None = None) -> str:
    """``kept``: the columns a run did not produce, by key (``provenance.kept_in_report``)."""
    cases = catalogue.load() if cases is None else cases
    views = page_data.Views()
    platforms = view.platforms(matrix)
    row_cells, row_ranges = {}, {}
    for platform in platforms:
        labels = [column["label"] for column in platform.columns]
        families = [page_data.family(column) for column in platform.columns]
        for group in platform.groups:
            for row in group.rows:
                cells = []
                for entry in row.entries:
                    combination = views.of(entry)
                    text, css, spoken = views.first(combination)
                    cells.append({"v": combination, "text": text, "css": css, "spoken": spoken})
                row_cells[(platform.platform, row.case["id"])] = cells
                row_ranges[(platform.platform, row.case["id"])] = page_data.ranges(
                    labels, families, [(cell["text"], cell["css"]) for cell in cells])
    table_data = {"shown": views.shown.table, "combinations": views.combinations.table,
                  "view_names": list(page_data.VIEWS)}
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("mpconform.host", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    environment.filters["codespans"] = codespans
    template = environment.get_template("index.html.j2")
    return template.render(
        platforms=platforms, legend=view.LEGEND, patterns=matrix["patterns"],
        containers=sorted({c["container"] for c in matrix["cases"]}), views=page_data.VIEWS,
        column_title=view.column_title, family=page_data.family,
        row_cells=row_cells, row_ranges=row_ranges, search_key=page_data.search_key,
        table_data=table_data, details=page_data.details(matrix, cases), recorded=_recorded(matrix),
        shards=matrix["shards"], gallery=gallery.sections(matrix), kept=kept or {},
    )
