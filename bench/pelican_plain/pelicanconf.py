"""Plain Pelican side of the benchmark: each case is one Markdown article.

Same depth as the site: case pages, a paginated index, a paginated page per
board (category), board and site feeds. No tags (see run.export_markdown: Pelican's
tag pages are quadratic in the number of articles). The content folder is given
on the command line by bench/run.py.
"""
AUTHOR = "零距离问政编辑部"
SITENAME = "零距离问政（Pelican 对照）"
SITEURL = ""
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
DEFAULT_DATE_FORMAT = "%Y年%m月%d日"
THEME = "theme"
ARTICLE_PATHS = [""]
PAGE_PATHS = []
STATIC_PATHS = []
DEFAULT_PAGINATION = 20
RELATIVE_URLS = True
ARTICLE_URL = "cases/{slug}/"
ARTICLE_SAVE_AS = "cases/{slug}/index.html"
CATEGORY_URL = "boards/{slug}/"
CATEGORY_SAVE_AS = "boards/{slug}/index.html"
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "categories"]
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
FEED_DOMAIN = "https://wenzheng.example.org"
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
# A full build measures a cold start, as the other two do.
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
