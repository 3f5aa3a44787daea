"""The output scan: finds unmasked 身份证 and mobile numbers in every kind of output file, fast."""
from __future__ import annotations

import gzip
import io
import time
import zipfile
from types import SimpleNamespace

import pytest

from wenzheng_bridge.trust.scan import PersonalDataLeak, scan_folder, scan_output

ID = "11010519491231002X"
MOBILE = "13974880021"


@pytest.fixture
def output(tmp_path):
    folder = tmp_path / "output"
    (folder / "cases" / "tipdm-1").mkdir(parents=True)
    (folder / "pagefind" / "fragment").mkdir(parents=True)
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
    (output / "pagefind" / "fragment" / "zh_1a2b.pf_fragment").write_bytes(
        gzip.compress(b'pagefind_dcd{"content":"' + f"手机{MOBILE}".encode() + b'"}'))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/sharedStrings.xml", f"<t>{ID}</t>")
    (output / "cases.xlsx").write_bytes(buffer.getvalue())
    found = {(l.path, l.kind) for l in scan_folder(output)}
    assert found == {("pagefind/fragment/zh_1a2b.pf_fragment", "mobile"), ("cases.xlsx!xl/sharedStrings.xml", "id_card")}


def test_full_width_digits_are_caught(output):
    (output / "data.json").write_text('{"t": "１３９７４８８００２１"}', "utf-8")
    assert [l.kind for l in scan_folder(output)] == ["mobile"]


def test_scan_can_be_switched_off(output):
    (output / "x.csv").write_text(f"a,{MOBILE}\n", "utf-8")
    scan_output(SimpleNamespace(settings={"WENZHENG_SCAN_OUTPUT": False}, output_path=output))


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


if __name__ == "__main__":
    # Timing of the scan on a built site: .venv/bin/python tests/test_trust_scan.py output/
    import resource
    import sys
    from pathlib import Path

    folder = Path(sys.argv[1])
    files = [p for p in folder.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    wall, cpu = time.perf_counter(), time.process_time()
    found = scan_folder(folder, workers=int(sys.argv[2]) if len(sys.argv) > 2 else None)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{len(files)} files, {size / 1e6:.1f} MB: {wall:.2f} s wall, "
          f"{cpu + children.ru_utime + children.ru_stime:.2f} s CPU, {len(found)} leaks")
