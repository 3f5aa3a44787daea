"""The built site in headless Debian Chromium, served over HTTP on 127.0.0.1.

Also takes the README's screenshots from the real build: into a temporary folder in the test run
(a test never writes into the checkout), into docs/screenshots/ with `make screenshots`, which sets
WENZHENG_SCREENSHOTS.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from wenzheng_bridge.site.slugs import derived_slug

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
#: The sample column article's first case: posted, replied, published (已见报).
CASE = "cases/tipdm-360100/"
SCORECARD = f"boards/{derived_slug('A市')}/"
PAGES = ["", CASE, "cases/tipdm-2549/", SCORECARD, f"{SCORECARD}page/1/", "departments/", "boards/",
         "stats/", "archive/", "archive/2019/01/", "status/", "about/", "column/meili-zhicheng-youyan/",
         "archives.html"]


def open_page(browser, url: str, width: int = 1200, height: int = 900):
    """A new page at ``url`` that records console errors, page errors and failed requests."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: page.problems.append(f"failed: {r.url}"))
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"{r.status}: {r.url}"))
    page.goto(url, wait_until="load")
    return page


@pytest.mark.parametrize("url, expected", [
    # Posted 2019-04-25, limit passed 2019-05-07, answered 2019-05-10.
    ("cases/tipdm-2549/", ["网友留言", "超过答复期限", "部门答复"]),
    # From fj3 (no reply columns): no deadline it cannot know; covered by the column article (2019-10-08).
    (CASE, ["网友留言", "已见报"]),
])
def test_case_timeline_shows_its_events_in_order(browser, base, url, expected):
    page = open_page(browser, base + url)
    events = page.eval_on_selector_all(
        ".timeline li", "items => items.map(li => [li.querySelector('time').getAttribute('datetime'),"
        " li.querySelector('.event-label').textContent.trim(), li.getBoundingClientRect().top])")
    page.close()
    stamps, labels, tops = zip(*[(e[0], e[1], e[2]) for e in events])
    assert list(labels) == expected
    assert list(stamps) == sorted(stamps)
    assert list(tops) == sorted(tops)  # shown top to bottom in that order


@pytest.mark.parametrize("url", PAGES)
def test_no_sideways_scroll_on_a_phone(browser, base, url):
    page = open_page(browser, base + url, width=375, height=740)
    widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]")
    page.close()
    assert max(widths[:2]) <= widths[2], (url, widths)


@pytest.mark.parametrize("url", ["", CASE, SCORECARD, "stats/"])
def test_no_console_errors(browser, base, url):
    page = open_page(browser, base + url)
    page.wait_for_load_state("networkidle")
    problems = page.problems
    page.close()
    assert problems == []


def test_keyboard_skip_link_and_focus(browser, base):
    page = open_page(browser, base + CASE)
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.textContent]")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    page.keyboard.press("Enter")
    target = page.evaluate("document.activeElement.id")
    visible = page.evaluate("document.querySelector('.skip-link').getBoundingClientRect().left")
    page.close()
    assert focused == ["skip-link", "跳到正文"]
    assert outline != "none"
    assert target == "main"
    assert visible < 0  # hidden again once focus moved on


def test_status_badges_carry_text(browser, base):
    page = open_page(browser, base + SCORECARD)
    badges = page.eval_on_selector_all(".badge", "els => els.map(e => [e.textContent.trim(), e.className])")
    page.close()
    assert badges and all(text for text, _ in badges)


def test_screenshots_for_the_readme(browser, base, tmp_path):
    shots = Path(os.environ.get("WENZHENG_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    for url, name, width, height in [(CASE, "case-page.png", 1100, 1500), ("stats/", "statistics.png", 1100, 1500),
                                     (CASE, "case-page-phone.png", 375, 1100)]:
        page = open_page(browser, base + url, width=width, height=height)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(shots / name))
        page.close()
        assert (shots / name).stat().st_size > 20_000


@pytest.mark.parametrize("url, body", [(CASE, ".timeline"), ("column/meili-zhicheng-youyan/", ".article-body")])
def test_print_keeps_the_text_and_drops_the_navigation(browser, base, url, body):
    page = open_page(browser, base + url)
    page.emulate_media(media="print")
    shown = page.evaluate(
        "sel => [getComputedStyle(document.querySelector('.site-header')).display,"
        " getComputedStyle(document.querySelector('.site-footer')).display,"
        " document.querySelector(sel).getBoundingClientRect().height]", body)
    pdf = page.pdf(format="A4")
    page.close()
    assert shown[:2] == ["none", "none"]
    assert shown[2] > 50
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
