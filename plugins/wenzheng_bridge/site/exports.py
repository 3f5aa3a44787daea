"""Open data: every public case as JSON, CSV and Open311 GeoReport v2 JSON.

Files (under the output folder):
  data/cases.json              {"generated", "count", "cases": [case record, ...]}
  data/cases.csv               one row per case, UTF-8 with BOM so spreadsheet software reads Chinese
  data/open311/requests.json   GeoReport v2 service requests (the format of GET requests.json)
  data/open311/services.json   GeoReport v2 service list (type/field pairs)

Text is the masked plain text the case view hands out, as data: a petition
that quotes "<A4区…>" keeps its words (markup is escaped where HTML is made,
never stripped from data); a CSV cell that a spreadsheet would read as a
formula (``=HYPERLINK(…)``) starts with ``'``. Each file is streamed case by
case, so 100,000 cases never sit in memory as one document.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable, Iterator

from ..caseview.model import Case
from ..records import CLOSED_STATUSES, SHANGHAI
from ..trust.sanitize import spreadsheet_cell
from ..urls import absolute
from .row import case_updated
from .sitemap import case_path
from .settings import SiteSettings
from .slugs import Slugs
from .build import Build

log = logging.getLogger(__name__)

CASES_JSON = "data/cases.json"
CASES_CSV = "data/cases.csv"
OPEN311_REQUESTS = "data/open311/requests.json"
OPEN311_SERVICES = "data/open311/services.json"

#: GeoReport v2 fields written for each request, in the specification's order.
OPEN311_FIELDS = (
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "requested_datetime", "updated_datetime",
    "expected_datetime",
)

CSV_COLUMNS = (
    "id", "url", "title", "board", "board_inferred", "department", "unit", "type", "type_inferred", "field", "status",
    "platform_state",
    "posted", "deadline", "updated", "first_reply", "reply_working_days", "overdue_days",
    "likes", "body", "replies",
)


def iso(when: datetime | None) -> str | None:
    """ISO 8601 with the +08:00 zone (naive times are taken as Shanghai time)."""
    if when is None:
        return None
    when = when if when.tzinfo else when.replace(tzinfo=SHANGHAI)
    return when.astimezone(SHANGHAI).isoformat(timespec="seconds")


def public_cases(build: Build) -> list[Case]:
    """The full cases an output may show; build.cases is already public, this guards the promise."""
    return [case for case in build.cases if case.public]


def case_record(case: Case, settings: dict) -> dict:
    """One case as open data (cases.json)."""
    p = case.petition
    return {
        "id": case.key,
        "url": absolute(settings, case_path(case)),
        "source": p.source,
        "source_id": p.source_id,
        "source_url": p.url,
        "title": p.title,
        "body": p.body,
        "board": p.board,
        # Evidence when the tool inferred it (推断), "" when the source gave it.
        "board_inferred": _inferred(p, "board"),
        "department": case.department,
        "unit": case.unit,
        "type": p.type,
        "type_inferred": _inferred(p, "type"),
        "field": p.field,
        "status": case.status,
        "status_evidence": case.evidence,
        "platform_state": case.platform_state,  # the platform's own word, as it wrote it
        "reply_known": case.reply_known,  # false: the source carries no reply data (答复情况不明)
        "late": case.late,  # the one lateness rule; null when it cannot be known
        "posted": iso(p.posted),
        "deadline": iso(case.deadline),
        "updated": iso(case_updated(case)),
        "overdue_days": case.overdue_days,
        "likes": p.likes,
        "views": p.views,
        "clocks": {
            name: {"working_days": c.working_days, "calendar_days": c.calendar_days, "running": c.running}
            for name, c in case.clocks.items()
        },
        "replies": [
            {"unit": r.unit, "time": iso(r.time), "final": r.final, "text": r.text}
            for r in p.replies
        ],
        "timeline": [
            {"kind": e.kind, "time": iso(e.time), "label": e.label, "who": e.who,
             "text": e.text, "url": _link(settings, e.url) if e.url else ""}
            for e in case.timeline
        ],
        "articles": [
            {"title": a.title, "url": _link(settings, a.url), "date": iso(a.date)} for a in case.articles
        ],
    }


def _inferred(petition, fact: str) -> str:
    return str((petition.extra.get("inferred") or {}).get(fact, ""))


def csv_row(case: Case, settings: dict, record: dict | None = None) -> dict:
    """One case as a flat CSV row (cases.csv): the open-data record, flattened."""
    record = record or case_record(case, settings)
    reply_clock = record["clocks"].get("reply") or {}
    flat = {
        **record,
        "first_reply": min((r["time"] for r in record["replies"] if r["time"]), default=None),
        "reply_working_days": reply_clock.get("working_days"),
        "replies": "\n\n".join(r["text"] for r in record["replies"]),
    }
    return {column: spreadsheet_cell(flat[column]) for column in CSV_COLUMNS}


def service_code(case: Case, slugs: Slugs) -> str:
    return f"{slugs(case.petition.type)}-{slugs(case.petition.field)}"


def service_name(case: Case) -> str:
    """Type and field, e.g. 诉求/城乡建设 (the type alone when the source has no field)."""
    return "/".join(part for part in (case.petition.type, case.petition.field) if part)


def open311_request(case: Case, slugs: Slugs) -> dict:
    """One case as a GeoReport v2 service request."""
    p = case.petition
    notes = case.status + (f"：{case.evidence}" if case.evidence else "")
    if case.platform_state:
        notes += f"；平台状态：{case.platform_state}"
    return {
        "service_request_id": case.key,
        "status": "closed" if case.status in CLOSED_STATUSES else "open",
        "status_notes": notes,
        "service_name": service_name(case),
        "service_code": service_code(case, slugs),
        "description": p.body,
        "agency_responsible": case.department or case.unit or p.board,
        "requested_datetime": iso(p.posted),
        "updated_datetime": iso(case_updated(case)),
        "expected_datetime": iso(case.deadline),
    }


def open311_services(cases: Iterable[Case], slugs: Slugs) -> list[dict]:
    """The GeoReport v2 service list: one service per type/field pair that occurs."""
    services: dict[str, dict] = {}
    for case in cases:
        code = service_code(case, slugs)
        services.setdefault(code, {
            "service_code": code,
            "service_name": service_name(case),
            "description": f"网络问政留言：{service_name(case)}",
            "metadata": False,
            "type": "realtime",
            "keywords": ",".join(x for x in (case.petition.type, case.petition.field) if x),
            "group": case.petition.type,
        })
    return sorted(services.values(), key=lambda s: s["service_code"])


def write_exports(build: Build) -> dict[str, Path]:
    """OUTPUTS entry: write the open data files; returns them by name.

    In a site build the cases were added while they streamed (``build.streamed["exports"]``);
    given full cases in ``build.cases`` it adds them here.
    """
    exporter = build.streamed.get("exports")
    if not isinstance(exporter, Exporter):
        exporter = Exporter(build.settings, Path(build.output_path))
        for case in public_cases(build):
            exporter.add(case)
    return exporter.finish()


@dataclass(slots=True)
class CaseLines:
    """One case's share of the open data files, made wherever the case is built."""

    updated: datetime | None
    json: str
    csv: str
    open311: str
    services: list[dict]


def case_lines(case: Case, settings: dict, slugs: Slugs) -> CaseLines:
    record = case_record(case, settings)
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n").writerow(csv_row(case, settings, record))
    return CaseLines(case_updated(case), _dump(record), buffer.getvalue(), _dump(open311_request(case, slugs)),
                     open311_services([case], slugs))


@dataclass
class ExportPart:
    """The lines of a run of cases, written to files by a worker of the site's parallel pass.

    Handing the main process file names instead of the lines (about 7 KB a case)
    spares it unpickling and writing again most of the open data.
    """

    count: int
    newest: datetime | None
    services: list[dict]
    files: dict[str, str]  # output file name -> part file; JSON items each after "\n", joined by ","


def write_part(lines: list[CaseLines], folder: Path, name: str) -> ExportPart:
    """Write the lines of some cases into part files under ``folder`` (``name`` unique per part)."""
    texts = {
        CASES_JSON: "\n" + ",\n".join(line.json for line in lines),
        CASES_CSV: "".join(line.csv for line in lines),
        OPEN311_REQUESTS: "\n" + ",\n".join(line.open311 for line in lines),
    }
    files = {}
    for output, text in texts.items():
        files[output] = str(folder / f"{name}.{output.replace('/', '-')}")
        Path(files[output]).write_bytes(text.encode("utf-8"))
    newest = max((line.updated for line in lines if line.updated), default=None)
    return ExportPart(len(lines), newest, [s for line in lines for s in line.services], files)


class Exporter:
    """The open data files, one case (or one worker's part) at a time, into temporary files.

    The JSON head (generation time, count) is known only at the end, so ``finish``
    joins head and cases into the final file, which replaces the old one only when
    its bytes differ.
    """

    def __init__(self, settings: dict, root: Path):
        self.settings = settings
        self.root = Path(root)
        self.slugs = Slugs(SiteSettings.of(settings).slugs)
        self.count = 0
        self.newest: datetime | None = None
        self.services: dict[str, dict] = {}
        self.parts = {name: tempfile.TemporaryFile("w+b") for name in (CASES_JSON, CASES_CSV, OPEN311_REQUESTS)}

    def add(self, case: Case) -> None:
        self.add_lines(case_lines(case, self.settings, self.slugs))

    def add_lines(self, lines: CaseLines) -> None:
        """Append one case's lines."""
        separator = "," if self.count else ""
        self._count(1, lines.updated, lines.services)
        self.parts[CASES_JSON].write((separator + "\n" + lines.json).encode("utf-8"))
        self.parts[OPEN311_REQUESTS].write((separator + "\n" + lines.open311).encode("utf-8"))
        self.parts[CASES_CSV].write(lines.csv.encode("utf-8"))

    def add_part(self, part: ExportPart) -> None:
        """Append a worker's part files (then removed), as if their cases were added one by one."""
        if not part.count:
            return
        separator = b"," if self.count else b""
        self._count(part.count, part.newest, part.services)
        for name, path in part.files.items():
            target = self.parts[name]
            if name != CASES_CSV:
                target.write(separator)
            with open(path, "rb") as source:
                shutil.copyfileobj(source, target)
            os.unlink(path)

    def _count(self, count: int, newest: datetime | None, services: list[dict]) -> None:
        self.count += count
        if newest and (self.newest is None or newest > self.newest):
            self.newest = newest
        for service in services:
            self.services.setdefault(service["service_code"], service)

    def finish(self) -> dict[str, Path]:
        head = {"generated": iso(self.newest), "count": self.count}
        header = io.StringIO()
        csv.DictWriter(header, fieldnames=CSV_COLUMNS, lineterminator="\r\n").writeheader()
        files = {
            CASES_JSON: [_dump(head)[:-1] + f",{_dump('cases')}:[", self.parts[CASES_JSON], "\n]\n}\n"],
            CASES_CSV: ["\ufeff" + header.getvalue(), self.parts[CASES_CSV]],
            OPEN311_REQUESTS: ["[", self.parts[OPEN311_REQUESTS], "\n]\n"],
            OPEN311_SERVICES: _json_array(sorted(self.services.values(), key=lambda s: s["service_code"])),
        }
        written = {}
        for name, chunks in files.items():
            written[name] = self.root / name
            write_stream_if_changed(self.root / name, _chunks(chunks))
        for part in self.parts.values():
            part.close()
        log.info("开放数据：%d 件公开案件", self.count)
        return written


def _chunks(pieces) -> Iterator[str | bytes]:
    """Strings as they are; a temporary file read back from its start in blocks."""
    for piece in pieces:
        if isinstance(piece, str):
            yield piece
        else:
            piece.seek(0)
            yield from iter(lambda file=piece: file.read(1 << 20), b"")


def _link(settings: dict, url: str) -> str:
    return url if "://" in url else absolute(settings, url)


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_array(items: Iterable) -> Iterator[str]:
    yield "["
    for number, item in enumerate(items):
        yield ("," if number else "") + "\n" + _dump(item)
    yield "\n]\n"


def write_stream_if_changed(path: Path, chunks: Iterable[str | bytes]) -> bool:
    """Stream ``chunks`` to ``path`` in bounded memory; keep the old file when identical.

    Like writing.write_if_changed (unchanged files keep their mtime, so a sync
    moves nothing), but for files too large to hold as one string.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    digest = hashlib.sha256()
    with open(temporary, "wb") as out:
        for chunk in chunks:
            data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
            digest.update(data)
            out.write(data)
    if path.exists() and _file_digest(path) == digest.hexdigest():
        temporary.unlink()
        return False
    os.replace(temporary, path)
    return True


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
