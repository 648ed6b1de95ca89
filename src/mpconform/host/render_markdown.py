"""The matrix as GitHub-flavoured Markdown: a table per pattern, columns by interpreter.

Every string from a case or a shard is escaped: it is shown as text, never read as HTML or as
table syntax.
"""

from __future__ import annotations

import html

from mpconform.host import view


def escape(text: str) -> str:
    """Text for a table cell: HTML-escaped, pipes and newlines neutralised."""
    return (html.escape(str(text), quote=False)
            .replace("|", "&#124;").replace("\n", "<br>").replace("`", "&#96;")
            .replace("*", "&#42;").replace("[", "&#91;"))


def inline(text: str) -> str:
    """Escaped text in which `code spans` become <code> elements (their content escaped too)."""
    return "".join(f"<code>{escape(part)}</code>" if is_code else escape(part)
                   for is_code, part in view.code_spans(text))


def render_gallery(matrix: dict) -> str:
    """reports/gotchas.md: each trap, what users write, what happens where, and the fix."""
    from mpconform.host import gallery

    lines = [
        "# mpconform — the gotcha gallery",
        "",
        "Every case that does not simply propagate on some interpreter, from the same results as "
        "`matrix.md`. *What happens* is what was observed, interpreter by interpreter.",
    ]
    pattern = None
    for section in gallery.sections(matrix):
        if section.pattern != pattern:
            pattern = section.pattern
            lines += ["", f"## {escape(section.pattern)} — {escape(section.title)}"]
        lines.append("")
        if section.fix:
            lines += [f"**Fix:** {inline(section.fix)}", ""]
        lines += ["| what users write | what happens |", "| --- | --- |"]
        for trap in section.traps:
            case = trap.case
            happens = "; ".join(case["changed_in"]) or ", ".join(trap.observed)
            fix = f"<br>**Fix:** {inline(trap.fix)}" if trap.fix else ""
            label = f"{inline(case['description'])}<br><sub>{escape(case['id'])}</sub>"
            lines.append(f"| {label} | {escape(happens)}{fix} |")
    return "\n".join(lines) + "\n"


def render(matrix: dict, kept: dict | None = None) -> str:
    """``kept``: the columns a run did not produce, by key (``provenance.kept_in_report``)."""
    kept = kept or {}
    lines = [
        "# mpconform — what manager proxies propagate",
        "",
        "Each cell: what the parent saw after a child process made the change, on that "
        "interpreter. Start methods (fork, spawn, forkserver) are folded where they agree. "
        "Drawn from `reports/matrix.json` by `nox -s matrix`; the interactive version is "
        "`reports/index.html`; the traps, with their fixes, are in `reports/gotchas.md`.",
        "",
        "| symbol | outcome | meaning |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {escape(sym)} | {escape(name)} | {escape(meaning)} |" for name, sym, meaning in view.LEGEND]
    if kept:
        lines += ["", f"**Not all of this run.** {len(kept)} columns were not rerun by the run that drew "
                      f"this page; they are kept from shards recorded elsewhere or earlier: "
                      + escape("; ".join(origin.line() for origin in kept.values())) + "."]
    for platform in view.platforms(matrix):
        lines += ["", f"## {escape(platform.title)}", ""]
        if not platform.columns:
            lines.append("NOT RUN — no results from this platform.")
            continue
        lines += ["| column | interpreter | default start method | status |", "| --- | --- | --- | --- |"]
        for column in platform.columns:
            status = column["status"]
            if status == "stale":
                changed = len(column["stale_cases"]) + len(column["missing_cases"])
                status = f"stale: {changed} cases changed since it ran"
            if column["key"] in kept:
                status = f"{status}, kept (not rerun): {kept[column['key']].recorded}"
            status = "; ".join([status] + column.get("notes", []))
            lines.append(f"| {escape(column['label'])} | {escape(view.column_title(column))} | "
                         f"{escape(column['start_methods']['default'])} | {escape(status)} |")
        for column in platform.not_run:
            lines.append(f"| {escape(column['label'])} | {escape(column['description'])} | | NOT RUN |")
        for group in platform.groups:
            lines += ["", f"### {escape(group.pattern)} — {escape(group.title)}", ""]
            header = ["case"] + [escape(c["label"]) for c in platform.columns]
            lines.append("| " + " | ".join(header) + " |")
            lines.append("| " + " | ".join(["---"] * len(header)) + " |")
            for row in group.rows:
                case = row.case
                label = f"{inline(case['description'])}<br><sub>{escape(case['id'])}</sub>"
                cells = [escape(entry.text()) for entry in row.entries]
                lines.append("| " + " | ".join([label] + cells) + " |")
            changes = [(row.case, row.case["changed_in"]) for row in group.rows if row.case["differs"]]
            if changes:
                lines += ["", "Where these differ:", ""]
                lines += [f"- {escape(case['id'])}: {escape('; '.join(text))}" for case, text in changes]
    return "\n".join(lines) + "\n"
