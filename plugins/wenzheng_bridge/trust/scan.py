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

Speed, in three steps:

1. Only files changed since the last clean scan are read. A manifest in the
   build's cache folder (Pelican's ``CACHE_PATH``) holds a fingerprint of every
   file found clean (path, size, mtime, ctime, inode: the ctime moves on any
   write and cannot be set back by a copy or ``touch``). It is bound to the scan
   rules (the source of this module and of the masker, the kinds): change a rule
   and everything is read again. A file with a leak is never recorded, so it is
   reported again until it is fixed.
2. Each file read is prefiltered: ``bytes.translate`` turns every ASCII digit
   into "0" (and space, dot and hyphen into "-"), then ``bytes.find`` looks for
   the few shapes a mobile or 身份证 must contain (11 digits in a row, 3-4-4
   groups, 6-8-4 groups). This runs at a few hundred MB/s; a regex over the raw
   bytes ran at 6-140 MB/s. Full-width digits, and a full-width hyphen or
   ideographic space between digits (which the masker folds), send the whole
   file to step 3.
3. Only byte windows around a shape are decoded and checked with the same
   detectors (checksum, date, province) the masker uses. Findings are reported
   masked, so the build log itself does not repeat the leak.

One process, no pool: a forked worker shares the build's heap (1 GB at 100k
cases) and grows as it touches it. A full build's scan of 100k cases (1.8 GB,
207,000 files) costs about 25-45 s of one core here; two *spawned* workers
would halve its wall time, but spawn re-runs the caller's main script in each
worker, which is only safe behind an ``if __name__ == "__main__"`` guard.
A rebuild reads only what changed (well under a second).
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import io
import logging
import os
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import WenzhengError
from ..forking import can_fork, pool, worker_count
from . import masking
from .masking import KIND_LABELS, find

log = logging.getLogger(__name__)

SKIPPED_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".avif", ".bmp",
                    ".woff", ".woff2", ".ttf", ".otf", ".eot", ".wasm", ".mp3", ".mp4", ".webm",
                    ".sha256"}  # the search index's input digest: hex digits that can look like a phone number
DEFAULT_KINDS = ("id_card", "mobile")

# Prefilter: digits become "0" and the separators numbers are grouped with become "-", so a
# few literal searches cover every way the masker's mobile and 身份证 patterns can be written.
_SHAPE_TABLE = bytes.maketrans(b"0123456789 .-", b"0000000000---")
_SHAPES = {
    "mobile": (b"0" * 11, b"000-0000-0000"),
    "id_card": (b"0" * 11, b"000000-00000000-000"),
}
# A digit, a full-width hyphen or ideographic space (folded to "-" and " " by the masker), a digit.
_FOLDED_SEPARATORS = (b"0\xef\xbc\x8d0", b"0\xe3\x80\x800")
# Full-width digits (U+FF10-FF19, EF BC 90-99 in UTF-8): rare, so each one is a hit. (A
# pattern for whole runs, (?:…)+, loses re's literal-prefix search and runs 15x slower.)
_FULL_WIDTH_DIGIT = re.compile(rb"\xef\xbc[\x90-\x99]")
# Bytes around a hit the detectors see: a whole number holding it (a full-width 身份证 in
# groups is 60 bytes) and what the detectors read before it (+86, 身份证号：).
_CONTEXT = 128
_RUN_BYTES = frozenset(b"0123456789")
_NOT_CONTINUATION = bytes(b for b in range(256) if not 0x80 <= b < 0xC0)
#: Large files (a 100k-case export is hundreds of MB) are read in blocks of this size,
#: each scanned with _OVERLAP bytes of its neighbours as context.
CHUNK = 8 << 20
_OVERLAP = 4096
MAX_REPORTED = 50
#: Where the manifest of clean files lives when the settings name no CACHE_PATH.
FALLBACK_CACHE = ".wenzheng-cache"


@dataclass(frozen=True)
class Leak:
    path: str  # relative to the output folder; "archive.xlsx!xl/sharedStrings.xml" inside containers
    line: int
    column: int
    kind: str
    masked: str

    def __str__(self) -> str:
        return f"{self.path} 第 {self.line} 行第 {self.column} 列：未打码的{KIND_LABELS[self.kind]} {self.masked}"


class PersonalDataLeak(WenzhengError, RuntimeError):
    """Unmasked personal data in the output folder; the build must fail."""

    def __init__(self, leaks: list[Leak], folder: Path):
        self.leaks = leaks
        shown = "\n".join(f"  - {leak}" for leak in leaks[:MAX_REPORTED])
        more = f"\n  ……另有 {len(leaks) - MAX_REPORTED} 处" if len(leaks) > MAX_REPORTED else ""
        super().__init__(f"输出目录 {folder} 中发现 {len(leaks)} 处未打码的个人信息，构建失败：\n{shown}{more}")


# --- one file ---------------------------------------------------------------------------------

def scan_bytes(data: bytes, name: str, kinds=DEFAULT_KINDS) -> list[Leak]:
    """Leaks in one file's content (decompressing gzip and zip containers)."""
    if data[:2] == b"\x1f\x8b" or data[:4] == b"PK\x03\x04":
        return _scan_source(io.BytesIO(data), name, tuple(kinds))
    return _scan_block(data, 0, len(data), _Cursor(), name, tuple(kinds))


def _scan_file(path: str, size: int, name: str, kinds: tuple) -> list[Leak]:
    with open(path, "rb", buffering=0) as handle:
        if size <= CHUNK:  # nearly every file: one read, one block
            return scan_bytes(handle.readall(), name, kinds)
        return _scan_source(handle, name, kinds)


def _scan_source(handle, name: str, kinds: tuple) -> list[Leak]:
    """Leaks in a seekable binary stream: gzip and zip opened, anything else read as text."""
    magic = handle.read(4)
    handle.seek(0)
    if magic[:2] == b"\x1f\x8b":
        try:
            return _scan_stream(gzip.GzipFile(fileobj=handle), name, kinds)
        except (OSError, EOFError, zlib.error):
            log.warning("无法解压 %s，按原样扫描", name)
    elif magic == b"PK\x03\x04":
        try:
            return _scan_zip(handle, name, kinds)
        except zipfile.BadZipFile:
            log.warning("无法读取压缩包 %s，按原样扫描", name)
    handle.seek(0)
    return _scan_stream(handle, name, kinds)


def _scan_zip(handle, name: str, kinds: tuple) -> list[Leak]:
    leaks: list[Leak] = []
    with zipfile.ZipFile(handle) as archive:
        for member in archive.namelist():
            with archive.open(member) as stream:
                leaks += _scan_source(stream, f"{name}!{member}", kinds)
    return leaks


def _scan_stream(stream, name: str, kinds: tuple) -> list[Leak]:
    """Leaks in a text stream, read CHUNK bytes at a time (a 100k-case export is hundreds of MB).

    Each block is scanned with _OVERLAP bytes of the blocks before and after it
    as context; only findings that start in the block itself are kept, so none
    is reported twice and none is cut at a block edge.
    """
    leaks: list[Leak] = []
    cursor = _Cursor()
    before, fresh = b"", stream.read(CHUNK)
    while fresh:
        ahead = stream.read(CHUNK)
        block = before + fresh + ahead[:_OVERLAP]
        leaks += _scan_block(block, len(before), len(before) + len(fresh), cursor, name, kinds)
        cursor.advance(fresh)
        before, fresh = (before + fresh)[-_OVERLAP:], ahead
    return leaks


def _scan_block(block: bytes, low: int, high: int, cursor: "_Cursor", name: str, kinds: tuple) -> list[Leak]:
    """Leaks starting in block[low:high]; the bytes around are context. ``cursor``: position of ``low``."""
    leaks = []
    for start, end in _windows(block, kinds):
        # surrogateescape: a block may start inside a character (or a file hold stray bytes);
        # each such byte becomes one character and encodes back to itself, so offsets stay exact.
        text = block[start:end].decode("utf-8", "surrogateescape")
        for f in find(text, kinds):
            at = start + len(text[:f.start].encode("utf-8", "surrogateescape"))
            if low <= at < high:
                leaks.append(Leak(name, *cursor.position(block, low, at), f.kind, f.masked))
    return leaks


def _windows(data: bytes, kinds) -> list[tuple[int, int]]:
    """Byte ranges the detectors must see: none for almost every file."""
    if not data:
        return []
    if any(kind not in _SHAPES for kind in kinds):
        return [(0, len(data))]
    hits = [m.span() for m in _shapes(kinds).finditer(data.translate(_SHAPE_TABLE))]
    hits += [m.span() for m in _FULL_WIDTH_DIGIT.finditer(data)]
    return _merge(data, sorted(hits))


@functools.lru_cache
def _shapes(kinds: tuple) -> re.Pattern:
    """One pattern for the shapes of ``kinds``: a single pass, and every shape starts with "0"."""
    needles = sorted({shape for kind in kinds for shape in _SHAPES[kind]} | set(_FOLDED_SEPARATORS))
    return re.compile(b"|".join(re.escape(needle) for needle in needles))


def _merge(data: bytes, hits: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Windows of _CONTEXT bytes around the hits, merged, widened to whole digit runs and UTF-8 characters.

    Whole runs, so the detectors' "no digit before/after" rules see what the
    full text would show them.
    """
    windows: list[list[int]] = []
    for hit_start, hit_end in hits:
        start, end = max(0, hit_start - _CONTEXT), min(len(data), hit_end + _CONTEXT)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    for window in windows:
        start, end = window
        while start > 0 and (data[start - 1] in _RUN_BYTES or 0x80 <= data[start] < 0xC0):
            start -= 1
        while end < len(data) and (data[end] in _RUN_BYTES or 0x80 <= data[end] < 0xC0):
            end += 1
        window[:] = [start, end]
    return [tuple(w) for w in windows]


def _characters(data: bytes) -> int:
    """Characters in UTF-8 bytes: every byte that is not a continuation byte starts one."""
    return len(data) - len(data.translate(None, _NOT_CONTINUATION))


class _Cursor:
    """1-based line and column (in characters) at the start of the current block of a stream."""

    def __init__(self):
        self.line, self.column = 1, 1

    def position(self, block: bytes, low: int, offset: int) -> tuple[int, int]:
        newline = block.rfind(b"\n", low, offset)
        if newline < 0:
            return self.line, self.column + _characters(block[low:offset])
        return self.line + block.count(b"\n", low, offset), _characters(block[newline + 1:offset]) + 1

    def advance(self, block: bytes) -> None:
        self.line, self.column = self.position(block, 0, len(block))


# --- the folder, with the manifest of clean files --------------------------------------------

@dataclass
class ScanReport:
    leaks: list[Leak] = field(default_factory=list)
    scanned: list[str] = field(default_factory=list)  # files read this time (relative paths)
    unchanged: int = 0  # files skipped: the same as when last found clean
    bytes_read: int = 0


def _output_files(folder: str):
    """(relative posix path, path, stat) of every file the scan reads, in no particular order.

    A walk, not a list (100k case folders would hold tens of MB of stat results), and
    without recursion: a rebuild's scan is mostly this walk, ~200,000 files at 100k cases.
    """
    pending = [(folder, "")]
    while pending:
        path, relative = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                name = entry.name
                if entry.is_dir():
                    pending.append((entry.path, f"{relative}{name}/"))
                elif entry.is_file() and name[name.rfind("."):].lower() not in SKIPPED_SUFFIXES:
                    yield relative + name, entry.path, entry.stat()


def _fingerprint(relative: str, stat: os.stat_result) -> bytes:
    key = f"{relative}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}\0{stat.st_ino}"
    return hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=16).digest()


def _rules(kinds) -> bytes:
    """What a clean verdict depends on besides the file: the scan and masking code, the kinds."""
    digest = hashlib.blake2b(",".join(sorted(kinds)).encode(), digest_size=16)
    for module in (masking.__file__, __file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest().encode() + b"\n"


def _load_manifest(path: Path, rules: bytes) -> set[bytes]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return set()
    if not data.startswith(rules):
        return set()
    body = data[len(rules):]
    return {body[i:i + 16] for i in range(0, len(body) - len(body) % 16, 16)}


def _save_manifest(path: Path, rules: bytes, clean: list[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(rules + b"".join(sorted(clean)))
    os.replace(temporary, path)


def scan_tree(folder: str | Path, kinds=DEFAULT_KINDS, manifest: str | Path | None = None) -> ScanReport:
    """Scan the output folder; with a manifest, only files changed since they were last found clean."""
    folder = Path(folder)
    kinds = tuple(kinds)
    rules = _rules(kinds)
    known = _load_manifest(Path(manifest), rules) if manifest else set()
    report, clean, todo = ScanReport(), [], []
    for relative, path, stat in _output_files(str(folder)):
        fingerprint = _fingerprint(relative, stat)
        if fingerprint in known:
            report.unchanged += 1
            clean.append(fingerprint)
        else:
            todo.append((relative, path, stat.st_size, fingerprint))
    for (relative, _, size, fingerprint), leaks in zip(todo, _scan_files(todo, kinds)):
        report.scanned.append(relative)
        report.bytes_read += size
        if leaks:
            report.leaks += leaks
        else:
            clean.append(fingerprint)
    if manifest:
        _save_manifest(Path(manifest), rules, clean)
    report.leaks.sort(key=lambda leak: leak.path)  # stable: in a file, by position
    report.scanned.sort()
    return report


#: Files to read before reading them on every core pays (a first build of 100,000 cases has 200,000).
PARALLEL_MIN = 5000


def _scan_files(todo: list[tuple], kinds: tuple) -> list[list[Leak]]:
    """The leaks of each file of ``todo`` (relative, path, size, fingerprint), in order."""
    jobs = [(path, size, relative, kinds) for relative, path, size, _ in todo]
    workers = worker_count()
    if len(jobs) < PARALLEL_MIN or workers < 2 or not can_fork():
        return [_scan_file(*job) for job in jobs]
    with pool(workers) as forked:
        return forked.starmap(_scan_file, jobs, chunksize=256)


def scan_folder(folder: str | Path, kinds=DEFAULT_KINDS) -> list[Leak]:
    """Every leak in the output folder, in path order (every file read)."""
    return scan_tree(folder, kinds).leaks


def manifest_path(settings: dict, folder: Path) -> Path:
    """The manifest of one output folder, in the build's cache folder."""
    cache = Path(settings.get("CACHE_PATH") or folder.resolve().parent / FALLBACK_CACHE)
    key = hashlib.blake2b(str(folder.resolve()).encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
    return cache / "wenzheng" / f"scan-{key}.manifest"


def scan_output(target) -> ScanReport | None:
    """FINALIZER: fail the build on unmasked personal data anywhere in the output folder.

    ``target`` is whatever carries ``settings`` and the output folder: the
    site's finalizer context or the Pelican object of the ``finalized`` signal.
    """
    settings = getattr(target, "settings", {}) or {}
    if not settings.get("WENZHENG_SCAN_OUTPUT", True):
        return None
    folder = Path(getattr(target, "output_path", None) or settings["OUTPUT_PATH"])
    report = scan_tree(folder, settings.get("WENZHENG_SCAN_KINDS", DEFAULT_KINDS), manifest_path(settings, folder))
    log.info("输出扫描：读取 %d 个文件（%.1f MB），%d 个自上次扫描未变", len(report.scanned),
             report.bytes_read / 1e6, report.unchanged)
    if report.leaks:
        raise PersonalDataLeak(report.leaks, folder)
    return report
