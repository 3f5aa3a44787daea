"""What ``wenzheng settings`` tells a journalist each option means, in Chinese.

The ``Option`` docs in each job's ``settings.py`` are for developers (English);
the newsroom reads these. A source option is looked up by its name (the same
name means the same thing in every source kind).
"""
from __future__ import annotations

LABELS = {
    # core
    "WENZHENG_BASE": "WENZHENG_* 中相对路径的起点文件夹（默认为 pelicanconf.py 所在文件夹）",
    "WENZHENG_STORE": "SQLite 数据库文件路径（相对于 pelicanconf.py）",
    "WENZHENG_SOURCES": "数据来源列表；每个来源可用的设置见下表",
    "WENZHENG_USER_AGENT": "每次请求发送的 User-Agent（写明本工具）",
    # case view
    "WENZHENG_MIN_RANK_SAMPLE": "部门参与排名所需的最少留言数（不足时只列出、不排名）",
    "WENZHENG_TRENDING": "热度权重与时间衰减（覆盖默认值中的同名项）",
    "WENZHENG_TOPICS": "热点话题的聚类阈值（覆盖默认值中的同名项）",
    "WENZHENG_CACHE_DIR": "构建缓存（话题分词）文件夹，相对于 WENZHENG_BASE；留空则不写缓存",
    "WENZHENG_REPLY_LIMITS": "答复时限（工作日），按类型、板块/类型设定；键：类型、'*'、'板块/类型'、'板块/*'",
    "WENZHENG_NOW": "固定的“现在”时间（ISO 格式），用于可重复的构建；留空为实际时间",
    # publications and columns
    "WENZHENG_PUBLICATION": "专栏文章未写 Publication: 时所属的报刊（如《梧州日报》）",
    "WENZHENG_COLUMN": "专栏文章未写 Column: 时所属的栏目（如“零距离问政”）",
    # leader mailboxes and spokespersons
    "WENZHENG_LEADER_MAILBOXES": "领导信箱（如书记信箱、市长信箱）的板块名称：首页单列一栏，各有一页显示其办理情况",
    "WENZHENG_SPOKESPERSONS": "各板块的网络发言人：板块名称 -> 发言人（单位或账号），显示在板块页和领导信箱页",
    # reports
    "WENZHENG_CLOSE_LIMITS": "办结时限（工作日），键同答复时限：类型、'*'、'板块/类型'、'板块/*'；默认 15 个工作日",
    "WENZHENG_REPORTS_DIR": "部门通报记录所在文件夹（每个统计周期一个文件），相对于 content/",
    # newsroom
    "WENZHENG_NEWSROOM_PAGES": "生成编辑部内部的选题单页面（publishconf.py 中关闭）",
    "WENZHENG_NEWSROOM_DIR": "编辑部记录（认领、跟进、撤下）所在文件夹，相对于 PATH",
    "WENZHENG_DRAFTS_DIR": "稿件命令写入 Markdown 草稿的文件夹，相对于 PATH",
    "WENZHENG_BUDGET_SAVE_AS": "选题单页面在输出目录中的位置",
    "WENZHENG_BUDGET_CSV_SAVE_AS": "选题单 CSV 在输出目录中的位置（与页面同处）",
    "WENZHENG_BUDGET_SIZE": "选题单每栏的条数",
    "WENZHENG_DESK_HOST": "编辑部工作台的监听地址（127.0.0.1 以外须先建立账户）",
    "WENZHENG_DESK_PORT": "编辑部工作台的端口",
    "WENZHENG_DESK_USERS": "编辑部工作台的账户文件（密码只存哈希），相对于 pelicanconf.py；勿放进 content/ 或版本库",
    # site
    "WENZHENG_INDEX_PAGE_SIZE": "索引页每页的案件数；从最早的案件起编页，新案件只改动最新一页",
    "WENZHENG_SLUGS": "板块、部门、类型、领域的网址别名（名称 -> 别名），优先于自动生成的别名",
    "WENZHENG_HOME_ITEMS": "首页每一栏显示的案件或文章数",
    "WENZHENG_HOME_RECENT_DAYS": "首页“近期逾期最久”一栏只列出最近这么多天内的留言",
    "WENZHENG_OPEN_DATA_LICENCE": "开放数据页面（/data/）写明的数据许可协议",
    "WENZHENG_WORKERS": "写网站页面的进程数（0：每个可用 CPU 核一个；1：不另开进程）",
    "WENZHENG_SEARCH": "构建后生成站内搜索索引",
    # trust
    "WENZHENG_REVIEW_TYPES": "须经编辑审核（wenzheng clear）才能公开的留言类型",
    "WENZHENG_REVIEW_BOARDS": "须经编辑审核才能公开的板块",
    "WENZHENG_REVIEW_ALL": "所有案件都须经编辑审核才能公开",
    "WENZHENG_HOLD_ACCUSATIONS": "类型为推断、内容像是指控具名人员的案件先待审，经编辑审核后才公开",
    "WENZHENG_PRODUCTION": "正式构建（publishconf.py）：删除编辑部内部文件和草稿；已发布文章涉及待审案件时构建停止",
    "WENZHENG_PRIVATE_PATHS": "只供编辑部查看的输出文件夹（正式构建时删除）",
    "WENZHENG_SCAN_OUTPUT": "构建后扫描所有输出文件，发现未打码的个人信息即构建失败",
    "WENZHENG_SCAN_KINDS": "输出扫描检查的个人信息种类（默认：打码程序识别的全部种类）",
    "WENZHENG_PUBLIC_NUMBERS": "公开电话（如部门热线 0746-8362789），任何地方都不打码；按数字逐位比较",
    "WENZHENG_GAZETTEER": "地名 -> 所属区、县、市，补充内置地名表",
    "WENZHENG_UNIT_ALIASES": "答复单位的别名 -> 标准名称",
    # every source
    "name": "来源名称；案件编号的前缀",
    "kind": "来源类型：table（表格）/ feed（RSS）/ forum（论坛）/ json（接口）",
    "board": "来源未给出板块时使用的板块名称",
    "type_map": "平台的类型名称 -> 建议/咨询/举报/诉求（补充默认对应）",
    "board_map": "来源的板块名称 -> 网站上显示的板块名称",
    "department": "来源未给出时使用的目标部门",
    "gazetteer": "地名 -> 所属区、县、市（补充 WENZHENG_GAZETTEER 和内置地名表）",
    "knows": "来源带有哪些信息：replies（答复）、reply_times（答复时间）、departments（部门）、types（类型）、"
             "engagement（点赞浏览）；默认按来源类型，表格按各文件的列再收窄",
    "state_map": "平台状态（如 已办理）-> 本系统的状态，补充默认的平台状态词表",
    "charset": "指定抓取页面的字符编码",
    "rate_limit": "对同一网站每秒最多请求数（0 为不限）",
    "enabled": "是否拉取这个来源",
    "timeout": "一次请求最多用时（秒，整个请求的期限）",
    "retries": "遇到 5xx、超时或断线时的重试次数",
    "backoff": "首次重试前等待的秒数（此后每次加倍）",
    "robots": "遵守 robots.txt",
    "title": "公开页面上显示的来源名称（留空则显示“问政平台数据”；name 只在内部使用）",
    # table
    "paths": "CSV / XLSX 文件（相对于 pelicanconf.py）",
    "columns": "记录字段 -> 表头（补充默认对应；'?' 表示可缺）",
    "board_from_places": "板块取标题（其次正文）中最具体的区、县、市（按地名表识别），并标为推断",
    "board_from_district": "板块取留言中提到的区县",
    "labels": "领域标签表（一、二、三级分类）文件",
    "html_fields": "内容为 HTML 的记录字段（读成文字一次：去掉标签、解码实体）；其余字段都是纯文字，原样显示",
    "encoding": "CSV 编码（留空则自动识别：UTF-8、带 BOM 的 UTF-8、GB18030）",
    "sheet": "XLSX 工作表：名称，或从 1 起的序号（留空为第一张）",
    "date_formats": "额外的时间格式（strptime 格式，如 '%d.%m.%Y %H:%M'），优先尝试",
    "complete_snapshot": "导出文件总是包含全部案件：即使大部分案件消失也照样采信",
    "gone_guard": "一次拉取若要把超过此比例的案件标为消失，则拒绝",
    # feed / forum
    "url": "RSS / Atom 地址（可为列表）",
    "full_text": "是否打开 Discuz! 帖子页读全文：auto 或 always（新帖、改动的帖子和复查）/ never（只用订阅摘要）",
    "spokespersons": "发言人账号（-> 答复单位），在打开的帖子页中识别",
    "notice_accounts": "发布公告而非留言的账号（其帖子不当作留言）",
    "recheck_days": "每次拉取都重新读取最近 N 天内有动静的帖子（0 为不读）",
    "recheck_cycle": "较早的帖子轮流重读，每 N 次拉取读一遍（0 为从不）",
    "recheck_max": "每次拉取最多重读的帖子数（列表中有变化的除外）",
    "fids": "要拉取的论坛版块编号（fid）",
    "max_pages": "每个版块最多读取的列表页数",
    "boards": "版块编号 -> 板块名称（代替列表页上的名称）",
    # json
    "method": "列表（及详情）请求的方式：GET 或 POST",
    "post_body": "POST 参数的发送方式：form 或 json",
    "params": "每次列表请求都带的固定参数（GET 在网址中，POST 在请求体中）",
    "fields": "记录字段 -> JSON 键（补充默认对应）",
    "items_path": "响应中条目列表的路径（用点分隔）",
    "cursor_param": "携带上一页最后一个 tid 的参数",
    "page_size": "每次请求的条目数",
    "page_size_param": "每页条数的参数名（留空为无）",
    "item_url": "条目的网页地址，如 https://host/threads/content?tid={tid}",
    "detail_url": "条目详情的 JSON 地址，如 https://host/api/thread?tid={tid}",
    "detail_param": "详情请求为 POST 时携带 tid 的参数",
    "detail_path": "详情响应中条目对象的路径（用点分隔）",
    "final_states": "到达这些状态后条目不再重新打开",
    "revisit_pages": "每次拉取越过上次位置后再读的列表页数；其中有变化的条目重新保存",
    "revisit_days": "重新打开最近 N 天内发布、仍未办结的条目（需 detail_url）",
    "revisit_limit": "每次拉取为重新打开最多发出的详情请求数",
}


def label(name: str, doc: str) -> str:
    """The Chinese description of an option; the developer's doc only for an option not yet described."""
    return LABELS.get(name) or f"{doc}（尚无中文说明）"
