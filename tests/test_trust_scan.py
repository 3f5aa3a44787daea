"""The output scan: finds unmasked 身份证 and mobile numbers in every kind of output file, fast.

- The prefilter (digits as "0", a few literal shapes, windows around them) finds exactly
  what the masker's detectors find in the whole text: a hypothesis property compares the two
  on text full of numbers in every spelling, in one block and streamed in small blocks.
- Rebuilds read only files changed since their last clean scan (a manifest in the cache).
"""
from __future__ import annotations

import gzip
import io
import os
import time
import zipfile
from types import SimpleNamespace
from unittest import mock

import pytest
from hypothesis import example, given, settings as hsettings, strategies as st

from test_trust_masking import id_numbers, mobiles
from wenzheng_bridge.trust import scan
from wenzheng_bridge.trust.masking import KINDS, find
from wenzheng_bridge.trust.scan import (PersonalDataLeak, Rules, manifest_path, scan_bytes, scan_folder, scan_output,
                                        scan_tree)
from wenzheng_bridge.site.writing import write_if_changed

ID = "11010519491231002X"
MOBILE = "13974880021"


@pytest.fixture
def output(tmp_path):
    folder = tmp_path / "output"
    (folder / "cases" / "tipdm-1").mkdir(parents=True)
    (folder / "index.html").write_text("<p>电话138****5678，身份证110***********002X</p>\n", "utf-8")
    (folder / "feeds").mkdir()
    (folder / "feeds" / "cases.atom.xml").write_text("<feed>订单号 430102198503120015</feed>", "utf-8")
    (folder / "logo.png").write_bytes(b"\x89PNG" + MOBILE.encode())  # media is not scanned
    return folder


def test_clean_output_passes(output):
    assert scan_folder(output) == []
    scan_output(SimpleNamespace(settings={}, output_path=output))


def test_leaks_are_named_with_file_and_position(output):
    (output / "cases" / "tipdm-1" / "index.html").write_text(
        f"<html>\n<body>\n<p>联系我 {MOBILE}</p>\n<p>证件：{ID}</p>", "utf-8")
    leaks = scan_folder(output)
    assert [(l.path, l.line, l.column, l.kind) for l in leaks] == [
        ("cases/tipdm-1/index.html", 3, 8, "mobile"),
        ("cases/tipdm-1/index.html", 4, 7, "id_card"),
    ]
    with pytest.raises(PersonalDataLeak) as error:
        scan_output(SimpleNamespace(settings={}, output_path=output))
    message = str(error.value)
    assert "cases/tipdm-1/index.html 第 3 行第 8 列：未打码的手机号 139****0021" in message
    assert MOBILE not in message and ID not in message  # the log does not repeat the leak


def test_compressed_and_zipped_outputs_are_read(output):
    (output / "data").mkdir()
    (output / "data" / "cases.json.gz").write_bytes(gzip.compress(f'{{"body":"手机{MOBILE}"}}'.encode()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/sharedStrings.xml", f"<t>{ID}</t>")
    (output / "cases.xlsx").write_bytes(buffer.getvalue())
    found = {(l.path, l.kind) for l in scan_folder(output)}
    assert found == {("data/cases.json.gz", "mobile"), ("cases.xlsx!xl/sharedStrings.xml", "id_card")}


def test_full_width_digits_are_caught(output):
    (output / "data.json").write_text('{"t": "１３９７４８８００２１"}', "utf-8")
    assert [l.kind for l in scan_folder(output)] == ["mobile"]


# Each kind the masker knows, unmasked as a page could carry it (written by hand), and its masked form.
PLANTED = {
    "mobile": ("<p>请回电1387745\n2191</p>", "<p>请回电138****\n2191</p>"),
    "landline": ("<p>我家座机0731-84556677</p>", "<p>我家座机0731-****6677</p>"),
    "id_card": ("<p>身份证4301 0219 8503 1200 18</p>", "<p>身份证430* **** **** **00 18</p>"),
    "bank_card": ("<td>6228480012345671</td>", "<td>6228********5671</td>"),
    "email": ('{"t": "zhangwei1985@163.com"}', '{"t": "z***@163.com"}'),
    "wechat": ("<p>加我微信zhang_wei88</p>", "<p>加我微信z****_***88</p>"),
    "qq": ("<p>QQ号123456789</p>", "<p>QQ号12*****89</p>"),
    "plate": ("<p>车牌湘A12345违停</p>", "<p>车牌湘A****5违停</p>"),
    "name": ("<p>您好，本人杨均，身份证号码*****</p>", "<p>您好，本人杨*，身份证号码*****</p>"),
    "address": ("<p>星城小区5栋2单元301室</p>", "<p>星城小区5栋*单元***室</p>"),
}


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_every_kind_the_masker_knows_is_caught_and_its_masked_form_passes(output, kind):
    leaked, masked = PLANTED[kind]
    (output / "page.html").write_text(leaked, "utf-8")
    assert [l.kind for l in scan_folder(output)] == [kind]
    (output / "page.html").write_text(masked, "utf-8")
    assert scan_folder(output) == []


def test_what_the_masker_leaves_alone_passes(output):
    """A reply's office line, a declared public number, tracking numbers and counts are no leak."""
    (output / "reply.html").write_text(
        "<p>如有疑问请拨打K市公安局纪委投诉电话：0746—8362789。</p><p>快递单号4504351234560741</p>"
        "<p>小区68栋5000余户，3栋105m2</p><p>市长热线0731-12345</p>", "utf-8")
    (output / "chart.svg").write_text('<path d="M 144.57766 194.904422 L 186.82069 220.3664"/>', "utf-8")
    assert scan_folder(output) == []
    (output / "x.html").write_text("<p>我家电话0731-2345678</p>", "utf-8")  # a person, not an office
    assert [l.kind for l in scan_folder(output)] == ["landline"]
    settings = {"WENZHENG_PUBLIC_NUMBERS": ["0731-2345678"]}
    scan_output(SimpleNamespace(settings=settings, output_path=output))


def test_scripts_and_the_search_index_are_read(output):
    (output / "theme" / "js").mkdir(parents=True)
    (output / "theme" / "js" / "notes.js").write_text("// someone@example.com", "utf-8")
    assert [l.kind for l in scan_folder(output)] == ["email"]
    (output / "theme" / "js" / "notes.js").unlink()
    (output / "search" / "index" / "pairs").mkdir(parents=True)
    (output / "search" / "index" / "pairs" / "0001.json").write_text('{"f本人杨均，电话":[1]}', "utf-8")
    assert [l.kind for l in scan_folder(output)] == ["name"]


def test_scan_can_be_switched_off(output):
    (output / "x.csv").write_text(f"a,{MOBILE}\n", "utf-8")
    assert scan_output(SimpleNamespace(settings={"WENZHENG_SCAN_OUTPUT": False}, output_path=output)) is None
    with pytest.raises(PersonalDataLeak):  # the same output, scanned, is refused
        scan_output(SimpleNamespace(settings={}, output_path=output))


def test_scan_is_fast_on_a_large_output(tmp_path):
    """10,000 case pages (~85 MB) with masked numbers and look-alikes: one planted leak, found.

    Each page carries an 18-digit order number and a masked phone (candidates the detectors
    must look at and reject) among ordinary text with dates, 文号 and amounts.
    """
    folder = tmp_path / "big"
    words = "<p>A3区路灯不亮，2019年2月28日反映，湘政发〔2019〕12号，金额13500元，至今未修。</p>\n" * 40
    page = (f"<article><h1>路灯</h1><p>电话138****5678，订单号201903121234567890</p>{words}</article>").encode()
    for i in range(10_000):
        sub = folder / "cases" / f"{i // 1000}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{i}.html").write_bytes(page)
    (folder / "cases" / "7" / "7777.html").write_bytes(page + f"<p>{ID}</p>".encode())
    started = time.perf_counter()
    leaks = scan_folder(folder)
    elapsed = time.perf_counter() - started
    assert [(l.path, l.kind) for l in leaks] == [("cases/7/7777.html", "id_card")]
    assert elapsed < 60, elapsed  # measured ~10 s on 2 busy cores: see bench/RESULTS-trust.md


# --- the prefilter finds what the detectors find ------------------------------------------------
_FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


def _spellings(number: str, separator: str, full_width: bool, country: bool) -> str:
    """A mobile or 身份证 as residents type it: grouped 3-4-4 / 6-8-4, full-width, +86."""
    if separator:
        groups = [number[:3], number[3:7], number[7:]] if len(number) == 11 else [number[:6], number[6:14], number[14:]]
        number = separator.join(groups)
    if country and len(number.replace(separator, "")) == 11:
        number = "+86 " + number
    return number.translate(_FULL_WIDTH) if full_width else number


# Old 15-digit numbers count only after 身份证/证件 within a few characters.
_OLD_IDS = st.builds(lambda word, gap, region, born, tail: f"{word}{gap}{region}{born:%y%m%d}{tail:03d}",
                     st.sampled_from(["身份证", "证件", "身份证号码"]), st.sampled_from(["", "：", "号码是：", "（旧）："]),
                     st.sampled_from(["110105", "430102", "440306"]),
                     st.dates(__import__("datetime").date(1920, 1, 1), __import__("datetime").date(1999, 12, 31)),
                     st.integers(0, 999))
_NUMBERS = st.builds(_spellings, st.one_of(mobiles, id_numbers(), _OLD_IDS), st.sampled_from(["", " ", "-", ".", "\u3000", "－"]),
                     st.booleans(), st.booleans())
_NOISE = st.one_of(
    st.text(st.sampled_from("路灯不亮身份证号码电话：，。（）\n <p>\u3000年月日"), max_size=40),
    st.integers(0, 10**30).map(str),  # dates, amounts, order numbers, long runs
    st.integers(0, 10**12).map(lambda n: str(n).translate(_FULL_WIDTH)),
    st.sampled_from(["0731-0000-00000000", "138****5678", "2019-02-28", "身份证", "+86", "－", "X"]),
    # The cues of the other kinds, each with what may follow it (and look-alikes).
    st.sampled_from(["本人杨均，", "我叫廖博。", "刘平积(", "王建国先生", "向张先生", "联系人：", "举报人：李鸣联",
                     "微信号：", "wxid_abcd1234", "vx:zhang_wei88", "QQ号", "qq：", "扣扣", "QQ群", "@163.com",
                     "zhang@qq.com", "湘A", "湘 A·", "楚DD", "粤B", "A市", "5栋", "2单元", "301室", "706房", "村3组",
                     "15号", "5-2-301", "快递单号", "订单号", "余户", "m2", "元", "咨询电话", "您的电话", "拨打",
                     "（0734-", "0746—", "—", "–", "\r\n", " \n", "wx", "Wx", "V信"]),
)
# Pieces next to each other or apart: a gap longer than the scan's context makes each window matter.
_GAPS = st.sampled_from(["", "", "，", "\n", "。\n" + "路灯一直不亮" * 20])
_DOCUMENTS = st.lists(st.tuples(st.one_of(_NUMBERS, _NOISE), _GAPS).map("".join), max_size=30).map("".join)


def _expected(text: str) -> list[tuple[int, int, str, str]]:
    """What the detectors report when given the whole text, as (line, column, kind, masked)."""
    return [(text.count("\n", 0, f.start) + 1, f.start - text.rfind("\n", 0, f.start), f.kind, f.masked)
            for f in find(text, KINDS, Rules().options)]


@hsettings(max_examples=400, deadline=None)
@given(_DOCUMENTS)
@example("<\u3000\u3000\u3000\u3000\u3000。\n" + "路灯一直不亮" * 20 + "100１１０１０５２００００１０１０００８zhang@qq.com")
def test_prefilter_finds_exactly_what_the_detectors_find(text):
    data = text.encode("utf-8")
    expected = _expected(text)
    assert [(l.line, l.column, l.kind, l.masked) for l in scan_bytes(data, "x.html")] == expected
    # Streamed in blocks of 64 bytes (a large export is read in blocks): nothing lost or doubled at an edge.
    with mock.patch.object(scan, "CHUNK", 64), mock.patch.object(scan, "_OVERLAP", 256):
        assert [(l.line, l.column, l.kind, l.masked) for l in scan_bytes(gzip.compress(data), "x.gz")] == expected


def test_a_large_export_is_streamed_and_positions_stay_right(tmp_path):
    """A file bigger than a block: a leak at a block edge is found once, at its line and column."""
    line = '{"id": "bench-1", "title": "路灯不亮", "phone": "138****5678", "date": "2019-02-28"},\n'
    head = line * ((scan.CHUNK - 1000) // len(line.encode()))
    head += "x" * (scan.CHUNK - 6 - len(head.encode()) - 1) + " "  # the number straddles the first block's end
    assert len(head.encode()) == scan.CHUNK - 6
    (tmp_path / "cases.json").write_text(head + MOBILE + " 电话\n" + line * 1000, "utf-8")
    leaks = scan_folder(tmp_path)
    line_number = head.count("\n") + 1
    assert [(l.path, l.line, l.column, l.kind) for l in leaks] == [
        ("cases.json", line_number, len(head) - head.rfind("\n"), "mobile")]


# --- rebuilds: only changed files are read ------------------------------------------------------
def test_an_unchanged_tree_is_not_read_again(output, tmp_path):
    manifest = tmp_path / "cache" / "scan.manifest"
    first = scan_tree(output, manifest=manifest)
    assert first.scanned == ["feeds/cases.atom.xml", "index.html"] and first.leaks == []
    second = scan_tree(output, manifest=manifest)
    assert second.scanned == [] and second.unchanged == 2 and second.leaks == []


def test_a_number_planted_by_a_rebuild_is_caught_and_stays_reported(output, tmp_path):
    manifest = tmp_path / "cache" / "scan.manifest"
    scan_tree(output, manifest=manifest)
    # A rebuild writes a new page (as the site does: temporary file and rename) ...
    write_if_changed(output / "cases" / "tipdm-1" / "index.html", f"<p>电话 {MOBILE}</p>")
    # ... and rewrites a feed in place, same size, its mtime set back: the ctime still moves.
    feed = output / "feeds" / "cases.atom.xml"
    old = feed.stat()
    feed.write_text(feed.read_text("utf-8").replace("430102198503120015", "11010519491231002X"), "utf-8")
    os.utime(feed, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert feed.stat().st_size == old.st_size
    report = scan_tree(output, manifest=manifest)
    assert report.scanned == ["cases/tipdm-1/index.html", "feeds/cases.atom.xml"] and report.unchanged == 1
    assert [(l.path, l.kind) for l in report.leaks] == [("cases/tipdm-1/index.html", "mobile"),
                                                        ("feeds/cases.atom.xml", "id_card")]
    # A file with a leak is never recorded as clean: the next build reports it again.
    again = scan_tree(output, manifest=manifest)
    assert again.scanned == ["cases/tipdm-1/index.html", "feeds/cases.atom.xml"] and len(again.leaks) == 2


def test_other_scan_rules_read_everything_again(output, tmp_path):
    manifest = tmp_path / "scan.manifest"
    scan_tree(output, manifest=manifest)
    assert len(scan_tree(output, ("mobile",), manifest=manifest).scanned) == 2
    assert scan_tree(output, ("mobile",), manifest=manifest).scanned == []


def test_the_finalizer_keeps_its_manifest_in_the_cache_folder(output, tmp_path):
    settings = {"CACHE_PATH": str(tmp_path / "cache")}
    assert len(scan_output(SimpleNamespace(settings=settings, output_path=output)).scanned) == 2
    assert manifest_path(settings, output).is_relative_to(tmp_path / "cache")
    assert not any(path.suffix == ".manifest" for path in output.rglob("*"))  # never published
    assert scan_output(SimpleNamespace(settings=settings, output_path=output)).scanned == []
    (output / "new.html").write_text(f"<p>{ID}</p>", "utf-8")
    with pytest.raises(PersonalDataLeak, match=r"new\.html 第 1 行第 4 列：未打码的身份证号"):
        scan_output(SimpleNamespace(settings=settings, output_path=output))


if __name__ == "__main__":
    # Timing of the scan on a built site: .venv/bin/python tests/test_trust_scan.py output/
    # First every file is read (a full build), then again with the manifest that run left
    # (a rebuild in which nothing changed).
    import resource
    import sys
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as cache:
        for run in ("full", "unchanged"):
            wall, cpu = time.perf_counter(), time.process_time()
            report = scan_tree(Path(sys.argv[1]), manifest=Path(cache) / "scan.manifest")
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"{run}: {len(report.scanned)} files read ({report.bytes_read / 1e6:.1f} MB), "
                  f"{report.unchanged} unchanged: {wall:.2f} s wall, {cpu:.2f} s CPU, {len(report.leaks)} leaks, "
                  f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def test_many_files_are_read_on_every_core_with_the_same_findings(output, monkeypatch):
    """Past PARALLEL_MIN files the scan forks readers; the report is the one a single process makes."""
    for n in range(60):
        folder = output / "cases" / f"bench-{n}"
        folder.mkdir()
        body = f"<p>联系 {MOBILE}</p>" if n % 20 == 7 else "<p>已答复</p>"
        (folder / "index.html").write_text(body, "utf-8")
    alone = scan_tree(output)
    monkeypatch.setattr(scan, "PARALLEL_MIN", 0)
    with mock.patch.object(scan, "pool", wraps=scan.pool) as forked:
        together = scan_tree(output)
    assert forked.called  # the readers really were forked
    assert together.leaks == alone.leaks and together.scanned == alone.scanned and len(alone.leaks) == 3
