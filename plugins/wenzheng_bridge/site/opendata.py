"""The 开放数据 page (/data/): each export the build wrote, its format, fields, licence and size.

Written after the exports (OUTPUTS order), so each size is the file's real size in this build.
The field lists are the exporters' own column tuples, so a new column shows here by itself; a
column without a Chinese explanation below is listed by its name alone.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from .build import Build
from .exports import CASES_CSV, CASES_JSON, CSV_COLUMNS, OPEN311_FIELDS, OPEN311_REQUESTS, OPEN311_SERVICES
from .settings import SiteSettings

DATA_PAGE = "data/index.html"

#: What a reader needs to know of each field (keys as the files spell them).
MEANINGS = {
    "id": "案件编号（数据来源名加留言编号）", "url": "本站案件页面地址", "title": "留言标题",
    "board": "板块", "board_inferred": "板块由本站推断时的依据，来源给出时为空",
    "department": "承办部门", "unit": "答复单位", "type": "留言类型（建议、咨询、举报、诉求）",
    "type_inferred": "类型由本站推断时的依据，来源给出时为空", "field": "领域",
    "status": "本站推算的案件状态", "platform_state": "平台上的办理状态（按平台原文）",
    "posted": "留言时间（ISO 8601，北京时间）", "deadline": "答复期限", "updated": "最近一次变化的时间",
    "first_reply": "首次答复时间", "reply_working_days": "回复用时（工作日）",
    "overdue_days": "逾期工作日数", "likes": "点赞数", "body": "留言正文（个人信息已隐去）",
    "replies": "部门答复（CSV 中为全文，JSON 中每条含单位、时间、是否最终答复和正文）", "service_request_id": "案件编号", "status_notes": "状态说明及依据",
    "service_name": "类型/领域", "service_code": "类型和领域的代码", "description": "留言正文",
    "agency_responsible": "承办部门", "requested_datetime": "留言时间", "updated_datetime": "最近更新时间",
    "expected_datetime": "答复期限", "views": "浏览数", "source": "数据来源名",
    "source_id": "平台上的留言编号", "source_url": "平台原帖地址（来源提供时）",
    "status_evidence": "状态的依据", "reply_known": "来源数据是否含答复信息",
    "late": "是否逾期答复（无法判断时为 null）",
    "clocks": "三个时钟：留言到答复、答复到跟进、留言到解决（工作日、自然日、是否仍在计时）",
    "timeline": "时间线：每一步的种类、时间和说明", "articles": "本报报道：标题、地址和日期",
}


#: The keys of a cases.json record (exports.case_record), in its order; tests compare them with
#: the written file, so this list cannot drift from the export.
JSON_FIELDS = (
    "id", "url", "source", "source_id", "source_url", "title", "body", "board", "board_inferred",
    "department", "unit", "type", "type_inferred", "field", "status", "status_evidence", "platform_state",
    "reply_known", "late", "posted", "deadline", "updated", "overdue_days", "likes", "views", "clocks",
    "replies", "timeline", "articles",
)


@dataclass(frozen=True)
class Export:
    path: str  # site-relative
    name: str
    format: str
    about: str
    fields: tuple[tuple[str, str], ...]
    size: str


def size_text(size: int) -> str:
    """``12.3 KB``, ``1.4 MB``: a file's size as the page states it."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def exports(output_path) -> list[Export]:
    """The export files present in the output folder, described."""
    def fields(names) -> tuple[tuple[str, str], ...]:
        return tuple((name, MEANINGS.get(name, "")) for name in names)

    described = [
        (CASES_CSV, "案件表（CSV）", "CSV，UTF-8（带 BOM，可直接用电子表格软件打开）",
         "每件公开案件一行。", fields(CSV_COLUMNS)),
        (CASES_JSON, "案件数据（JSON）", "JSON",
         "每件公开案件一条记录，另含各条答复、时间线和本报报道；字段比 CSV 多（来源、各项时钟等）。",
         fields(JSON_FIELDS)),
        (OPEN311_REQUESTS, "Open311 服务请求", "JSON（Open311 GeoReport v2 requests.json 格式）",
         "每件公开案件一条服务请求，可供支持 Open311 的工具读取。", fields(OPEN311_FIELDS)),
        (OPEN311_SERVICES, "Open311 服务列表", "JSON（Open311 GeoReport v2 services.json 格式）",
         "出现过的每种留言类型和领域的组合。", ()),
    ]
    found = []
    for path, name, kind, about, columns in described:
        full = os.path.join(output_path, path)
        if os.path.exists(full):
            found.append(Export(path, name, kind, about, columns, size_text(os.path.getsize(full))))
    return found


def write_data_page(build: Build) -> None:
    """OUTPUTS entry (after write_exports): the open-data page."""
    build.render("data", DATA_PAGE, exports=exports(build.output_path),
                 licence=SiteSettings.of(build.settings).open_data_licence)
