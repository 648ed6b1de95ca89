"""``python -m mpconform``: ask a question quickly (check), build the reports, compare two
matrices, print a reproducer."""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import time
from pathlib import Path

from mpconform import catalogue
from mpconform.shard_writer import write_atomically
from mpconform.vocabulary import START_METHODS

ROOT = Path(__file__).resolve().parents[3]


def _report(arguments: argparse.Namespace) -> int:
    from mpconform.host import diff, merge, provenance, render_csv, render_html, render_markdown, shard_reader

    cases = catalogue.load()
    results, out = arguments.results, arguments.out
    if arguments.partial is not None:
        # A narrowed run's shards (reports/results/partial/) drawn into a folder of its own:
        # the published reports/ stay as they are.
        results = results / "partial" if results.name != "partial" else results
        out = arguments.partial
        if out.resolve() == (ROOT / "reports").resolve():
            raise shard_reader.ShardError(f"{out}: --partial draws into a folder of its own, not reports/")
        out.mkdir(parents=True, exist_ok=True)
    loaded = shard_reader.load_folder(results, partial=arguments.partial is not None)
    matrix = merge.build(loaded, cases)
    merge.validate(matrix)
    try:
        origins = provenance.origins(loaded, provenance.run_started(os.environ.get("MPCONFORM_RUN_STARTED")))
    except ValueError as error:
        raise shard_reader.ShardError(str(error)) from None
    kept = provenance.kept_in_report(origins)
    committed, committed_origin = diff.committed(ROOT / "reports" / "matrix.json")
    outputs = {
        "matrix.json": json.dumps(matrix, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
        "matrix.md": render_markdown.render(matrix, kept),
        "gotchas.md": render_markdown.render_gallery(matrix),
        "matrix.csv": render_csv.render(matrix),
        "index.html": render_html.render(matrix, cases, kept),
    }
    for name, text in outputs.items():
        write_atomically(str(out / name), text)
    if arguments.partial is None and out.resolve() == (ROOT / "reports").resolve():
        # What `mpconform lint` knows, drawn from the same catalogue and matrix.
        from mpconform.host.lint import knowledge

        facts = json.dumps(knowledge.build(matrix, cases), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        write_atomically(str(knowledge.facts_path()), facts)
    run = [c for c in matrix["columns"] if c["status"] != "not-run"]
    stale = [c["label"] for c in run if c["status"] == "stale"]
    print(f"mpconform: {len(matrix['cells'])} cells from {len(run)} shards → {', '.join(outputs)} in {out}")
    if stale:
        print(f"mpconform: stale (cases changed since they ran): {', '.join(stale)}; rerun their sessions")
    print("mpconform: where each column came from:")
    order = [column["key"] for column in matrix["columns"]]
    for origin in sorted(origins, key=lambda origin: order.index(origin.column)):
        print(f"  {origin.line()}")
    not_run = [c["label"] for c in matrix["columns"] if c["status"] == "not-run" and c["platform"] in
               {column["platform"] for column in run}]
    if not_run:
        print(f"  not run on this platform: {', '.join(not_run)} (`nox -s interpreters` installs what it can)")
    print(diff.behaviour_text(committed, committed_origin, matrix, narrowed=arguments.partial is not None))
    return 0


def _collect(arguments: argparse.Namespace) -> int:
    from mpconform.host import ci

    copied = ci.collect(arguments.downloaded, arguments.into)
    print(f"mpconform: {len(copied)} shards collected into {arguments.into}: "
          + ", ".join(path.name for path in copied))
    return 0


def _ci_summary(arguments: argparse.Namespace) -> int:
    from mpconform.host import ci, diff

    old, origin = ci.published_matrix(arguments.published, arguments.committed)
    text, changed = ci.summary(old, diff.load(arguments.new), origin)
    if arguments.summary:
        with open(arguments.summary, "a", encoding="utf-8") as summary:
            summary.write(text)
    print(text, end="")
    if changed:
        print("::warning title=Behaviour changed::cells changed their outcome; see the run's summary")
    return 0


def _diff(arguments: argparse.Namespace) -> int:
    from mpconform.host import diff

    changes = diff.compare(diff.load(arguments.old), diff.load(arguments.new))
    for change in changes:
        print(change.describe())
    print(diff.summary(changes))
    counted = [c for c in changes if arguments.exit_code == "any" or (c.old and c.new)]
    return 1 if counted and arguments.exit_code else 0


def _repro(arguments: argparse.Namespace) -> int:
    from mpconform.host import repro

    cases = {case.id: case for case in catalogue.load()}
    case = cases.get(arguments.case_id)
    if case is None:
        close = difflib.get_close_matches(arguments.case_id, cases, n=5, cutoff=0.8)
        hint = f"; did you mean: {', '.join(close)}" if close else "; `python -m mpconform list` shows them all"
        raise SystemExit(f"mpconform repro: no case {arguments.case_id!r}{hint}")
    sys.stdout.write(repro.script(case, arguments.start_method))
    return 0


def _check(arguments: argparse.Namespace) -> int:
    from mpconform.host import check

    matches = check.keyword_matcher(arguments.k)
    cases = catalogue.load()
    methods = arguments.start_method or list(START_METHODS)
    wanted = [(case.id, method) for case in cases for method in methods if matches(case.id, method)]
    if not wanted:
        raise check.CheckError(f"-k {arguments.k!r} selects no cell; `python -m mpconform list` shows the case ids")
    selected = check.select_interpreters(arguments.python)
    jobs = arguments.jobs if arguments.jobs is not None else check.default_jobs()
    if jobs < 1:
        raise check.CheckError(f"--jobs {jobs}: at least 1")
    print(f"mpconform check: {len(wanted)} cells on {len(selected)} interpreters "
          f"({', '.join(i.label for i in selected)}), {jobs} runners at a time", file=sys.stderr)
    started = time.monotonic()
    try:
        columns = check.run(selected, wanted, jobs, progress=check.progress_printer())
    except KeyboardInterrupt:
        print("\nmpconform check: interrupted; every worker and runner was stopped", file=sys.stderr)
        return 130
    elapsed = time.monotonic() - started
    for line in check.table(columns, cases):
        print(line)
    errors = [column.error for column in columns if column.error]
    off = check.differing(columns)
    cells = sum(len(column.cells) for column in columns)
    print(f"\n{cells} cells in {elapsed:.1f} s ({cells / elapsed if elapsed else 0:.0f} cells/s)")
    if arguments.json:
        for path in check.write_shards(columns, cases, arguments.json):
            print(f"shard: {path}")
    if off:
        print(f"{len(off)} cells differ from their expectation:")
        for line in off:
            print(f"  {line}")
    else:
        print("every cell that ran matches its expectation")
    for error in errors:
        print(f"mpconform check: {error}", file=sys.stderr)
    return 1 if off or errors else 0


def _lint(arguments: argparse.Namespace) -> int:
    from mpconform.host.lint import command

    try:
        return command.run(arguments.paths, arguments.python_version)
    except command.LintError as error:
        print(f"mpconform: {error}", file=sys.stderr)
        return 2


def _list(arguments: argparse.Namespace) -> int:
    for case in catalogue.load():
        print(f"{case.id}\t{case.description}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m mpconform", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    report = commands.add_parser("report", help="merge reports/results/*.json into the matrix and its renderings")
    report.add_argument("--results", type=Path, default=ROOT / "reports" / "results", help="folder of shards")
    report.add_argument("--out", type=Path, default=ROOT / "reports",
                        help="folder for matrix.json, .md, .csv, gotchas.md, index.html")
    report.add_argument("--partial", type=Path, metavar="DIR",
                        help="draw the narrowed runs in <results>/partial into DIR instead")
    report.set_defaults(run=_report)
    compare = commands.add_parser("diff", help="cells added, removed and changed between two matrix.json files")
    compare.add_argument("old", type=Path)
    compare.add_argument("new", type=Path)
    compare.add_argument(
        "--exit-code", nargs="?", const="any", choices=("any", "changed"),
        help="exit 1 when any cell was added, removed or changed ('any', the default), or only "
             "when a cell present in both changed its outcome ('changed')")
    compare.set_defaults(run=_diff)
    reproduce = commands.add_parser("repro", help="print a self-contained script that shows a case's behaviour")
    reproduce.add_argument("case_id")
    reproduce.add_argument("--start-method", choices=START_METHODS, default="spawn",
                           help="the script's default start method (it also takes one as its argument)")
    reproduce.set_defaults(run=_repro)
    checking = commands.add_parser(
        "check", help="run cases on every interpreter found, at once, and print the table (no nox needed)")
    checking.add_argument("-k", metavar="EXPRESSION",
                          help="select cells by case id and start method, as pytest's -k does: "
                               "'nested', 'reassign-back and spawn', 'queue and not joinable'")
    checking.add_argument("--jobs", type=int, metavar="N",
                          help="runner processes in all (default: twice the cores: cells wait on "
                               "process starts and the manager as much as they compute)")
    checking.add_argument("--python", nargs="+", metavar="SPEC",
                          help="interpreters: labels of the noxfile's sessions (3.8, 3.13t, pypy3) or "
                               "paths; default: every interpreter found")
    checking.add_argument("--start-method", nargs="+", choices=START_METHODS, metavar="METHOD",
                          help="fork, spawn, forkserver (default: all three)")
    checking.add_argument("--json", type=Path, metavar="DIR",
                          help="also write each interpreter's cells as a shard into DIR (narrowed runs "
                               "into DIR/partial)")
    checking.set_defaults(run=_check)
    linting = commands.add_parser(
        "lint", help="point at each line whose effect the matrix shows lost, racing, diverging or raising")
    linting.add_argument("paths", nargs="+", metavar="PATH", help="Python files or folders")
    linting.add_argument("--python-version", metavar="X.Y",
                         help="the version whose behaviour applies (default: the project's requires-python, "
                              "else the running Python)")
    linting.set_defaults(run=_lint)
    listing = commands.add_parser("list", help="every case id with its description")
    listing.set_defaults(run=_list)
    gather = commands.add_parser("collect", help="CI: gather downloaded shards into reports/results, "
                                                 "in place of the committed ones")
    gather.add_argument("downloaded", type=Path, help="folder of downloaded artifacts (one folder per job)")
    gather.add_argument("--into", type=Path, default=ROOT / "reports" / "results")
    gather.set_defaults(run=_collect)
    summarize = commands.add_parser("ci-summary", help="CI: compare reports/matrix.json with the published "
                                                       "matrix and write the run's summary")
    summarize.add_argument("published", help="URL or file of the published matrix.json")
    summarize.add_argument("--new", type=Path, default=ROOT / "reports" / "matrix.json")
    summarize.add_argument("--committed", type=Path, default=ROOT / "reports" / "matrix.json",
                           help="used when nothing is published yet")
    summarize.add_argument("--summary", help="file to append the summary to ($GITHUB_STEP_SUMMARY)")
    summarize.set_defaults(run=_ci_summary)
    return top


def main(argv: list[str] | None = None) -> int:
    from mpconform.catalogue import CaseError
    from mpconform.host.check import CheckError
    from mpconform.host.diff import DiffError
    from mpconform.host.shard_reader import ShardError

    for stream in (sys.stdout, sys.stderr):
        # A Windows console may be cp1252: print what it cannot encode as escapes, never crash.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    arguments = parser().parse_args(argv)
    try:
        return arguments.run(arguments)
    except (CaseError, ShardError, DiffError, CheckError) as error:
        print(f"mpconform: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `python -m mpconform list | head`: the reader has what it wanted
        sys.stderr.close()
        return 0
