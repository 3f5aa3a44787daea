"""Story budget on the real sample: sections, reasons, filters, gated cases, CSV."""
from __future__ import annotations

import csv
import io
import math
from datetime import date, datetime, timedelta

import pytest

from wenzheng_bridge.caseview.view import cases
from wenzheng_bridge.newsroom import records as nr
from wenzheng_bridge.newsroom.budget import (REPEAT_MIN, SECTIONS, FilterError, Filters, case_link, csv_text,
                                             make_budget, print_budget, store_growth, write_csv)
from wenzheng_bridge.records import SHANGHAI
from wenzheng_bridge.store import Store

NOW = datetime(2020, 2, 1, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def world(sample_store, tmp_path_factory):
    """A copy of the real sample's store pulled a second time: more likes on three cases, and three
    posts seen in an export that carries reply columns, empty for them (so known unanswered, overdue);
    and a few newsroom records: claims (one step overdue), resolutions, an unresolved case, a takedown."""
    import shutil
    from dataclasses import replace

    from wenzheng_bridge.settings import wenzheng_settings

    base = tmp_path_factory.mktemp("budget")
    store_path = base / "store.sqlite3"
    shutil.copy(sample_store, store_path)
    with Store.open(store_path) as store:
        with store.batch():
            for key, extra in GROWN.items():
                petition = store.petition(key)
                store.upsert(replace(petition, likes=(petition.likes or 0) + extra), SECOND_PULL)
            for key in UNANSWERED:
                petition = store.petition(key)
                knows = sorted(set(petition.extra.get("knows") or []) | {"replies", "reply_times"})
                store.upsert(replace(petition, extra={**petition.extra, "knows": knows}), SECOND_PULL)
    raw = {"PATH": "content", "WENZHENG_BASE": str(base), "WENZHENG_STORE": str(store_path),
           "WENZHENG_SOURCES": [], "SITEURL": "https://wenzheng.example.org"}
    settings = {**raw, **wenzheng_settings(raw)}
    folder = nr.records_dir(settings)
    folder.mkdir(parents=True)
    (folder / "tipdm-360102.txt").write_text("2020-01-20 | claimed | 张三 | 去现场看油烟\n"
                                             "2020-01-21 | visited | 张三 | 约物业 |  | 2020-01-28\n", encoding="utf-8")
    (folder / "tipdm-360103.txt").write_text("2020-01-22 | claimed | 李四 | 再问一次\n"
                                             "2020-01-23 | 采访 | 李四 | 问了街道 |  | 2020-02-10\n", encoding="utf-8")
    (folder / "tipdm-35462.txt").write_text("2020-01-15 | resolved | 李四 | 辅道已开工\n", encoding="utf-8")
    (folder / "tipdm-44203.txt").write_text("2020-01-25 | resolved | 李四 | 已上牌\n", encoding="utf-8")
    (folder / "tipdm-360110.txt").write_text("2019-12-02 | 未解决 | 王五 | 油烟仍在\n", encoding="utf-8")
    (folder / "tipdm-360105.txt").write_text("2020-01-18 | interviewed | 王五 | 采访了商户\n", encoding="utf-8")
    (folder / "tipdm-360114.txt").write_text("2020-01-22 | takedown | 王编辑 | 当事人要求撤下\n", encoding="utf-8")
    records = nr.load(settings)
    with Store.open(store_path, readonly=True) as store:
        views = list(cases(store, settings, records=records, now=NOW))
        growth = store.counter_growth()
    return settings, views, growth


GROWN = {"tipdm-360108": 340, "tipdm-286572": 25, "tipdm-360106": 2}
UNANSWERED = ("tipdm-360100", "tipdm-360101", "tipdm-360107")
SECOND_PULL = datetime(2020, 1, 31, 8, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def budget(world):
    settings, views, growth = world
    return make_budget(views, settings, NOW, size=10, growth=growth)


def keys(lines):
    return [line.case.key for line in lines]


def test_sections_are_disjoint_and_each_answers_its_question(budget, world):
    _, views, growth = world
    assert list(budget.sections) == list(SECTIONS)
    seen = [line.case.key for line in budget.lines()]
    assert len(seen) == len(set(seen))  # a case in at most one section
    by_key = {case.key: case for case in views}
    # 认领跟进中: held cases, the overdue next step first
    claimed = budget.sections["claimed"]
    assert keys(claimed) == ["tipdm-360102", "tipdm-360103"]
    assert claimed[0].overdue_step and claimed[0].reasons == [
        "张三 于 2020-01-20 认领", "最近进展：2020-01-21 实地走访", "下一步期限 2020-01-28，已过期 4 天"]
    assert claimed[1].reporter == "李四" and not claimed[1].overdue_step
    # 正在升温: exactly the cases whose likes grew between the pulls, most growth first
    trending = budget.sections["trending"]
    assert keys(trending) == ["tipdm-360108", "tipdm-286572", "tipdm-360106"]
    assert trending[0].reasons[0] == f"点赞 {by_key['tipdm-360108'].petition.likes:,}，比上次拉取多 340"
    assert by_key["tipdm-360108"].petition.likes == 6 + 340
    # 新近解决: resolved within the month, latest first
    assert keys(budget.sections["resolved"]) == ["tipdm-44203", "tipdm-35462"]
    assert budget.sections["resolved"][0].reasons[0].startswith("2020-01-25 已解决（依据：")
    # 逾期待追: every one overdue, the reason naming its own working days
    overdue = budget.sections["overdue"]
    assert sorted(keys(overdue)) == sorted(UNANSWERED)
    assert all(line.case.status == "逾期未复" for line in overdue)
    weights = [line.case.overdue_days * (1 + math.log10(1 + line.case.petition.likes)) for line in overdue]
    assert weights == sorted(weights, reverse=True)  # longest overdue, weighted by residents' likes
    for line in overdue:
        assert line.reasons[0].startswith(f"逾期 {line.case.overdue_days} 个工作日仍未答复")
    # 待回访: the case marked 未解决 stays in the budget
    revisit = budget.sections["revisit"]
    assert "tipdm-360110" in keys(revisit)
    line = next(line for line in revisit if line.case.key == "tipdm-360110")
    assert line.reasons[0].startswith("2019-12-02 记为未解决") and "回访" in line.reasons[0]
    for lines in budget.sections.values():
        assert [line.rank for line in lines] == list(range(1, len(lines) + 1))


def test_reasons_are_sentences_not_formulas(budget):
    for line in budget.lines():
        for reason in line.reasons:
            assert "热度" not in reason and "×" not in reason and "=" not in reason
        assert line.age_days == (NOW - line.case.petition.posted).days


def test_gated_cases_stay_in_the_budget_marked(world):
    settings, views, growth = world
    reports = make_budget(views, settings, NOW, Filters(type="举报"), size=500)
    lines = list(reports.lines())
    assert lines and all(line.gated and "举报" in line.case.gate_reason for line in lines)
    # every gated case is listed once: in the section whose question it answers, else 不公开待处理
    assert sorted(keys(lines)) == sorted(c.key for c in views if c.petition.type == "举报")
    hidden = reports.sections["hidden"]
    assert hidden and all(line.reasons == [line.case.gate_reason] for line in hidden)
    taken = make_budget(views, settings, NOW, size=500)
    line = next(line for line in taken.lines() if line.case.key == "tipdm-360114")
    assert line.gated and line.case.gate_reason == "已撤下：当事人要求撤下"


@pytest.mark.parametrize("filters, check", [
    (Filters(board="A5区"), lambda c: c.petition.board == "A5区"),
    (Filters(type="咨询"), lambda c: c.petition.type == "咨询"),
    (Filters(field="城乡建设"), lambda c: c.petition.field == "城乡建设"),
    (Filters(status="逾期未复"), lambda c: c.status == "逾期未复"),
    (Filters(reporter="张三"), lambda c: c.key == "tipdm-360102"),
    (Filters.parse(since="2019-09-01", until="2019-09-30"),
     lambda c: date(2019, 9, 1) <= c.petition.posted.astimezone(SHANGHAI).date() <= date(2019, 9, 30)),
])
def test_filters_narrow_every_section(world, filters, check):
    settings, views, growth = world
    narrowed = make_budget(views, settings, NOW, filters, growth=growth)
    assert narrowed.total == sum(1 for c in views if check(c)) > 0
    lines = list(narrowed.lines())
    assert lines and all(check(line.case) for line in lines)


@pytest.mark.parametrize("values, message", [
    ({"type": "投诉"}, "--type：没有类型 '投诉'（可用："),
    ({"status": "overdue"}, "--status：没有状态 'overdue'（可用：待回复、"),
    ({"board": "火星"}, "--board：没有板块 '火星'（可用：A"),
    ({"reporter": "赵六"}, "--reporter：没有认领记者 '赵六'（可用：张三、李四）"),
])
def test_unknown_filter_values_are_refused_listing_valid_ones(world, values, message):
    settings, views, _ = world
    with pytest.raises(FilterError) as error:
        make_budget(views, settings, NOW, Filters.parse(**values))
    assert message in str(error.value)


def test_bad_or_reversed_dates_are_named():
    with pytest.raises(ValueError, match="--since.*上月"):
        Filters.parse(since="上月")
    with pytest.raises(FilterError, match="颠倒"):
        Filters.parse(since="2019-10-01", until="2019-09-01")


def test_csv_opens_in_excel_and_wps(budget, world, tmp_path):
    settings = world[0]
    path = tmp_path / "budget.csv"
    write_csv(budget, path, case_link(settings))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(list(budget.lines()))
    held = next(row for row in rows if row["案件编号"] == "tipdm-360102")
    assert held["案件页"] == "https://wenzheng.example.org/cases/tipdm-360102/"
    assert (held["记者"], held["下一步期限"], held["最近进展"]) == ("张三", "2020-01-28", "2020-01-21 实地走访")
    assert held["状态"] == "跟进中" and held["栏目"] == "认领跟进中"


def test_csv_cells_cannot_run_formulas(budget, world):
    """A title starting like a formula reaches the CSV as text (the rule itself: trust/sanitize.py)."""
    from dataclasses import replace

    line = next(budget.lines())
    petition = replace(line.case.petition, title="=HYPERLINK(\"http://x\")", url="@SUM(A1)")
    tricked = replace(budget, sections={"claimed": [replace(line, case=replace(line.case, petition=petition))]})
    row = next(csv.DictReader(io.StringIO(csv_text(tricked, case_link(world[0])))))
    assert row["标题"] == "'=HYPERLINK(\"http://x\")" and row["原帖"] == "'@SUM(A1)"


def test_terminal_view_fits_80_columns(budget):
    from rich.console import Console

    console = Console(record=True, width=80)
    print_budget(budget, console)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    for label in SECTIONS.values():
        assert label in text
    for line in budget.lines():
        assert line.case.key in text
        for reason in line.reasons:  # wrapped, never cut off
            assert reason.replace(" ", "")[:12] in text.replace(" ", "").replace("\n", "").replace("│", "")


def test_repeated_complaints_about_one_place_are_trending_with_the_count(world):
    """The morning after a place's repeated complaint within 90 days, that complaint trends, saying which."""
    settings, views, _ = world
    posted = sorted((c for c in views if c.petition.posted), key=lambda c: c.petition.posted)

    def earlier(case, place):  # counted by hand: complaints naming the place in the 90 days up to this one
        return [c for c in posted if place in c.petition.places
                and timedelta(0) <= case.petition.posted - c.petition.posted <= timedelta(days=90)]

    case, place = next((c, p) for c in posted for p in c.petition.places
                       if not p.endswith(("市", "区", "县", "省")) and len(earlier(c, p)) >= REPEAT_MIN)
    nth = len(earlier(case, place))
    now = case.petition.posted + timedelta(days=1)
    with Store.open(settings["WENZHENG_STORE"], readonly=True) as store:
        then = [c for c in cases(store, settings, records=nr.load(settings), now=now)
                if c.petition.posted and c.petition.posted <= now]
    budget = make_budget(then, settings, now, size=50)
    line = next(line for line in budget.sections["trending"] if line.case.key == case.key)
    assert f"同一地点（{place}）三个月内第 {nth} 次投诉" in line.reasons


def test_a_topic_that_the_last_pull_added_to_is_trending(sample_store, tmp_path):
    """Two 魅力之城 posts the first pull missed arrive with the second: their topic grew at that pull."""
    import shutil

    from wenzheng_bridge.settings import wenzheng_settings

    store_path = tmp_path / "store.sqlite3"
    shutil.copy(sample_store, store_path)
    late = ("tipdm-360101", "tipdm-360107")
    with Store.open(store_path) as store:
        missed = [store.petition(key) for key in late]
        with store.batch():
            for key in late:
                (pid,) = store.db.execute("SELECT id FROM petitions WHERE case_key=?", (key,)).fetchone()
                for table in ("replies", "changes", "counter_history"):
                    store.db.execute(f"DELETE FROM {table} WHERE petition_id=?", (pid,))
                store.db.execute("DELETE FROM petitions WHERE id=?", (pid,))
        later = datetime.now(SHANGHAI)  # after the fixture's own pull
        pull = store.start_pull("tipdm", later)
        with store.batch():
            for petition in missed:
                store.upsert(petition, later)
        store.finish_pull(pull, later, {"new": 2, "updated": 0, "unchanged": 0, "failed": 0})
        assert store.arrivals() == set(late)
    raw = {"PATH": "content", "WENZHENG_BASE": str(tmp_path), "WENZHENG_STORE": str(store_path),
           "WENZHENG_SOURCES": []}
    settings = {**raw, **wenzheng_settings(raw)}
    with Store.open(store_path, readonly=True) as store:
        views = list(cases(store, settings, records=nr.load(settings), now=NOW))
    budget = make_budget(views, settings, NOW, size=50, **store_growth(settings))
    label, members = next((label, members) for label, members in budget.topics
                          if set(late) <= {c.key for c in members})
    trending = {line.case.key: line for line in budget.sections["trending"]}
    for key in late:
        assert f"所属话题“{label}”上次拉取新增 2 件（共 {len(members)} 件）" in trending[key].reasons
    assert not any("上次拉取新增" in r for k, line in trending.items() if k not in late for r in line.reasons)
