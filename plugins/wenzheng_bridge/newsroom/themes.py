"""问计于民 theme collections: a question put to residents, and the suggestions (建议) that answer it.

A record ``content/themes/ID.txt`` of ``字段: 值`` lines (newsroom/fieldrecord.py)::

    # 示例 · 问计于民
    标题: 老旧小区改造，你来提
    问题: 你所在的小区最需要改造什么？
    开始: 2019-01-01
    结束: 2019-12-31
    板块: A市、A3区
    关键词: 小区、物业、改造
    示例: 是

标题, 开始 and 结束 are required; 板块 and 关键词 (either may be empty) narrow the suggestions:
a 建议 posted in the window (Asia/Shanghai days, both included), on one of the boards when boards
are named, whose title or text holds one of the keywords when keywords are named. The round-up
ranks them by engagement, then replies, then whether the department answered.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..dates import SHANGHAI, cn_date, stamp
from ..records import Petition
from ..sources.common import parse_datetime
from ..trust.sanitize import output_text
from .caseindex import RecordError, content_dir
from .fieldrecord import RECORD_ID, flag, parse_fields, read_text, record_id, split_names

THEMES_DIR = "themes"
SUFFIX = ".txt"
SUGGESTION = "建议"
FIELDS = {"标题": "title", "问题": "question", "开始": "start", "结束": "end", "板块": "boards",
          "关键词": "keywords", "示例": "sample"}


@dataclass
class ThemeRecord:
    id: str
    title: str
    start: date
    end: date
    question: str = ""
    boards: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    sample: bool = False

    @property
    def window(self) -> str:
        return f"{cn_date(_midnight(self.start))}至{cn_date(_midnight(self.end))}"

    def wants(self, petition: Petition) -> bool:
        """A suggestion posted in the window, on the boards and with a keyword (when named)."""
        if petition.type != SUGGESTION or petition.posted is None:
            return False
        if not self.start <= petition.posted.astimezone(SHANGHAI).date() <= self.end:
            return False
        if self.boards and petition.board not in self.boards:
            return False
        text = f"{petition.title}\n{petition.body}"
        return not self.keywords or any(word in text for word in self.keywords)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def themes_dir(settings: dict) -> Path:
    return content_dir(settings) / THEMES_DIR


def theme_path(settings: dict, theme_id: str) -> Path:
    return themes_dir(settings) / f"{theme_id}{SUFFIX}"


def parse_theme(text: str, path: Path, theme_id: str) -> ThemeRecord:
    values = parse_fields(text, path, FIELDS, required=("标题", "开始", "结束"), dates=("开始", "结束"),
                          flags=("示例",))
    start, end = (parse_datetime(values[label]).astimezone(SHANGHAI).date() for label in ("开始", "结束"))
    if end < start:
        raise RecordError(path, None, "结束", f"{end} 早于开始日期 {start}")
    return ThemeRecord(id=theme_id, title=output_text(values["标题"]), question=output_text(values.get("问题", "")),
                       start=start, end=end, boards=split_names(values.get("板块", "")),
                       keywords=split_names(values.get("关键词", "")), sample=flag(values.get("示例", "")))


def read_theme(path: Path) -> ThemeRecord:
    return parse_theme(read_text(path), path, record_id(path, SUFFIX))


def load_themes(settings: dict) -> list[ThemeRecord]:
    """Every theme record, the latest window first."""
    folder = themes_dir(settings)
    if not folder.is_dir():
        return []
    found = [read_theme(path) for path in sorted(folder.glob(f"*{SUFFIX}"))]
    return sorted(found, key=lambda t: (t.end, t.id), reverse=True)


def format_theme(theme: ThemeRecord) -> str:
    lines = [f"# {'示例 · ' if theme.sample else ''}零距离问政 · 问计于民主题记录（每行：字段: 值）",
             f"标题: {theme.title}", f"问题: {theme.question}", f"开始: {theme.start}", f"结束: {theme.end}",
             f"板块: {'、'.join(theme.boards)}", f"关键词: {'、'.join(theme.keywords)}"]
    if theme.sample:
        lines.append("示例: 是")
    return "\n".join(line.replace("\n", " ") for line in lines) + "\n"


def write_theme(settings: dict, theme: ThemeRecord) -> Path:
    if not RECORD_ID.fullmatch(theme.id):
        raise RecordError(theme.id, None, "文件名", f"主题编号 {theme.id!r} 只能用小写字母、数字和连字符")
    path = theme_path(settings, theme.id)
    if path.exists():
        raise RecordError(path, None, "文件名", f"主题 {theme.id} 已有记录；请直接编辑该文件")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(format_theme(theme), encoding="utf-8")
    return path


def engagement(petition: Petition) -> int:
    return (petition.likes or 0) + (petition.dislikes or 0)


def rank_key(petition: Petition, replied: bool) -> tuple:
    """Most engaged first, then most discussed, then those the department answered; then newest."""
    posted = petition.posted.timestamp() if petition.posted else 0.0
    return (-engagement(petition), -(petition.reply_count or 0), not replied, -posted)


def theme_stamp(theme: ThemeRecord) -> str:
    return stamp(_midnight(theme.end))
