"""Story budget on the real sample: sections, reasons, filters, gated cases, CSV."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from wenzheng_bridge.caseview.view import cases
from wenzheng_bridge.newsroom import records as nr
from wenzheng_bridge.newsroom.budget import SECTIONS, Filters, csv_text, make_budget, print_budget
from wenzheng_bridge.records import SHANGHAI
from wenzheng_bridge.site.pages import case_url
from wenzheng_bridge.store import Store

NOW = datetime(2020, 2, 1, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def world(sample_store, tmp_path_factory):
    """Cases of the real sample with a few newsroom records: a claim, a resolution, a takedown."""
    from wenzheng_bridge.settings import wenzheng_settings

    base = tmp_path_factory.mktemp("budget")
    raw = {"PATH": "content", "WENZHENG_BASE": str(base), "WENZHENG_STORE": str(sample_store),
           "WENZHENG_SOURCES": []}
    settings = {**raw, **wenzheng_settings(raw)}
    folder = nr.records_dir(settings)
    folder.mkdir(parents=True)
    (folder / "tipdm-360102.txt").write_text("2020-01-20 | claimed | 张三 | 去现场看油烟\n", encoding="utf-8")
    (folder / "tipdm-35462.txt").write_text("2020-01-15 | resolved | 李四 | 辅道已开工\n", encoding="utf-8")
    (folder / "tipdm-44203.txt").write_text("2020-01-25 | resolved | 李四 | 已上牌\n", encoding="utf-8")
    (folder / "tipdm-360105.txt").write_text("2020-01-18 | interviewed | 王五 | 采访了商户\n", encoding="utf-8")
    (folder / "tipdm-360114.txt").write_text("2020-01-22 | takedown | 王编辑 | 当事人要求撤下\n", encoding="utf-8")
    records = nr.load(settings)
    with Store.open(sample_store, readonly=True) as store:
        views = list(cases(store, settings, records=records, now=NOW))
    return settings, views


@pytest.fixture(scope="module")
def budget(world):
    settings, views = world
    return make_budget(views, settings, NOW, size=10)


def keys(lines):
    return [line.case.key for line in lines]


def test_sections_rank_by_their_own_rule(budget, world):
    _, views = world
    assert list(budget.sections) == list(SECTIONS)
    trending = budget.sections["trending"]
    assert len(trending) == 10
    scores = [line.case.score for line in trending]
    assert scores == sorted(scores, reverse=True)
    open_best = max((c for c in views if c.status not in ("已解决", "未解决")), key=lambda c: c.score)
    assert trending[0].case.key == open_best.key
    assert all(line.case.status == "逾期未复" for line in budget.sections["overdue"])
    assert keys(budget.sections["resolved"]) == ["tipdm-44203", "tipdm-35462"]  # most recently resolved first
    assert keys(budget.sections["claimed"]) == ["tipdm-360102", "tipdm-360105"]  # latest follow-up first
    assert [line.rank for line in trending] == list(range(1, 11))


def test_every_line_says_why_it_ranks(budget):
    for line in budget.lines():
        assert line.reasons[0].startswith(f"热度 {line.case.score:.4g} = (1")
        if line.case.overdue_days:
            assert any(f"逾期 {line.case.overdue_days} 个工作日" in r for r in line.reasons)
        assert line.age_days == (NOW - line.case.petition.posted).days
    claimed = budget.sections["claimed"][0]
    assert "已认领：张三（2020-01-20）" in claimed.reasons
    resolved = budget.sections["resolved"][0]
    assert any(r.startswith("已解决：") for r in resolved.reasons)
    liked = next(line for line in budget.lines() if line.case.petition.likes)
    assert f"点赞 {liked.case.petition.likes:g}" in liked.reasons[0]


def test_hot_topic_of_the_competition_is_a_section_group(budget):
    topics = budget.sections["topics"]
    groups: dict[str, list[str]] = {}
    for line in topics:
        groups.setdefault(line.topic, []).append(line.case.key)
        assert any(r.startswith(f"属于话题“{line.topic}”") for r in line.reasons)
    # The competition names 360100-360109 as one hot topic (魅力之城 oil smoke).
    competition = {f"tipdm-{n}" for n in range(360100, 360110)}
    meili = next(label for label, members in groups.items() if competition & set(members))
    members = [line for line in topics if line.topic == meili]
    assert "魅力" in meili or "油烟" in meili
    assert len(competition & {line.case.key for line in members}) >= 3
    assert [line.case.score for line in members] == sorted((line.case.score for line in members), reverse=True)
    assert all(len(members) <= 5 for members in groups.values())


def test_gated_cases_stay_in_the_budget_marked(world):
    settings, views = world
    reports = make_budget(views, settings, NOW, Filters(type="举报"), size=50)
    lines = list(reports.lines())
    assert lines and all(line.gated and "举报" in line.case.gate_reason for line in lines)
    taken = make_budget(views, settings, NOW, Filters(since=date(2017, 6, 8), until=date(2017, 6, 8)))
    line = next(line for line in taken.lines() if line.case.key == "tipdm-360114")
    assert line.gated and line.case.gate_reason == "已撤下：当事人要求撤下"


@pytest.mark.parametrize("filters, check", [
    (Filters(board="A5区"), lambda c: c.petition.board == "A5区"),
    (Filters(type="咨询"), lambda c: c.petition.type == "咨询"),
    (Filters(field="城乡建设"), lambda c: c.petition.field == "城乡建设"),
    (Filters(status="已回复"), lambda c: c.status == "已回复"),
    (Filters.parse(since="2019-09-01", until="2019-09-30"),
     lambda c: date(2019, 9, 1) <= c.petition.posted.astimezone(SHANGHAI).date() <= date(2019, 9, 30)),
])
def test_filters_narrow_every_section(world, filters, check):
    settings, views = world
    narrowed = make_budget(views, settings, NOW, filters)
    assert narrowed.total == sum(1 for c in views if check(c)) > 0
    lines = list(narrowed.lines())
    assert lines and all(check(line.case) for line in lines)


def test_bad_date_filter_is_named():
    with pytest.raises(ValueError, match="--since.*上月"):
        Filters.parse(since="上月")


def test_csv_has_one_row_per_line_with_links(budget):
    rows = list(csv.DictReader(io.StringIO(csv_text(budget, case_url))))
    assert len(rows) == len(list(budget.lines()))
    first = rows[0]
    line = budget.sections["trending"][0]
    assert (first["栏目"], first["排名"], first["案件编号"]) == ("正在升温", "1", line.case.key)
    assert first["案件页"] == f"cases/{line.case.key}/" and first["理由"] == "；".join(line.reasons)
    assert first["状态"] == line.case.status and first["天数"] == str(line.age_days)


def test_terminal_table_names_sections_and_cases(budget):
    from rich.console import Console

    console = Console(record=True, width=200)
    print_budget(budget, console)
    text = console.export_text()
    for label in SECTIONS.values():
        assert label in text
    assert budget.sections["trending"][0].case.key in text and "tipdm-360102" in text
