"""The HTML report in a real browser (headless Chromium): legend, filters, cell details, escaping.

Needs Debian's chromium (``.ci/run`` installs it) and Playwright's Python package; without them
the tests skip, except under CI, where they fail.
"""

import os
import shutil

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
                           make_shard("3.12.1", cases=cases))
    matrix = merge.build(shard_reader.load_folder(results), cases)
    path = folder / "index.html"
    path.write_text(render_html.render(matrix, cases))
    return path


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


def visible_rows(page):
    return page.locator("tr[data-case]:visible")


def test_the_legend_shows_every_outcome(page):
    legend = page.locator("#legend")
    assert legend.is_visible()
    text = legend.inner_text()
    for word in ("propagated", "lost", "diverged", "raised", "hung", "crashed", "skipped", "not-run"):
        assert word in text


def test_the_pattern_and_container_filters(page):
    page.select_option("#filter-pattern", "nested-unmanaged")
    patterns = set(visible_rows(page).evaluate_all("rows => rows.map(r => r.dataset.pattern)"))
    assert patterns == {"nested-unmanaged"}
    page.select_option("#filter-container", "dict")
    ids = visible_rows(page).evaluate_all("rows => rows.map(r => r.dataset.case)")
    assert ids and all(i.startswith("nested-unmanaged.dict.") for i in ids)
    assert page.locator("#shown-count").inner_text() == f"{len(ids)} rows shown"


def test_only_rows_that_differ(page):
    page.check("#filter-differs")
    assert visible_rows(page).evaluate_all("rows => rows.map(r => r.dataset.case)") == [QUEUE_LIKE]


def test_the_start_method_filter_shows_that_methods_outcome(page):
    cell = page.locator(f"tr[data-case='{QUEUE_LIKE}'] td.cell").first
    assert "spawn ⚠ RemoteError" in cell.inner_text()
    page.select_option("#filter-method", "spawn")
    assert cell.inner_text() == "⚠ RemoteError ‼"
    page.select_option("#filter-method", "fork")
    assert cell.inner_text() == "✓"
    page.select_option("#filter-method", "default")
    assert cell.inner_text() == "✓"


def test_a_cells_details_open(page):
    page.locator(f"tr[data-case='{QUEUE_LIKE}'] td.cell").first.click()
    details = page.locator("#details")
    assert details.is_visible()
    text = details.inner_text()
    assert QUEUE_LIKE in text and "spawn: raised:RemoteError" in text and "parent after" in text
    assert page.locator("#details-nox").inner_text() == f'nox -s conformance-3.8 -- -k "{QUEUE_LIKE}"'
    script = page.locator("#details-repro").inner_text()
    assert "def child(di):" in script and "def read(value):" in script and "@@values@@" not in script
    assert script.strip() == repro.script(next(c for c in catalogue.load() if c.id == QUEUE_LIKE)).strip()
    page.keyboard.press("Escape")
    assert not details.is_visible()


def test_a_hostile_description_stays_text(page):
    assert page.evaluate("window.pwned === undefined")
    row = page.locator("tr[data-case='direct-assign.list.hostile']")
    assert "<script>window.pwned = 1</script>" in row.inner_text()
    assert row.locator("img").count() == 0
    row.locator("td.cell").first.click()
    assert "<script>" in page.locator("#details-description").inner_text()
    assert page.evaluate("window.pwned === undefined")
