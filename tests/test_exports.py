"""Open data exports (JSON, CSV, Open311 GeoReport v2) from the real sample's case view."""
from __future__ import annotations

import csv
import json
import re
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from wenzheng_bridge.caseview.view import CaseBuilder, cases
from wenzheng_bridge.records import SHANGHAI, ArticleRef, FollowUp, NewsroomRecords
from wenzheng_bridge.settings import wenzheng_settings
from wenzheng_bridge.site import exports
from wenzheng_bridge.site.build import Build
from wenzheng_bridge.store import Store

NOW = datetime(2020, 6, 1, 9, 0, tzinfo=SHANGHAI)
TAKEN_DOWN = "tipdm-360100"  # a public 诉求 in the sample, taken down by the newsroom here
RESOLVED = "tipdm-360101"  # resolved by a newsroom follow-up here
QUOTING = "tipdm-60307"  # its body writes the hotline in angle brackets: "多次打过<12345>的电话"
QUOTED = "<12345>"
PHONE, EMAIL = "13812345678", "zhangsan@example.com"


def sample_records() -> NewsroomRecords:
    """Newsroom decisions exercising every gate and a resolution, on real cases."""
    day = datetime(2019, 9, 20, 10, 0, tzinfo=SHANGHAI)
    return NewsroomRecords(
        takedowns={TAKEN_DOWN: "当事人申请撤下"},
        followups={RESOLVED: [
            FollowUp(case=RESOLVED, kind="visited", date=day, who="记者 李明", note="到魅力之城小区实地查看油烟"),
            FollowUp(case=RESOLVED, kind="resolved", date=day + timedelta(days=20), who="记者 李明",
                     note="商铺已加装排烟管道", public=True),
        ]},
        articles={RESOLVED: [ArticleRef(title="魅力之城油烟扰民追踪", url="column/meili/",
                                         date=day + timedelta(days=3), slug="meili")]},
    )


def sample_build(store_path: Path, output: Path, records: NewsroomRecords | None = None, **extra) -> Build:
    """A site Build over the real sample's case view, plus one case carrying personal data.

    The extra case is a real petition with a phone number and an e-mail
    address appended, passed through the real case view (and so the trust layer).
    """
    raw = {"PATH": str(output), "TIMEZONE": "Asia/Shanghai", "SITENAME": "零距离问政", "SITEURL": "",
           "AUTHOR": "零距离问政编辑部", "FEED_DOMAIN": "https://wenzheng.example.org",
           "WENZHENG_BASE": str(output), "WENZHENG_STORE": str(store_path), **extra}
    settings = {**raw, **wenzheng_settings(raw)}
    records = records if records is not None else sample_records()
    with Store.open(store_path, readonly=True) as store:
        all_cases = list(cases(store, settings, records=records, now=NOW))
        real = store.petition(QUOTING)
    personal = replace(real, source_id="personal",
                       body=real.body + f"\n我的电话{PHONE}，邮箱{EMAIL}。")
    all_cases.append(CaseBuilder(settings, records, NOW).build(personal))
    output.mkdir(parents=True, exist_ok=True)
    return Build(settings=settings, writer=None, output_path=output,
                 cases=[c for c in all_cases if c.public], all_cases=all_cases,
                 context={"articles": [], "pages": []})


def gated_keys(build: Build) -> set[str]:
    return {c.key for c in build.all_cases if not c.public}


@pytest.fixture(scope="module")
def exported(sample_store, tmp_path_factory):
    build = sample_build(sample_store, tmp_path_factory.mktemp("exports"))
    files = exports.write_exports(build)
    return build, files


def test_gates_are_exercised_by_the_sample(exported):
    build, _ = exported
    gated = gated_keys(build)
    assert TAKEN_DOWN in gated
    assert any(c.petition.type == "举报" for c in build.all_cases if c.key in gated)
    # About one petition in eight of the sample is a 举报 by the type rule (bench/RESULTS-units.md): gated.
    assert len(build.cases) == len(build.all_cases) - len(gated) > 500


def test_cases_json_holds_every_public_case_and_nothing_else(exported):
    build, files = exported
    document = json.loads(files[exports.CASES_JSON].read_text("utf-8"))
    assert document["count"] == len(build.cases)
    keys = [c["id"] for c in document["cases"]]
    assert keys == [c.key for c in build.cases]
    assert not set(keys) & gated_keys(build)
    resolved = next(c for c in document["cases"] if c["id"] == RESOLVED)
    assert resolved["status"] == "已解决"
    assert [e["kind"] for e in resolved["timeline"]][-3:] == ["visited", "published", "resolved"]
    assert resolved["articles"][0]["url"] == "https://wenzheng.example.org/column/meili/"
    assert resolved["url"] == f"https://wenzheng.example.org/cases/{RESOLVED}/"


def test_no_export_mentions_a_gated_case(exported):
    build, files = exported
    for path in files.values():
        text = path.read_text("utf-8")
        for key in gated_keys(build):
            assert f'"{key}"' not in text and f"{key}," not in text, (path.name, key)


def test_exports_carry_masked_text_and_keep_quoted_brackets(exported):
    build, files = exported
    for path in files.values():
        text = path.read_text("utf-8")
        assert PHONE not in text and EMAIL not in text, path.name
    record = next(c for c in json.loads(files[exports.CASES_JSON].read_text("utf-8"))["cases"]
                  if c["id"] == "tipdm-personal")
    assert "138****5678" in record["body"]
    quoting = next(c for c in build.cases if c.key == QUOTING)
    assert QUOTED in quoting.petition.body
    assert QUOTED in next(c for c in json.loads(files[exports.CASES_JSON].read_text("utf-8"))["cases"]
                          if c["id"] == QUOTING)["body"]
    rows = {r["id"]: r for r in csv.DictReader(files[exports.CASES_CSV].open(encoding="utf-8-sig"))}
    assert QUOTED in rows[QUOTING]["body"]


def test_csv_matches_json_and_opens_in_spreadsheets(exported):
    build, files = exported
    raw = files[exports.CASES_CSV].read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))  # the BOM spreadsheet software needs for UTF-8
    rows = list(csv.DictReader(files[exports.CASES_CSV].open(encoding="utf-8-sig", newline="")))
    assert tuple(rows[0]) == exports.CSV_COLUMNS
    assert [r["id"] for r in rows] == [c.key for c in build.cases]
    by_key = {c.key: c for c in build.cases}
    for row in rows:
        case = by_key[row["id"]]
        assert row["title"] == case.petition.title and row["board"] == case.petition.board
        assert row["body"] == case.petition.body  # multi-line bodies survive quoting
        assert row["status"] == case.status


OPEN311_REQUIRED = ("service_request_id", "status", "status_notes", "service_name", "agency_responsible",
                    "requested_datetime", "updated_datetime", "expected_datetime")
ISO_WITH_ZONE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


def test_open311_requests_validate_against_the_field_list(exported):
    build, files = exported
    requests = json.loads(files[exports.OPEN311_REQUESTS].read_text("utf-8"))
    assert isinstance(requests, list) and len(requests) == len(build.cases)
    by_key = {c.key: c for c in build.cases}
    for request in requests:
        assert set(OPEN311_REQUIRED) <= set(request) <= set(exports.OPEN311_FIELDS)
        case = by_key[request["service_request_id"]]
        assert request["status"] == ("closed" if case.status in exports.CLOSED_STATUSES else "open")
        assert request["status_notes"].startswith(case.status)
        assert request["service_name"].split("/")[0] == case.petition.type
        assert request["agency_responsible"]
        for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
            value = request[name]
            if value is None:  # only a case without a deadline lacks an expected time
                assert name == "expected_datetime" and case.deadline is None
                continue
            assert ISO_WITH_ZONE.match(value), (name, value)
            assert datetime.fromisoformat(value).utcoffset() == timedelta(hours=8)
        assert request["requested_datetime"] <= request["updated_datetime"]
    statuses = {r["status"] for r in requests}
    assert statuses == {"open", "closed"}
    resolved = next(r for r in requests if r["service_request_id"] == RESOLVED)
    assert resolved["status"] == "closed" and resolved["updated_datetime"].startswith("2019-10-10")


def test_open311_services_list_every_service_used(exported):
    _, files = exported
    services = json.loads(files[exports.OPEN311_SERVICES].read_text("utf-8"))
    requests = json.loads(files[exports.OPEN311_REQUESTS].read_text("utf-8"))
    codes = {s["service_code"] for s in services}
    assert codes == {r["service_code"] for r in requests}
    assert {"咨询", "建议", "诉求"} <= {s["group"] for s in services}


def test_unchanged_rebuild_keeps_the_files(exported):
    build, files = exported
    before = {name: path.stat().st_mtime_ns for name, path in files.items()}
    exports.write_exports(build)
    assert {name: path.stat().st_mtime_ns for name, path in files.items()} == before


# -- the full demo build -------------------------------------------------------------
def test_built_site_exports_every_case_page(tmp_path_factory):
    from browser import site_build

    site = site_build(tmp_path_factory)
    pages = {p.parent.name for p in (site.output / "cases").glob("*/index.html")}
    document = json.loads((site.output / exports.CASES_JSON).read_text("utf-8"))
    assert {c["id"] for c in document["cases"]} == pages and document["count"] == len(pages)
    requests = json.loads((site.output / exports.OPEN311_REQUESTS).read_text("utf-8"))
    assert {r["service_request_id"] for r in requests} == pages
    assert all(set(OPEN311_REQUIRED) <= set(r) for r in requests)
    rows = list(csv.DictReader((site.output / exports.CASES_CSV).open(encoding="utf-8-sig", newline="")))
    assert {r["id"] for r in rows} == pages
