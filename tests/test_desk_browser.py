"""The desk in headless Chromium: a real desk server on 127.0.0.1 over the sample store, records in tmp_path.

A reporter claims, logs two follow-ups and drafts; an editor clears a held case and takes one down;
two sessions editing one case: the second is told; a POST without the CSRF token is refused; the
pages fit a 375 px phone. Also takes the README's screenshot into a temporary folder (into
docs/screenshots/ only with `make screenshots`, which sets WENZHENG_SCREENSHOTS).
"""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest

from browser import axe
from wenzheng_bridge.desk import accounts as acc
from wenzheng_bridge.desk.app import create_app
from wenzheng_bridge.newsroom import records as nr
from wenzheng_bridge.settings import load
from wenzheng_bridge.store import Store

pytestmark = [pytest.mark.browser]

PASSWORD = "desk-pass-123"
REPORTER, EDITOR = "张三", "李编辑"
#: The newsroom's now in these tests (records may not be dated after it).
NOW = "2020-02-01T09:00:00+08:00"


@pytest.fixture(scope="module")
def folder(sample_store, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("desk")
    (folder / "content").mkdir()
    (folder / "pelicanconf.py").write_text(
        "TIMEZONE = 'Asia/Shanghai'\nPATH = 'content'\nARTICLE_PATHS = ['articles', 'drafts']\n"
        f"WENZHENG_STORE = {str(sample_store)!r}\nWENZHENG_NOW = {NOW!r}\n", encoding="utf-8")
    users = folder / "desk-users.json"
    acc.add(users, REPORTER, PASSWORD, "reporter")
    acc.add(users, EDITOR, PASSWORD, "editor")
    return folder


@pytest.fixture(scope="module")
def settings(folder):
    return load(str(folder / "pelicanconf.py"))


@pytest.fixture(scope="module")
def base(settings, folder):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, create_app(settings, folder / "desk-users.json"), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def signed_in(browser, base: str, name: str, width: int = 1200):
    """A fresh browser session (own cookies) signed in as ``name``."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/")
    assert "/login" in page.url  # nobody gets in unsigned
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def flashes(page) -> str:
    # After a form's POST the page is the redirect's target only once it has loaded: wait for it
    # (a loaded machine was slower than the read, and the old page had no flash yet).
    page.wait_for_load_state()
    page.locator("p.flash").first.wait_for()
    return " ".join(page.locator("p.flash").all_inner_texts())


def lines(settings, key: str) -> list[str]:
    path = nr.record_path(settings, key)
    return [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]


def test_reporter_claims_logs_two_followups_and_drafts(browser, base, settings):
    page = signed_in(browser, base, REPORTER)
    assert page.locator("h2", has_text="正在升温").count() == 1
    page.goto(f"{base}/case/tipdm-360102")
    assert "原始留言（内部" in page.inner_text("#original") and page.locator("section.public").count() == 1
    assert page.locator("#form-takedown").count() == 0  # reporters do not take down
    page.click("#form-claim button")
    assert "已记录：记者认领" in flashes(page)
    page.select_option("#fu-kind", "visited")
    page.fill("#fu-due", "2020-02-05")
    page.fill("#fu-note", "油烟仍在直排，商户电话 13812345678")
    page.click("#form-followup button")
    page.select_option("#fu-kind", "revisited")
    page.fill("#fu-date", "2020-01-30")
    page.fill("#fu-note", "电话回访")
    page.select_option("#fu-satisfaction", "基本满意")
    page.fill("#fu-quote", "油烟小多了")
    page.click("#form-followup button")
    assert lines(settings, "tipdm-360102") == [
        f"2020-02-01 09:00 | claimed | {REPORTER}",
        f"2020-02-01 09:00 | visited | {REPORTER} | 油烟仍在直排，商户电话 13812345678 |  | 2020-02-05",
        f"2020-01-30 | revisited | {REPORTER} | 电话回访 |  |  | 基本满意 | 油烟小多了"]
    # The public column: the 回访's rating and cleared quote, never the internal notes or the phone.
    public = page.inner_text("section.public")
    assert "居民评价：基本满意；“油烟小多了”" in public
    assert "13812345678" not in public and "电话回访" not in public and REPORTER not in public
    history = page.inner_text("#history + .wrap")
    assert "13812345678" in history and REPORTER in history  # the desk is internal
    # The reporter's own list: the case with the next step's due date (not yet past).
    page.goto(f"{base}/reporters")
    mine = page.locator("section", has_text=f"{REPORTER}（我）").inner_text()
    assert "tipdm-360102" in mine and "下一步期限 2020-02-05" in mine and "逾期 0 件" in mine
    page.goto(f"{base}/case/tipdm-360102")
    page.click("#form-draft button")
    page.wait_for_url("**/drafts/*.md*")
    draft = page.inner_text("pre")
    assert "Status: draft" in draft and "tipdm-360102" in draft
    assert [path.name for path in (nr.records_dir(settings).parent / "drafts").glob("*.md")] == [
        "wenzheng-tipdm-360102.md"]
    # A reporter's POST of an editor's action is refused and writes nothing.
    token = page.evaluate("document.querySelector('[name=csrf_token]').value")
    refused = page.request.post(f"{base}/case/tipdm-360102/takedown",
                                form={"csrf_token": token, "version": "x", "reason": "试试"})
    assert refused.status == 403 and "只有编辑" in refused.text()
    assert len(lines(settings, "tipdm-360102")) == 3
    page.context.close()


def test_screenshots_of_the_desk(browser, base, tmp_path):
    page = signed_in(browser, base, EDITOR, width=1100)
    page.goto(f"{base}/case/tipdm-360100")
    shots = Path(os.environ.get("WENZHENG_SCREENSHOTS") or tmp_path)
    page.screenshot(path=str(shots / "desk.png"))
    assert (shots / "desk.png").stat().st_size > 10_000
    page.context.close()


def test_editor_clears_a_held_case_and_takes_one_down(browser, base, settings):
    page = signed_in(browser, base, EDITOR)
    page.goto(f"{base}/case/tipdm-13184")
    assert "举报类留言，未经编辑审核不公开" in page.inner_text("main")
    page.fill("#clear-note", "已核实，可以公开")
    page.click("#form-clear button")
    assert "审核通过：下次构建时该案件可以公开" in flashes(page)
    assert "不公开" not in page.inner_text("#standing")  # the page now shows it public
    assert lines(settings, "tipdm-13184") == [f"2020-02-01 09:00 | cleared | {EDITOR} | 已核实，可以公开"]
    page.goto(f"{base}/case/tipdm-165105")
    page.fill("#takedown-reason", "当事人要求撤下")
    page.click("#form-takedown button")
    assert "将从公开网站" in flashes(page)
    assert "已撤下：当事人要求撤下" in page.inner_text("main")
    assert page.locator("#form-restore").count() == 1
    assert lines(settings, "tipdm-165105") == [f"2020-02-01 09:00 | takedown | {EDITOR} | 当事人要求撤下"]
    page.context.close()


def test_two_sessions_on_one_case_the_second_is_told(browser, base, settings):
    first = signed_in(browser, base, REPORTER)
    second = signed_in(browser, base, EDITOR)
    for page in (first, second):
        page.goto(f"{base}/case/tipdm-360103")
    first.select_option("#fu-kind", "interviewed")
    first.fill("#fu-note", "采访了环保局")
    first.click("#form-followup button")
    second.select_option("#fu-kind", "acted")
    second.fill("#fu-note", "部门已回电")
    second.click("#form-followup button")
    assert "已被他人修改" in second.inner_text("p.error")
    assert "采访了环保局" in second.inner_text("#history + .wrap")  # the page shows what the other wrote
    assert lines(settings, "tipdm-360103") == [f"2020-02-01 09:00 | interviewed | {REPORTER} | 采访了环保局"]
    assert second.input_value("#fu-note") == "部门已回电"  # what they typed is kept
    second.click("#form-followup button")  # now at the new version: accepted
    assert lines(settings, "tipdm-360103")[-1] == f"2020-02-01 09:00 | acted | {EDITOR} | 部门已回电"
    first.context.close()
    second.context.close()


def test_post_without_csrf_token_is_refused(browser, base, settings):
    page = signed_in(browser, base, EDITOR)
    page.goto(f"{base}/case/tipdm-360104")
    version = page.get_attribute("#form-takedown [name=version]", "value")
    answer = page.request.post(f"{base}/case/tipdm-360104/takedown", form={"version": version, "reason": "伪造"})
    assert answer.status == 400 and "安全令牌" in answer.text()
    assert not nr.record_path(settings, "tipdm-360104").exists()
    page.context.close()


def test_desk_fits_a_phone(browser, base):
    page = signed_in(browser, base, REPORTER, width=375)
    for path in ("/", "/case/tipdm-360102", "/reporters", "/since", "/check"):
        page.goto(base + path)
        widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]")
        assert max(widths[:2]) <= widths[2], (path, widths)
    page.context.close()


def test_only_an_editor_publishes_and_only_a_draft_that_passes_the_check(browser, base, settings):
    editor = signed_in(browser, base, EDITOR)
    editor.goto(f"{base}/case/tipdm-360105")
    editor.click("#form-draft button")
    editor.wait_for_url("**/drafts/*.md*")
    path = nr.records_dir(settings).parent / "drafts" / "wenzheng-tipdm-360105.md"
    written = path.read_text(encoding="utf-8")
    # The fresh draft still holds the byline and notes placeholders: refused, the file unchanged.
    editor.click("text=检查并发布（仅编辑）")
    refused = editor.inner_text("[role=alert]")
    assert "不能发布" in refused and "占位文字" in refused
    assert path.read_text(encoding="utf-8") == written
    # A reporter cannot publish, even a clean draft.
    cleaned = written.replace("（记者署名）", "本报记者 张三")
    cleaned = re.sub(r"（记者在此补充[^）]*）", "记者回访了留言的居民。", cleaned)
    assert cleaned != written
    path.write_text(cleaned, encoding="utf-8")
    reporter = signed_in(browser, base, REPORTER)
    reporter.goto(f"{base}/drafts/{path.name}")
    assert reporter.locator("text=检查并发布（仅编辑）").count() == 0
    token = reporter.evaluate("document.querySelector('[name=csrf_token]').value")
    answer = reporter.request.post(f"{base}/drafts/{path.name}/publish", form={"csrf_token": token})
    assert answer.status == 403 and "只有编辑" in answer.text()
    assert "Status: draft" in path.read_text(encoding="utf-8")
    # The editor publishes it: the Status line says so, with who and when.
    editor.goto(f"{base}/drafts/{path.name}")
    editor.click("text=检查并发布（仅编辑）")
    assert "已发布" in flashes(editor)
    published = path.read_text(encoding="utf-8")
    assert "Status: published\nPublishedby: 李编辑 2020-02-01\n" in published and "Status: draft" not in published
    assert editor.locator("text=检查并发布（仅编辑）").count() == 0
    editor.context.close()
    reporter.context.close()


@pytest.mark.parametrize("width", [1366, 375])
def test_axe_finds_no_violations_on_the_desk(browser, base, width):
    found = {}
    login = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    login.goto(f"{base}/login")
    found["/login"] = axe.violations(login)
    login.context.close()
    page = signed_in(browser, base, EDITOR, width=width)
    for path in ("/", "/case/tipdm-360102", "/reporters", "/since", "/check"):
        page.goto(base + path)
        found[path] = axe.violations(page)
    page.context.close()
    assert not {path: problems for path, problems in found.items() if problems}, found


def test_since_last_visit_and_budget_filters(browser, base, sample_store):
    page = signed_in(browser, base, EDITOR)
    with Store.open(sample_store, readonly=True) as store:
        count = store.count()
    page.goto(f"{base}/since")
    rows = page.locator("main tbody tr")
    assert rows.count() == min(count, 500) and "新留言" in rows.first.inner_text()  # the first pull: every post is new
    page.click("main form button")
    assert "：0 条" in page.inner_text("main") and page.locator("main tbody tr").count() == 0
    page.goto(f"{base}/?type=举报")
    keys = page.locator("main tbody tr td:first-child a").all_inner_texts()
    with Store.open(sample_store, readonly=True) as store:
        assert keys and {store.petition(key).type for key in keys} == {"举报"}
    answer = page.goto(f"{base}/?status=没有这个状态")
    assert answer.status == 400 and "逾期未复" in page.inner_text("p.error")  # names the valid values
    page.context.close()


def test_a_hand_edit_is_seen_and_an_overdue_step_listed_first(browser, base, settings):
    page = signed_in(browser, base, EDITOR)
    path = nr.record_path(settings, "tipdm-360107")
    path.write_text("2020-01-20 | claimed | 王五\n2020-01-21 | visited | 王五 | 走访 |  | 2020-01-25\n", encoding="utf-8")
    page.goto(f"{base}/reporters")
    his = page.locator("section", has_text="王五：").inner_text()
    assert "逾期 1 件" in his and "下一步期限 2020-01-25（已逾期）" in his
    page.goto(f"{base}/case/tipdm-360107")
    assert "王五（2020-01-20 起）" in page.inner_text("#standing")
    page.context.close()
