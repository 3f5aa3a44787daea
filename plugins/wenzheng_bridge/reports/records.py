"""Report records under ``content/reports/``: one plain-text file per period the site publishes.

The file name is the period (``2019-11.txt``, ``2019Q4.txt``, ``2019.txt``); each line is
``字段：值`` with the fields 标题 (the page's title), 导语 (a public lead paragraph) and 示例
(``是`` marks a demonstration record). ``#`` starts a comment. A hand edit works the same as
``wenzheng report``; a malformed line is refused naming the file, the line and the field.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..newsroom.caseindex import RecordError, content_dir
from .period import Period, PeriodError, parse
from .settings import ReportSettings

SUFFIX = ".txt"
FIELDS = {"标题": "title", "导语": "lead", "示例": "demo"}


@dataclass(frozen=True)
class ReportRecord:
    period: Period
    path: Path
    title: str = ""
    lead: str = ""
    demo: bool = False


def reports_dir(settings: dict) -> Path:
    return content_dir(settings) / ReportSettings.of(settings).reports_dir


def record_path(settings: dict, period: Period) -> Path:
    return reports_dir(settings) / f"{period.key}{SUFFIX}"


def read_record(path: Path) -> ReportRecord:
    try:
        period = parse(path.stem)
    except PeriodError:
        raise RecordError(path, None, "文件名", "应为统计周期，如 2019-11.txt、2019Q4.txt、2019.txt") from None
    values: dict = {}
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        name, colon, value = text.replace(":", "：", 1).partition("：")
        name = name.strip()
        if not colon or name not in FIELDS:
            raise RecordError(path, number, name if colon else "（整行）",
                              f"应写成“字段：值”，字段为 {'、'.join(FIELDS)} 之一")
        if name == "示例" and value.strip() not in ("是", "否"):
            raise RecordError(path, number, name, f"应为“是”或“否”，实际是 {value.strip()!r}")
        values[FIELDS[name]] = value.strip() == "是" if name == "示例" else value.strip()
    return ReportRecord(period, path, **values)


def read_reports(settings: dict) -> list[ReportRecord]:
    """Every report record, newest period first (none when the folder does not exist)."""
    folder = reports_dir(settings)
    records = [read_record(path) for path in sorted(folder.glob(f"*{SUFFIX}"))] if folder.is_dir() else []
    return sorted(records, key=lambda r: (r.period.start, r.period.end), reverse=True)


def write_record(settings: dict, period: Period) -> tuple[Path, bool]:
    """Create the period's record (kept as it is when it exists); returns (path, created?)."""
    path = record_path(settings, period)
    if path.exists():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# 通报记录：文件名即统计周期（{period.name}）。字段：标题、导语、示例（是/否）\n"
                    f"标题：{period.name}网络问政办理情况通报\n", encoding="utf-8")
    return path, True
