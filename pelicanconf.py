"""Pelican settings of the 零距离问政 site (development build: includes the newsroom pages)."""
from pathlib import Path

HERE = Path(__file__).resolve().parent

AUTHOR = "零距离问政编辑部"
SITENAME = "零距离问政"
SITESUBTITLE = "网络问政案件跟踪"
SITEURL = ""
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
DEFAULT_DATE_FORMAT = "%Y年%-m月%-d日"  # the site's one date format (dates.cn_date)
DEFAULT_PAGINATION = 20
# Drafts from `wenzheng draft(s)` are articles with Status: draft; an editor publishes one in place.
ARTICLE_PATHS = ["articles", "drafts"]
PAGE_PATHS = ["pages"]
# Drafts are written by `wenzheng draft(s)`; newsroom records are read by the plugin, not rendered.
ARTICLE_EXCLUDES = ["newsroom"]
PAGE_EXCLUDES = ["newsroom", "drafts"]
STATIC_PATHS = []
RELATIVE_URLS = True
ARTICLE_URL = "column/{slug}/"
ARTICLE_SAVE_AS = "column/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
FEED_DOMAIN = "https://wenzheng.example.org"
FEED_ALL_ATOM = "feeds/column.atom.xml"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
# The category an article without Category: gets (category pages are off; drafts still need one).
DEFAULT_CATEGORY = "零距离问政"
CATEGORIES_SAVE_AS = ""
SLUGIFY_SOURCE = "basename"

PLUGIN_PATHS = ["plugins"]
PLUGINS = ["wenzheng_bridge"]

WENZHENG_BASE = str(HERE)
WENZHENG_STORE = "data/wenzheng.sqlite3"
# The bundled sample ends on 2020-01-07: the demo reads it as of a few days later, so
# statuses, ages and trending look as they did to the newsroom then (and the demo is
# reproducible). A live site leaves this empty: "now" is then the real time.
WENZHENG_NOW = "2020-01-10T09:00:00+08:00"
# 示例: the sample has no 书记信箱 or 市长信箱, so the demo shows the city board A市 as a leader
# mailbox, with a made-up spokesperson unit; a live site names its real boards here.
WENZHENG_LEADER_MAILBOXES = ["A市"]
WENZHENG_SPOKESPERSONS = {"A市": "A市人民政府办公室网络发言人（示例）"}
WENZHENG_SOURCES = [
    {
        # The real 2020 泰迪杯 C题 sample (see data/tipdm2020c/PROVENANCE.md).
        "name": "tipdm",
        "title": "2020 泰迪杯 C 题公开留言样本",
        "kind": "table",
        "paths": [
            "data/tipdm2020c/fj2_sample495_labelled.xlsx",
            "data/tipdm2020c/fj3_sample30_likes.xlsx",
            "data/tipdm2020c/fj4_sample120_replies.xlsx",
        ],
        "labels": "data/tipdm2020c/fj1_label_tree.xlsx",
        "board": "A市",
        "board_from_places": True,
        "department": "",
    },
    {
        # 问政进社区 (示例): the problems collected at the event content/events/2019-12-a3.txt, as the
        # desk types them into a CSV (see README, "问政进社区"). Tests that compare the site with the
        # raw sheets count the tipdm source only.
        "name": "offline",
        "title": "问政进社区现场收集",
        "kind": "offline",
        "board": "A市",
        "paths": ["data/offline/wenzheng-events-sample.csv"],
    },
]

