"""The output scan: the build fails if unmasked personal data of any kind the masker knows
(``WENZHENG_SCAN_KINDS``, default all: phones, 身份证, cards, e-mail, WeChat, QQ, plates, writers'
names, door numbers) reached any output file.

A last line of defence behind ``prepare_petition``: it runs after Pelican and
the search indexer have written everything (a FINALIZER, see site/outputs.py)
and reads every file of the output folder:

- text files (HTML, XML feeds, JSON, CSV, JS, sitemaps…) as UTF-8;
- gzip streams (any ``.gz``) decompressed first;
- zip containers (XLSX exports) member by member;
- media and fonts (png, jpg, woff, wasm…) are skipped: no text of a petition
  is written into them.

The search index (site/search_index.py) holds character pairs, not text; the
case texts it is built from (``search/text/``) are scanned like every file.

It allows what the masker allows: numbers in ``WENZHENG_PUBLIC_NUMBERS``, tracking numbers
and quantities, and (since a built page does not say which text is a reply) a landline
presented as an office's contact anywhere (see ``Rules``).

Speed, in three steps:

1. Only files changed since the last clean scan are read. A manifest in the
   build's cache folder (Pelican's ``CACHE_PATH``) holds a fingerprint of every
   file found clean (path, size, mtime, ctime, inode: the ctime moves on any
   write and cannot be set back by a copy or ``touch``). It is bound to the scan
   rules (the source of this module and of the masker, the kinds, the public
   numbers): change a rule and everything is read again. A file with a leak is
   never recorded, so it is reported again until it is fixed.
2. Each file read is prefiltered: ``bytes.translate`` turns every ASCII digit
   into "0" (and space, dot, hyphen, tab and line breaks into "-"), then one
   pattern with a literal start finds the shapes every number the masker reads
   must contain (3 digits beside 4, up to six separator bytes between); one
   alternation per pass finds the words the other kinds cannot match without
   (本人, 微信, qq, @, 0室…), and a second translation finds a province character
   before a letter (plates). Full-width digits and letters, and a full-width hyphen
   or ideographic space between digits (which the masker folds), are hits too.
3. Only byte windows around the hits are decoded and checked with the same
   detectors (checksum, date, province, cues) the masker uses, each window with the
   detectors of the kinds that hit in it. Findings are reported masked, so the build
   log itself does not repeat the leak.

One process, no pool: a forked worker shares the build's heap (1 GB at 100k
cases) and grows as it touches it. A full build's scan of 100k cases (1.8 GB,
207,000 files) cost 25-45 s of one core with two kinds; with every kind about
0.075 s of CPU a MB (bench/RESULTS-masking.md), some two minutes; two *spawned* workers
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
from . import masking, writer_names
from .masking import (EXTRA_PLATE_PREFIXES, KIND_LABELS, KINDS, PROVINCE_ABBREVIATIONS, QQ_CUES, WECHAT_CUES,
                      Options, find)
from .writer_names import CUES as NAME_CUES
from .settings import TrustSettings

log = logging.getLogger(__name__)

SKIPPED_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".avif", ".bmp",
                    ".woff", ".woff2", ".ttf", ".otf", ".eot", ".wasm", ".mp3", ".mp4", ".webm",
                    ".sha256"}  # the search index's input digest: hex digits that can look like a phone number
DEFAULT_KINDS = KINDS


@dataclass(frozen=True)
class Rules:
    """What the scan looks for: the kinds, and the numbers the newsroom declared public.

    The scan cannot tell a department's reply from a resident's text in a built page, so it
    allows everywhere what the masker allows in a reply: a landline the text presents as an
    office's contact (masking.office_contact). Names are looked for by their cues only (a
    name the masker carried over from another field has no cue next to it in the page).
    """

    kinds: tuple = DEFAULT_KINDS
    public_numbers: frozenset = frozenset()

    @property
    def options(self) -> Options:
        return Options(public_numbers=self.public_numbers, reply=True, carry_names=False)


def _as_rules(kinds, public: frozenset = frozenset()) -> Rules:
    return kinds if isinstance(kinds, Rules) else Rules(tuple(kinds), frozenset(public))


# Prefilter, numbers: digits become "0" and what may separate the groups of a number becomes
# "-", so one pattern with a literal start covers every spelling the masker reads as a chain
# (masking._LONG_NUMBER: 3 digits next to 4, up to two separators or a wrapped line between).
_SHAPE_TABLE = bytes.maketrans(b"0123456789 .-\t\r\n", b"0000000000------")
_SEP = rb"(?:-|\xe2\x80[\x93\x94])"  # also an en or em dash (3 bytes in UTF-8)
_NUMBER_SHAPE = re.compile(rb"000(?:0" + _SEP + rb"{0,6}000|" + _SEP + rb"{1,6}0000)|0" + _SEP + rb"0{1,2}-000")
# A number shape wakes the number detectors, the dashed door number (5-2-301) and a signature
# (a name before a phone number).
_NUMBER_HIT = frozenset({"mobile", "id_card", "bank_card", "landline", "address", "name"})
# A digit, a full-width hyphen or ideographic space (folded to "-" and " " by the masker), a digit.
_FOLDED_SEPARATORS = re.compile(rb"0(?:\xef\xbc\x8d|\xe3\x80\x80)0")
# Full-width digits and letters (folded by the masker): rare, so each one is a hit. (A
# pattern for whole runs, (?:…)+, loses re's literal-prefix search and runs 15x slower.)
_FULL_WIDTH_DIGIT = re.compile(rb"\xef\xbc[\x90-\x99\xa1-\xba]|\xef\xbd[\x81-\x9a]")
# Prefilter, everything else: words a detector cannot match without (ASCII ones lowercased).
_CUES = {
    "email": (b"@",),
    "wechat": tuple(cue.lower().encode() for cue in WECHAT_CUES),
    "qq": tuple(cue.encode() for cue in QQ_CUES),
    "name": tuple(cue.encode() for cue in NAME_CUES) + (b"****", "电话".encode(), "手机".encode(),
                                                        "联系".encode(), "身份证".encode(), "微信".encode()),
    # On the digit-shaped bytes: a door-level part always has a digit beside one of these words.
    "address": tuple(b"0" + word.encode() for word in "室房号楼层") + tuple(
        word.encode() + b"0" for word in "栋幢座楼组") + ("单元".encode(),),
}
_PROVINCE_BYTES = frozenset(c.encode() for c in PROVINCE_ABBREVIATIONS + EXTRA_PLATE_PREFIXES)
# Bytes around a hit the detectors see: a whole number holding it (a full-width 身份证 in
# groups is 60 bytes) and what the detectors read before it (+86, 身份证号：).
_CONTEXT = 128
_RUN_BYTES = frozenset(b"0123456789 .-\t\r\n")  # a window holds whole chains of digit groups
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

def scan_bytes(data: bytes, name: str, kinds=DEFAULT_KINDS, public_numbers: frozenset = frozenset()) -> list[Leak]:
    """Leaks in one file's content (decompressing gzip and zip containers)."""
    rules = _as_rules(kinds, public_numbers)
    if data[:2] == b"\x1f\x8b" or data[:4] == b"PK\x03\x04":
        return _scan_source(io.BytesIO(data), name, rules)
    return _scan_block(data, 0, len(data), _Cursor(), name, rules)


def _scan_file(path: str, size: int, name: str, rules: Rules) -> list[Leak]:
    with open(path, "rb", buffering=0) as handle:
        if size <= CHUNK:  # nearly every file: one read, one block
            return scan_bytes(handle.readall(), name, rules)
        return _scan_source(handle, name, rules)


def _scan_source(handle, name: str, rules: Rules) -> list[Leak]:
    """Leaks in a seekable binary stream: gzip and zip opened, anything else read as text."""
    magic = handle.read(4)
    handle.seek(0)
    if magic[:2] == b"\x1f\x8b":
        try:
            return _scan_stream(gzip.GzipFile(fileobj=handle), name, rules)
        except (OSError, EOFError, zlib.error):
            log.warning("无法解压 %s，按原样扫描", name)
    elif magic == b"PK\x03\x04":
        try:
            return _scan_zip(handle, name, rules)
        except zipfile.BadZipFile:
            log.warning("无法读取压缩包 %s，按原样扫描", name)
    handle.seek(0)
    return _scan_stream(handle, name, rules)


def _scan_zip(handle, name: str, rules: Rules) -> list[Leak]:
    leaks: list[Leak] = []
    with zipfile.ZipFile(handle) as archive:
        for member in archive.namelist():
            with archive.open(member) as stream:
                leaks += _scan_source(stream, f"{name}!{member}", rules)
    return leaks


def _scan_stream(stream, name: str, rules: Rules) -> list[Leak]:
    """Leaks in a text stream, read CHUNK bytes at a time (a 100k-case export is hundreds of MB).

    Each block is scanned with _OVERLAP bytes of the blocks before and after it
    as context; only findings that start in the block itself are kept, so none
    is reported twice and none is cut at a block edge.
    """
    leaks: list[Leak] = []
    cursor = _Cursor()
    # A block's lookahead must hold _OVERLAP bytes: read at least that much each time, and loop
    # over short reads (a raw file or a decompressor may return less than asked before the end).
    size = max(CHUNK, _OVERLAP)
    before, fresh = b"", _read(stream, size)
    while fresh:
        ahead = _read(stream, size)
        block = before + fresh + ahead[:_OVERLAP]
        leaks += _scan_block(block, len(before), len(before) + len(fresh), cursor, name, rules)
        cursor.advance(fresh)
        before, fresh = (before + fresh)[-_OVERLAP:], ahead
    return leaks


def _read(stream, size: int) -> bytes:
    """``size`` bytes of the stream, fewer only at its end."""
    parts, got = [], 0
    while got < size:
        part = stream.read(size - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def _scan_block(block: bytes, low: int, high: int, cursor: "_Cursor", name: str, rules: Rules) -> list[Leak]:
    """Leaks starting in block[low:high]; the bytes around are context. ``cursor``: position of ``low``."""
    leaks = []
    for start, end, kinds in _windows(block, rules.kinds):
        # surrogateescape: a block may start inside a character (or a file hold stray bytes);
        # each such byte becomes one character and encodes back to itself, so offsets stay exact.
        text = block[start:end].decode("utf-8", "surrogateescape")
        for f in find(text, tuple(kinds), rules.options):
            at = start + len(text[:f.start].encode("utf-8", "surrogateescape"))
            if low <= at < high:
                leaks.append(Leak(name, *cursor.position(block, low, at), f.kind, f.masked))
    return leaks


def _windows(data: bytes, kinds) -> list[tuple[int, int, frozenset]]:
    """Byte ranges the detectors must see, each with the kinds whose prefilter hit inside it.

    A finding of a kind lies within a few dozen bytes of that kind's hit, so the detectors of
    the other kinds need not run on the window (most windows are a "村" or an "@").
    """
    if not data:
        return []
    kinds = frozenset(kinds)
    hits: list[tuple[int, int, frozenset]] = []
    shaped = data.translate(_SHAPE_TABLE)
    numbers = _NUMBER_HIT & kinds
    if numbers:
        hits += [(*m.span(), numbers) for m in _NUMBER_SHAPE.finditer(shaped)]
        hits += [(*m.span(), numbers) for m in _FOLDED_SEPARATORS.finditer(shaped)]
    hits += [(*m.span(), kinds) for m in _FULL_WIDTH_DIGIT.finditer(data)]
    if "plate" in kinds:
        hits += _plate_hits(data)
    words, letters = _cue_pattern(kinds - {"address"}, False), _cue_pattern(kinds - {"address"}, True)
    for text, (pattern, tags) in ((data, words), (shaped, _cue_pattern(kinds & {"address"}, False)),
                                  (data.lower() if letters[0] else b"", letters)):
        if pattern:
            hits += [(*m.span(), tags[m.group()]) for m in pattern.finditer(text)]
    return _merge(data, sorted(hits, key=lambda hit: hit[0]))


@functools.lru_cache
def _cue_pattern(kinds: frozenset, letters: bool) -> tuple[re.Pattern | None, dict[bytes, frozenset]]:
    """One pattern for the cues of ``kinds`` that are ASCII letters (``letters``: matched in the
    lowercased bytes, so any case) or not, and the kinds of each cue.

    One pass of an alternation is faster than a ``bytes.find`` loop per cue (42 cues); re's
    IGNORECASE would make it ten times slower.
    """
    tags: dict[bytes, frozenset] = {}
    for kind in kinds & _CUES.keys():
        for cue in _CUES[kind]:
            if cue.isalpha() == letters:
                tags[cue] = tags.get(cue, frozenset()) | {kind}
    if not tags:
        return None, tags
    return re.compile(b"|".join(re.escape(cue) for cue in sorted(tags, key=len, reverse=True))), tags


# Plates: every byte of a multi-byte character but the first becomes "c", every ASCII letter "A":
# a province character then a letter is "cA" (or "c A", "c\xc2cA" with a middle dot).
_PLATE_TABLE = bytes.maketrans(bytes(range(0x80, 0xC0)) + bytes(range(65, 91)) + bytes(range(97, 123)),
                               b"c" * 64 + b"A" * 52)
_PLATE_NEEDLES = (b"cA", b"c A", b"\xc2cA", b"\xe2ccA", b"\xe3ccA")


def _plate_hits(data: bytes) -> list[tuple[int, int, frozenset]]:
    shaped, hits, tag = data.translate(_PLATE_TABLE), [], frozenset({"plate"})
    for needle in _PLATE_NEEDLES:
        at = shaped.find(needle)
        while at >= 0:
            if data[at - 2:at + 1] in _PROVINCE_BYTES:
                hits.append((at - 2, at + len(needle), tag))
            at = shaped.find(needle, at + 1)
    return hits


def _merge(data: bytes, hits: list[tuple[int, int, frozenset]]) -> list[tuple[int, int, frozenset]]:
    """Windows of _CONTEXT bytes around the hits, merged, widened to whole digit runs and UTF-8 characters.

    Whole runs, so the detectors' "no digit before/after" rules see what the
    full text would show them.
    """
    windows: list[list] = []
    for hit_start, hit_end, kinds in hits:
        start, end = max(0, hit_start - _CONTEXT), min(len(data), hit_end + _CONTEXT)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
            windows[-1][2] = windows[-1][2] | kinds
        else:
            windows.append([start, end, kinds])
    for window in windows:
        start, end, kinds = window
        while start > 0 and (data[start - 1] in _RUN_BYTES or 0x80 <= data[start] < 0xC0):
            start -= 1
        while end < len(data) and (data[end] in _RUN_BYTES or 0x80 <= data[end] < 0xC0):
            end += 1
        window[:] = [start, end, kinds]
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


def _rules(rules: Rules) -> bytes:
    """What a clean verdict depends on besides the file: the scan and masking code, the rules."""
    key = ",".join(sorted(rules.kinds)) + "|" + ",".join(sorted(rules.public_numbers))
    digest = hashlib.blake2b(key.encode(), digest_size=16)
    for module in (masking.__file__, writer_names.__file__, __file__):
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


def scan_tree(folder: str | Path, kinds=DEFAULT_KINDS, manifest: str | Path | None = None,
              public_numbers: frozenset = frozenset()) -> ScanReport:
    """Scan the output folder; with a manifest, only files changed since they were last found clean."""
    folder = Path(folder)
    rules = _as_rules(kinds, public_numbers)
    signature = _rules(rules)
    known = _load_manifest(Path(manifest), signature) if manifest else set()
    report, clean, todo = ScanReport(), [], []
    for relative, path, stat in _output_files(str(folder)):
        fingerprint = _fingerprint(relative, stat)
        if fingerprint in known:
            report.unchanged += 1
            clean.append(fingerprint)
        else:
            todo.append((relative, path, stat.st_size, fingerprint))
    for (relative, _, size, fingerprint), leaks in zip(todo, _scan_files(todo, rules)):
        report.scanned.append(relative)
        report.bytes_read += size
        if leaks:
            report.leaks += leaks
        else:
            clean.append(fingerprint)
    if manifest:
        _save_manifest(Path(manifest), signature, clean)
    report.leaks.sort(key=lambda leak: leak.path)  # stable: in a file, by position
    report.scanned.sort()
    return report


#: Files to read before reading them on every core pays (a first build of 100,000 cases has 200,000).
PARALLEL_MIN = 5000


def _scan_files(todo: list[tuple], rules: Rules) -> list[list[Leak]]:
    """The leaks of each file of ``todo`` (relative, path, size, fingerprint), in order."""
    jobs = [(path, size, relative) for relative, path, size, _ in todo]

    def scan(job: tuple) -> list[Leak]:
        return _scan_file(*job, rules)

    workers = worker_count()
    if len(jobs) < PARALLEL_MIN or workers < 2 or not can_fork():
        return [scan(job) for job in jobs]
    with pool(workers, scan) as forked:
        return forked.map(jobs, chunksize=256)


def scan_folder(folder: str | Path, kinds=DEFAULT_KINDS) -> list[Leak]:
    """Every leak in the output folder, in path order (every file read)."""
    return scan_tree(folder, kinds).leaks


def manifest_path(settings: dict, folder: Path) -> Path:
    """The manifest of one output folder, in the build's cache folder."""
    cache = Path(settings.get("CACHE_PATH") or folder.resolve().parent / FALLBACK_CACHE)
    key = hashlib.blake2b(str(folder.resolve()).encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
    return cache / "wenzheng" / f"scan-{key}.manifest"


def scan_output(target: object) -> ScanReport | None:
    """FINALIZER: fail the build on unmasked personal data anywhere in the output folder.

    ``target`` is whatever carries ``settings`` and the output folder: the
    site's finalizer context or the Pelican object of the ``finalized`` signal.
    """
    settings = getattr(target, "settings", {}) or {}
    options = TrustSettings.of(settings)
    if not options.scan_output:
        return None
    folder = Path(getattr(target, "output_path", None) or settings["OUTPUT_PATH"])
    rules = Rules(options.scan_kinds, options.public_digits)
    report = scan_tree(folder, rules, manifest_path(settings, folder))
    log.info("输出扫描：读取 %d 个文件（%.1f MB），%d 个自上次扫描未变", len(report.scanned),
             report.bytes_read / 1e6, report.unchanged)
    if report.leaks:
        raise PersonalDataLeak(report.leaks, folder)
    return report
