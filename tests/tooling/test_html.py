"""The HTML report in a real browser (headless Chromium): legend, filters, cell details, escaping.

Needs Debian's chromium (``.ci/run`` installs it) and Playwright's Python package; without them
the tests skip, except under CI, where they fail.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

from mpconform import catalogue
from mpconform.host import merge, render_html, repro, shard_reader
from tests.tooling.shards_for_tests import make_shard, write_shards

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
QUEUE_LIKE = "nested-managed.dict.append"
HOSTILE = "<script>window.pwned = 1</script> `<img src=x onerror=\"window.pwned = 2\">`"


def _missing(what):
    # .ci/run installs Chromium and asks for these tests; elsewhere (a user's machine, the
    # workflow's macOS and Windows tooling jobs) they skip with the reason.
    if os.environ.get("MPCONFORM_REQUIRE_BROWSER"):
        pytest.fail(f"{what} is needed for the HTML tests")
    pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def browser():
    if sync_playwright is None:
        _missing("playwright (PyPI)")
    if CHROMIUM is None:
        _missing("chromium (Debian package)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    cases_dir = folder / "cases"
    shutil.copytree(catalogue.default_directory(), cases_dir)
    hostile = {"summary": HOSTILE, "references": ["gh-1"],
               "slot_value": 1, "expect": [{"outcome": "propagated"}],
               "operations": {"hostile": {"code": "{slot} = 2", "containers": ["list"]}}}
    (cases_dir / "zz_hostile.py").write_text("PATTERN = 'direct-assign'\nFAMILIES = %r\n" % ([hostile],))
    cases = catalogue.load(str(cases_dir))

    def spawn_differs(case, method):
        if case.id == QUEUE_LIKE and method == "spawn":
            return "raised:RemoteError"
        return case.expect[0]["outcome"]

    results = write_shards(folder / "results", make_shard("3.8.18", cases=cases, outcome=spawn_differs),
                           *(make_shard(version, cases=cases) for version in ("3.9.18", "3.10.13", "3.11.7",
                                                                              "3.12.1", "3.13.0")),
                           make_shard("3.12.1", cases=cases, platform="windows-amd64", methods=("spawn",),
                                      default_method="spawn"))
    matrix = merge.build(shard_reader.load_folder(results), cases)
    path = folder / "index.html"
    path.write_text(render_html.render(matrix, cases))
    return path


AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
LINUX = "table.matrix[data-platform='linux-x86_64']"


@pytest.fixture
def page(browser, page_file):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append("dialog: " + dialog.message))
    page.goto(page_file.as_uri())
    yield page
    assert errors == []
    page.close()


def visible_rows(page, table=LINUX):
    return page.locator(f"{table} tr[data-case]:visible")


def row(page, case_id, table=LINUX):
    """The case's row, scrolled into view: a pattern's table out of view is not rendered yet."""
    found = page.locator(f"{table} tr[data-case='{case_id}']")
    if found.count() and found.evaluate("r => !r.hidden && r.closest('.group-box').hidden === false"):
        found.scroll_into_view_if_needed()
        found.evaluate("r => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return found


def test_the_legend_shows_every_outcome(page):
    legend = page.locator("#legend")
    assert legend.is_visible()
    text = legend.inner_text()
    for word in ("propagated", "lost", "diverged", "raised", "hung", "crashed", "skipped", "not-run"):
        assert word in text


def test_the_run_date_revision_and_interpreters_are_shown(page):
    recorded = page.locator("#recorded")
    assert recorded.is_visible()
    text = recorded.inner_text()
    assert "synthetic (2026-01-01)" in text
    assert ("Linux x86_64: CPython 3.8.18, CPython 3.9.18, CPython 3.10.13, CPython 3.11.7, CPython 3.12.1, "
            "CPython 3.13.0; not run: CPython 3.6") in text
    assert "macOS arm64: not run" in text


def test_the_pattern_and_container_filters(page):
    page.select_option("#filter-pattern", "nested-unmanaged")
    patterns = set(visible_rows(page).evaluate_all("rows => rows.map(r => r.dataset.pattern)"))
    assert patterns == {"nested-unmanaged"}
    page.select_option("#filter-container", "dict")
    ids = visible_rows(page).evaluate_all("rows => rows.map(r => r.dataset.case)")
    assert ids and all(i.startswith("nested-unmanaged.dict.") for i in ids)
    both_platforms = page.locator("tr[data-case]:visible").count()
    assert page.locator("#shown-count").inner_text() == f"{both_platforms} rows shown"


def test_only_rows_that_differ(page):
    page.check("#filter-differs")
    assert visible_rows(page).evaluate_all("rows => rows.map(r => r.dataset.case)") == [QUEUE_LIKE]


def test_the_start_method_filter_shows_that_methods_outcome(page):
    cell = row(page, QUEUE_LIKE).locator("td.cell").first
    assert cell.inner_text().splitlines() == ["fork ✓", "spawn ⚠ RemoteError ‼", "forkserver ✓"]
    assert cell.locator("button").get_attribute("aria-label") is None  # read as shown: it has words
    page.select_option("#filter-method", "spawn")
    assert cell.inner_text() == "⚠ RemoteError ‼"
    assert "mismatch" in cell.get_attribute("class")
    page.select_option("#filter-method", "fork")
    assert cell.inner_text() == "✓"
    assert cell.locator("button").get_attribute("aria-label") == "propagated"
    page.select_option("#filter-method", "default")
    assert cell.inner_text() == "✓"


def header_methods(page, table):
    """What the headers of every table of a platform say, one entry per distinct header row."""
    texts = page.locator(table).evaluate_all(
        "tables => tables.map(t => Array.from(t.querySelectorAll('thead small.method'), s => s.textContent).join('|'))")
    assert len(set(texts)) == 1, texts  # every pattern's table says the same
    return texts[0].split("|")


def test_the_column_headers_follow_the_chosen_start_method(page):
    windows = "table.matrix[data-platform='windows-amd64']"
    assert header_methods(page, LINUX) == ["all"] * 6
    page.select_option("#filter-method", "spawn")
    assert header_methods(page, LINUX) == ["spawn"] * 6
    assert header_methods(page, windows) == ["spawn"]
    page.select_option("#filter-method", "fork")
    assert header_methods(page, LINUX) == ["fork"] * 6
    assert header_methods(page, windows) == ["n/a"]
    assert row(page, QUEUE_LIKE, windows).locator("td.cell").inner_text() == "–"
    page.select_option("#filter-method", "default")
    assert header_methods(page, LINUX) == ["fork"] * 6
    assert header_methods(page, windows) == ["spawn"]


def test_the_filters_live_in_the_address_and_come_back_from_it(page, page_file):
    page.select_option("#filter-pattern", "nested-managed")
    page.select_option("#filter-method", "spawn")
    page.check("#filter-differs")
    page.fill("#filter-text", "di[0].append")
    address = page.evaluate("location.hash")
    assert address == "#pattern=nested-managed&method=spawn&differs=1&q=di%5B0%5D.append"
    again = page.context.browser.new_page()
    again.goto(page_file.as_uri() + address)
    assert again.locator("#filter-pattern").input_value() == "nested-managed"
    assert again.locator("#filter-method").input_value() == "spawn"
    assert again.locator("#filter-text").input_value() == "di[0].append"
    assert visible_rows(again).evaluate_all("rows => rows.map(r => r.dataset.case)") == [QUEUE_LIKE]
    assert header_methods(again, LINUX) == ["spawn"] * 6
    again.close()


def test_a_permalink_to_a_case_shows_its_row(page, page_file):
    case_id = "nested-unmanaged.dict.append"
    page.select_option("#filter-pattern", "direct-assign")
    page.goto(page_file.as_uri() + "#case=" + case_id)
    target = row(page, case_id)
    assert target.is_visible() and "target" in target.get_attribute("class")
    assert target.evaluate("r => { const b = r.getBoundingClientRect(); "
                           "return b.top >= 0 && b.bottom <= innerHeight; }")
    assert row(page, case_id).locator("a.permalink").get_attribute("href") == "#case=" + case_id


def test_a_permalink_to_a_cell_opens_its_details(page, page_file):
    column = "cpython-3.8.18-linux-x86_64"
    page.goto(f"{page_file.as_uri()}#case={QUEUE_LIKE}&column={column}")
    assert page.locator("#details").is_visible()
    assert page.locator("#details-title").inner_text().startswith(f"{QUEUE_LIKE} on 3.8 (CPython 3.8.18")
    link = page.locator("#details-link").get_attribute("href")
    assert link == f"#case={QUEUE_LIKE}&column={column}"


def test_a_cells_details_open_with_the_fix_and_references(page):
    row(page, QUEUE_LIKE).locator("td.cell button").first.click()
    details = page.locator("#details")
    assert details.is_visible()
    text = details.inner_text()
    assert QUEUE_LIKE in text and "spawn: raised:RemoteError" in text and "parent after" in text
    case = next(c for c in catalogue.load() if c.id == QUEUE_LIKE)
    assert "references" in text and case.references[0] in text
    assert page.locator("#details-nox").inner_text() == f'nox -s conformance-3.8 -- -k "{QUEUE_LIKE}"'
    script = page.locator("#details-repro").inner_text()
    assert "def child(di):" in script and "def read(value):" in script and "@@values@@" not in script
    assert script.strip() == repro.script(case).strip()
    page.keyboard.press("Escape")
    assert not details.is_visible()


def test_the_details_show_the_cases_fix(page):
    case = next(c for c in catalogue.load() if c.id == "nested-unmanaged.namespace.append")
    row(page, case.id).locator("td.cell button").first.click()
    assert f"fix\n{case.fix}" in page.locator("#details-meta").inner_text()


def test_the_keyboard_opens_a_cell_moves_focus_into_its_details_and_back(page):
    first = row(page, QUEUE_LIKE).locator("td.cell button").first
    first.focus()
    page.keyboard.press("Space")
    assert page.locator("#details").is_visible()
    assert page.evaluate("document.activeElement.id") == "details-title"
    page.keyboard.press("Escape")
    assert not page.locator("#details").is_visible()
    assert first.evaluate("b => b === document.activeElement")
    page.keyboard.press("Enter")
    assert page.locator("#details").is_visible()
    page.locator("#details-close").click()
    assert first.evaluate("b => b === document.activeElement")


def test_the_row_names_are_row_headers(page):
    header = row(page, QUEUE_LIKE).locator("th[scope=row]")
    assert QUEUE_LIKE in header.inner_text()


def test_headers_and_the_case_column_stay_in_view_while_the_table_scrolls(page):
    scroller = page.locator(".scroller").first
    scroller.scroll_into_view_if_needed()
    page.set_viewport_size({"width": 680, "height": 700})  # narrower than the table: it scrolls both ways
    geometry = scroller.evaluate("""s => {
        s.scrollTop = 600; s.scrollLeft = 300;
        const box = s.getBoundingClientRect();
        const table = Array.from(s.querySelectorAll('table')).find(t => {
            const r = t.getBoundingClientRect(); return r.top < box.top && r.bottom > box.top + 200; });
        const head = table.querySelector('thead th[data-column]').getBoundingClientRect();
        const inside = Array.from(table.querySelectorAll('tbody tr[data-case]'))
            .find(r => r.getBoundingClientRect().top > box.top + 60);
        const caseCell = inside.querySelector('th[scope=row]').getBoundingClientRect();
        return {top: box.top, left: box.left, headTop: head.top, caseLeft: caseCell.left,
                scrolledLeft: s.scrollLeft};
    }""")
    assert geometry["scrolledLeft"] > 0
    assert abs(geometry["headTop"] - geometry["top"]) <= 2
    assert abs(geometry["caseLeft"] - geometry["left"]) <= 2


@pytest.mark.parametrize("width", [1400])
def test_every_column_fits_at_desktop_width(page, width):
    assert page.locator(".scroller").first.evaluate("s => s.scrollWidth <= s.clientWidth")


def test_a_phone_gets_one_card_per_case_with_version_ranges(browser, page_file):
    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.goto(page_file.as_uri())
    assert phone.evaluate("document.documentElement.scrollWidth <= innerWidth")
    card = row(phone, QUEUE_LIKE)
    assert not card.locator("td.cell").first.is_visible()
    ranges = card.locator("td.ranges li").all_inner_texts()
    assert ranges == ["3.8: fork ✓\nspawn ⚠ RemoteError ‼\nforkserver ✓", "3.9 – 3.13: ✓"]
    assert row(phone, "direct-assign.list.assign").locator("td.ranges li").all_inner_texts() == [
        "every interpreter: ✓"]
    phone.select_option("#filter-method", "spawn")
    card = row(phone, QUEUE_LIKE)
    assert card.locator("td.ranges li").all_inner_texts() == ["3.8: ⚠ RemoteError ‼", "3.9 – 3.13: ✓"]
    card.locator("td.ranges button").first.click()
    assert phone.locator("#details").is_visible()
    assert phone.locator("#details").evaluate("d => d.getBoundingClientRect().width <= innerWidth")
    phone.close()


@pytest.mark.parametrize("typed, found", [
    ("ns.x.append(1)", "nested-unmanaged.namespace.append"),
    ("ns.x.append(", "nested-unmanaged.namespace.append"),
    ("NS.X.APPEND ( 99 )", "nested-unmanaged.namespace.append"),
    ("di['other'].append(1)", "nested-unmanaged.dict.append"),
    ("di['k'].append(f(1, [2]))", "nested-unmanaged.dict.append"),  # page_data.search_key's rules, in JS
    ("manager.Queue proxy", "nested-managed.dict.queue-put"),
])
def test_the_search_matches_code_loosely(page, typed, found):
    page.fill("#filter-text", typed)
    assert found in visible_rows(page).evaluate_all("rows => rows.map(r => r.dataset.case)")
    assert page.locator("#no-match").is_hidden()


def test_a_search_that_finds_nothing_suggests_the_closest_cases(page):
    page.fill("#filter-text", "d.get(k).append(1)")
    assert visible_rows(page).count() == 0
    hint = page.locator("#no-match")
    assert hint.is_visible()
    assert hint.inner_text().startswith("No case matches “d.get(k).append(1)”")
    suggestions = hint.locator("a").all_inner_texts()
    assert suggestions[0] == "nested-unmanaged.dict.get-then-append"
    assert len(suggestions) == len(set(suggestions))
    hint.locator("a").first.click()
    assert row(page, suggestions[0]).is_visible()
    page.fill("#filter-text", "zzzz")
    assert "Try a method or attribute name" in hint.inner_text()


def test_a_hostile_description_stays_text(page):
    assert page.evaluate("window.pwned === undefined")
    hostile = row(page, "direct-assign.list.hostile")
    assert "<script>window.pwned = 1</script>" in hostile.inner_text()
    assert hostile.locator("img").count() == 0
    hostile.locator("td.cell button").first.click()
    assert "<script>" in page.locator("#details-description").inner_text()
    assert page.evaluate("window.pwned === undefined")


def _axe(page):
    if not AXE.exists():
        _missing("axe-core (npm ci --prefix tests/tooling/browser)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_no_serious_accessibility_violation_on_desktop(page):
    assert _axe(page) == []
    row(page, QUEUE_LIKE).locator("td.cell button").first.click()
    assert _axe(page) == []


def test_no_serious_accessibility_violation_on_a_phone(browser, page_file):
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(page_file.as_uri())
    assert _axe(phone) == []
    phone.close()


def test_the_page_embeds_its_details_once_and_parses_them_only_when_a_cell_opens(page, page_file):
    html = page_file.read_text(encoding="utf-8")
    assert html.count('id="details-data"') == 1
    details = json.loads(html.split('id="details-data">', 1)[1].split("</script>", 1)[0])
    assert len(details["values"]) < len(details["cases"]) * 2  # identical values stored once
    page.evaluate("""() => { window.parsed = 0; const parse = JSON.parse;
                     JSON.parse = (text) => { window.parsed += 1; return parse(text); }; }""")
    page.select_option("#filter-method", "spawn")
    page.fill("#filter-text", "append")
    assert page.evaluate("window.parsed") == 0
    row(page, QUEUE_LIKE).locator("td.cell button").first.click()
    assert page.evaluate("window.parsed") == 1
