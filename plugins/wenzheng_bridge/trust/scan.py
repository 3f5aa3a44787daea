"""The output scan: the build fails if an unmasked 身份证 or mobile number reached any output file.

A last line of defence behind ``prepare_petition``: it runs after Pelican and
the search indexer have written everything (a FINALIZER, see site/outputs.py)
and reads every file of the output folder:

- text files (HTML, XML feeds, JSON, CSV, JS, sitemaps…) as UTF-8;
- gzip streams (Pagefind's ``.pf_fragment``/``.pf_index``/``.pf_meta`` files and
  any ``.gz``) decompressed first; the index holds words as plain UTF-8 strings
  inside its binary encoding, so digit runs are found there too;
- zip containers (XLSX exports) member by member;
- media and fonts (png, jpg, woff, wasm…) are skipped: no text of a petition
  is written into them.

Speed: a bytes regex over the raw content rejects almost every file without
decoding; only files with a candidate are decoded and checked with the same
detectors (checksum, date, province) the masker uses. Findings are reported
masked, so the build log itself does not repeat the leak.
"""
from __future__ import annotations

import gzip
import io
import logging
import os
import re
import zipfile
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .masking import KIND_LABELS, find

log = logging.getLogger(__name__)

SKIPPED_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".avif", ".bmp",
                    ".woff", ".woff2", ".ttf", ".otf", ".eot", ".wasm", ".mp3", ".mp4", ".webm"}
# Candidates: runs of digits with the separators numbers are written with, kept when they hold
# at least 11 digits (a mobile; 身份证 have 15 or 18). One simple character class is many times
# faster in ``re`` than an alternation of exact shapes. Full-width digits (EF BC 90-99 in
# UTF-8) are rare: looked for only when a literal search finds one.
_RUN = re.compile(rb"[0-9][0-9 .-]{9,}[0-9]")
_FULL_WIDTH_DIGIT = re.compile(rb"\xef\xbc[\x90-\x99]")
_FULL_WIDTH_RUN = re.compile(rb"(?:\xef\xbc[\x90-\x99]){11}")
MIN_DIGITS = 11
_CONTEXT = 72  # bytes around a candidate the detectors see (+86, 身份证号：, in UTF-8)
MAX_REPORTED = 50
PARALLEL_FROM_BYTES = 256 * 1024 * 1024  # measured: no gain at 107 MB on 2 shared cores


@dataclass(frozen=True)
class Leak:
    path: str  # relative to the output folder; "archive.xlsx!xl/sharedStrings.xml" inside containers
    line: int
    column: int
    kind: str
    masked: str

    def __str__(self) -> str:
        return f"{self.path} 第 {self.line} 行第 {self.column} 列：未打码的{KIND_LABELS[self.kind]} {self.masked}"


class PersonalDataLeak(RuntimeError):
    """Unmasked personal data in the output folder; the build must fail."""

    def __init__(self, leaks: list[Leak], folder: Path):
        self.leaks = leaks
        shown = "\n".join(f"  - {leak}" for leak in leaks[:MAX_REPORTED])
        more = f"\n  ……另有 {len(leaks) - MAX_REPORTED} 处" if len(leaks) > MAX_REPORTED else ""
        super().__init__(f"输出目录 {folder} 中发现 {len(leaks)} 处未打码的个人信息，构建失败：\n{shown}{more}")


def scan_bytes(data: bytes, name: str, kinds=("id_card", "mobile")) -> list[Leak]:
    """Leaks in one file's content (decompressing gzip and zip containers)."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            log.warning("无法解压 %s，按原样扫描", name)
    elif data[:4] == b"PK\x03\x04":
        return _scan_zip(data, name, kinds)
    leaks = []
    for start, end in _windows(data):
        text = data[start:end].decode("utf-8", "replace")
        for f in find(text, kinds):
            line, column = _position(data, start + len(text[:f.start].encode("utf-8")))
            leaks.append(Leak(name, line, column, f.kind, f.masked))
    return leaks


def _windows(data: bytes) -> list[tuple[int, int]]:
    """Byte ranges around candidates, merged, widened to whole digit runs and whole UTF-8 characters.

    Only these are decoded and checked: pages are mostly words, so this keeps the
    scan near the speed of reading the files.
    """
    windows: list[list[int]] = []
    for m_start, m_end in _candidates(data):
        start, end = max(0, m_start - _CONTEXT), min(len(data), m_end + _CONTEXT)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = end
        else:
            windows.append([start, end])
    for window in windows:
        start, end = window
        while start > 0 and (data[start - 1:start].isdigit() or 0x80 <= data[start] < 0xC0):
            start -= 1
        while end < len(data) and (data[end:end + 1].isdigit() or 0x80 <= data[end] < 0xC0):
            end += 1
        window[:] = [start, end]
    return [tuple(w) for w in windows]


def _candidates(data: bytes) -> list[tuple[int, int]]:
    found = [m.span() for m in _RUN.finditer(data) if len(m.group().translate(None, b" .-")) >= MIN_DIGITS]
    if _FULL_WIDTH_DIGIT.search(data):
        found = sorted(found + [m.span() for m in _FULL_WIDTH_RUN.finditer(data)])
    return found


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[line_start:offset].decode("utf-8", "replace")) + 1


def _scan_zip(data: bytes, name: str, kinds) -> list[Leak]:
    leaks: list[Leak] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                leaks += scan_bytes(archive.read(member), f"{name}!{member}", kinds)
    except zipfile.BadZipFile:
        log.warning("无法读取压缩包 %s，按原样扫描", name)
        return scan_bytes(data[4:], name, kinds)
    return leaks


def _scan_file(args: tuple[str, str, tuple]) -> list[Leak]:
    path, name, kinds = args
    return scan_bytes(Path(path).read_bytes(), name, kinds)


def output_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() not in SKIPPED_SUFFIXES)


def scan_folder(folder: str | Path, kinds=("id_card", "mobile"), workers: int | None = None) -> list[Leak]:
    """Every leak in the output folder, in path order."""
    folder = Path(folder)
    files = output_files(folder)
    jobs = [(str(p), p.relative_to(folder).as_posix(), tuple(kinds)) for p in files]
    total = sum(p.stat().st_size for p in files)
    workers = workers or min(os.cpu_count() or 1, 4)
    if workers > 1 and total >= PARALLEL_FROM_BYTES:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_scan_file, jobs, chunksize=64))
    else:
        results = [_scan_file(job) for job in jobs]
    return [leak for found in results for leak in found]


def scan_output(target) -> None:
    """FINALIZER: fail the build on unmasked personal data anywhere in the output folder.

    ``target`` is whatever carries ``settings`` and the output folder: the
    site's finalizer context or the Pelican object of the ``finalized`` signal.
    """
    settings = getattr(target, "settings", {}) or {}
    if not settings.get("WENZHENG_SCAN_OUTPUT", True):
        return
    folder = Path(getattr(target, "output_path", None) or settings["OUTPUT_PATH"])
    leaks = scan_folder(folder, settings.get("WENZHENG_SCAN_KINDS", ("id_card", "mobile")))
    if leaks:
        raise PersonalDataLeak(leaks, folder)
