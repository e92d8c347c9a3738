"""The site in a real browser: headless Chromium through Playwright opens the site of the
bundled registry from file:// and uses it as a reader would.

Skipped, with the reason, only where no browser can be launched (Playwright or
/usr/bin/chromium missing). .ci/run installs both.
"""

from __future__ import annotations

import os

import pytest

from projreg import load_registry
from projreg.query.filters import Filters, select
from projreg.render.site import build, write

from .conftest import TODAY

CHROMIUM = os.environ.get("PROJREG_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("no browser: the playwright package is not installed (pip install playwright)")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no browser: {CHROMIUM} is missing (apt-get install chromium)")
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    except Exception as error:  # any failure to start is a reason to skip, stated
        manager.stop()
        pytest.skip(f"no browser: chromium did not start ({str(error).splitlines()[0]})")
    yield browser
    browser.close()
    manager.stop()


@pytest.fixture(scope="session")
def site(tmp_path_factory, registry):
    folder = tmp_path_factory.mktemp("site")
    write(folder, build(registry, TODAY))
    return folder


DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def tab(browser):
    """One page for the module's tests, which each open the site afresh (a new page is a new
    renderer: a quarter of a second each). It records console errors and uncaught exceptions."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    yield page
    context.close()


@pytest.fixture
def page(tab):
    """The page at the desktop size, on a blank document; a test ends with no errors."""
    tab.goto("about:blank")
    tab.set_viewport_size(DESKTOP)
    tab.errors.clear()
    yield tab
    errors, tab.errors[:] = list(tab.errors), []
    assert errors == []


def rows(page) -> list[str]:
    return page.locator("#rows tr td:first-child").all_inner_texts()


def expected(**filters) -> list[str]:
    selection = select(load_registry(), Filters(today=TODAY, **filters))
    return sorted(p.id for p in selection.projects)


def test_search_and_each_filter_change_the_rows_as_the_cli_does(page, site):
    page.goto((site / "index.html").as_uri())
    everything = expected()
    assert rows(page) == everything
    assert page.locator("#count").inner_text() == "Showing 1–8 of 8 projects"

    page.fill("#q", "georgia")
    assert rows(page) == ["EAP-IBM-CABUIPRO", "ENIGMMA-2"]  # the two titles/coverage naming it
    page.fill("#q", "")
    assert rows(page) == everything

    page.select_option("#country", "GE")  # direct or via a region, as `list --country`
    assert rows(page) == expected(countries=("Georgia",)) and len(rows(page)) == 4
    page.select_option("#country", "")

    page.select_option("#donor", "European Commission")
    assert rows(page) == expected(donors=("European Commission",)) and len(rows(page)) == 3
    page.select_option("#donor", "")

    page.select_option("#status", "completed")
    assert rows(page) == expected(statuses=("completed",))
    page.select_option("#country", "AZ")
    assert rows(page) == expected(statuses=("completed",), countries=("AZ",))
    assert page.locator("#count").inner_text().startswith(f"{len(rows(page))} of 8 projects match")

    page.click("#reset")
    page.wait_for_function("document.querySelectorAll('#rows tr').length === 8")
    assert rows(page) == everything


def test_sorting_by_a_column_and_back(page, site):
    page.goto((site / "index.html").as_uri())
    start = page.locator('th[data-key="4"]')
    start.locator("button").click()
    assert start.get_attribute("aria-sort") == "ascending"
    by_start = rows(page)
    assert by_start[0] == "PRAGUE-PROCESS" and by_start[-1] == "PP-DATA"  # unknown last
    start.locator("button").click()
    assert start.get_attribute("aria-sort") == "descending"
    assert rows(page)[0] == "RESTART" and rows(page)[-1] == "PP-DATA"
    assert page.locator('th[data-key="0"]').get_attribute("aria-sort") is None


# What a project page shows, in one call: each h1's and .ident's text (a list, so that two h1
# fail as a strict locator would), and the href of each link in main.
SHOWN = """() => ({
    h1: Array.from(document.querySelectorAll("h1"), e => e.innerText),
    ident: Array.from(document.querySelectorAll(".ident"), e => e.innerText),
    hrefs: Array.from(document.querySelectorAll("main a"), a => a.getAttribute("href")),
})"""


def test_every_project_page_opens_from_the_index(page, site, registry):
    index = (site / "index.html").as_uri()
    page.goto(index)
    ids = page.locator("#rows a").all_inner_texts()
    assert sorted(ids) == sorted(p.id for p in registry.projects)
    # Each link's address as the browser resolves it; the first is also followed by a click
    # (the others are opened at their address: going back to the index is half the time).
    links = page.evaluate(
        "() => Object.fromEntries(Array.from(document.querySelectorAll('#rows a'),"
        " a => [a.innerText, a.href]))"
    )
    page.get_by_role("link", name=ids[0], exact=True).click()
    page.wait_for_load_state()
    assert page.url == links[ids[0]]
    for n, project_id in enumerate(ids):
        if n:
            page.goto(links[project_id])
        project = registry.get(project_id)
        shown = page.evaluate(SHOWN)  # a static page: all there once loaded
        assert shown["h1"] == [project.title]
        assert shown["ident"] == [project.id]
        # The links on a project page lead to pages that exist.
        for target in shown["hrefs"]:
            if not target.startswith(("http:", "https:", "mailto:")):
                assert (site / "projects" / target.split("#")[0]).resolve().is_file(), target


def test_keyboard_reaches_the_controls_and_sorts(page, site):
    page.goto((site / "index.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.focus('th[data-key="1"] button')
    page.keyboard.press("Enter")
    assert page.locator('th[data-key="1"]').get_attribute("aria-sort") == "ascending"
    assert rows(page)[0] == "BOMCA-9"  # "Border Management Programme…" comes first by title


def test_screenshots_at_desktop_and_phone_sizes(page, site, tmp_path):
    page.goto((site / "index.html").as_uri())
    page.screenshot(path=tmp_path / "desktop.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=tmp_path / "phone.png")
    # On a phone nothing is wider than the screen: the table has become cards.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for name in ("desktop.png", "phone.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")
