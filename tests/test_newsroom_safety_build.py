"""Publication safety through full Pelican builds of the real sample.

The shared session build: a held accusation (type inferred, a named 副局长) has
no page, feed entry, export line or sitemap entry. A project copy with newsroom
records and column articles: notes stay internal unless marked 公开, names and
record paths appear nowhere public; an article naming a gated case is a
noindex draft in the development build and stops the production build and
`make publish`; `make publish` over a development output leaves no newsroom or
draft file; `make clean` keeps the store.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
ENV = {**os.environ, "COLUMNS": "400"}
ACCUSED = "tipdm-119873"  # 诉求 by inference; accuses a named 副局长: held as 待审
REPORT = "tipdm-156631"  # a 举报 (by keyword)
SECRETS = ("张三", "李编辑", "烂尾楼我来跑", "约当事人面谈", "13912345678", "newsroom/tipdm-", ".txt:")


def public_files(output: Path):
    """Every file a reader can get: all but the newsroom-only and draft folders."""
    for path in output.rglob("*"):
        relative = path.relative_to(output).parts
        if path.is_file() and relative[0] not in ("newsroom", "drafts"):
            yield path


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def test_shared_build_keeps_a_held_accusation_out_of_every_public_output(tmp_path_factory):
    from browser import site_build

    site = site_build(tmp_path_factory)
    assert not (site.output / "cases" / ACCUSED).exists()
    keys = {case["id"] for case in json.loads(text_of(site.output / "data" / "cases.json"))["cases"]}
    assert "tipdm-360102" in keys and ACCUSED not in keys
    for path in public_files(site.output):
        text = text_of(path)
        assert f"/{ACCUSED}/" not in text and "利用职务之便破坏投标" not in text, path
        assert str(site.project) not in text, path  # no machine path of the build


def run(project: Path, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(command), cwd=project, capture_output=True, text=True, env=ENV, timeout=900)


def pelican(project: Path, conf: str, output: str = "output") -> subprocess.CompletedProcess:
    return run(project, str(BIN / "pelican"), "content", "-s", conf, "-o", output,
               "-e", 'WENZHENG_NOW="2020-03-01T12:00:00+08:00"')


def make(project: Path, target: str) -> subprocess.CompletedProcess:
    # -o setup: the project copy uses this checkout's .venv instead of making its own.
    return run(project, "make", "-o", "setup", target, f"PELICAN={BIN / 'pelican'}", f"WZ={BIN / 'wenzheng'}")


def article(project: Path, slug: str, cases: str, status: str = "published") -> Path:
    path = project / "content" / "articles" / f"{slug}.md"
    path.write_text(f"Title: 测试文章 {slug}\nDate: 2020-01-08\nCategory: 零距离问政\nStatus: {status}\n"
                    f"Cases: {cases}\nSlug: {slug}\nAuthor: 王记者\n\n正文提到 {cases}。\n", encoding="utf-8")
    return path


@pytest.fixture
def newsroom(project_copy) -> Path:
    site = project_copy
    shutil_rm(site / "content" / "drafts")
    shutil_rm(site / "content" / "newsroom" / "drafts")
    (site / "Makefile").write_text((Path(__file__).parent.parent / "Makefile").read_text(encoding="utf-8"))
    assert run(site, str(BIN / "wenzheng"), "pull").returncode == 0
    records = site / "content" / "newsroom"
    (records / "tipdm-360102.txt").write_text(
        "2020-01-05 | claimed | 张三 | 烂尾楼我来跑\n"
        "2020-01-06 | visited | 张三 | 公开：油烟仍在直排\n"
        "2020-01-07 | interviewed | 张三 | 约当事人面谈，电话 13912345678\n", encoding="utf-8")
    (records / "tipdm-360110.txt").write_text("2020-01-05 | takedown | 李编辑 | 当事人 13912345678 要求撤下\n",
                                              encoding="utf-8")
    return site


def shutil_rm(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def test_notes_names_paths_stay_internal_and_gated_articles_never_go_public(newsroom):
    site = newsroom
    accused = article(site, "fu-juzhang", ACCUSED)
    article(site, "jubao", REPORT, status="hidden")  # unlisted, but still written at its URL
    dev = pelican(site, "pelicanconf.py")
    assert dev.returncode == 0, dev.stdout + dev.stderr
    out = site / "output"
    assert "fu-juzhang.md" in dev.stdout + dev.stderr and "按草稿处理" in dev.stdout + dev.stderr

    # The public timeline: what happened and when; the note only when marked 公开.
    page = text_of(out / "cases" / "tipdm-360102" / "index.html")
    assert "实地走访" in page and "油烟仍在直排" in page and "记者认领" in page and "采访" in page
    for path in public_files(out):
        text = text_of(path)
        for secret in SECRETS + (str(site),):
            assert secret not in text, (path, secret)
        assert "测试文章 fu-juzhang" not in text and "测试文章 jubao" not in text, path
    assert not (out / "column" / "fu-juzhang").exists() and not (out / "column" / "jubao").exists()
    assert not (out / "cases" / "tipdm-360110").exists()

    # In the development build the held articles are drafts: newsroom-only, noindex, marked.
    draft = text_of(out / "drafts" / "fu-juzhang" / "index.html")
    assert '<meta name="robots" content="noindex, nofollow">' in draft
    assert "待审：本文涉及" in text_of(out / "drafts" / "jubao" / "index.html")
    assert "待审：本文涉及未经审核、不能公开的案件" in draft and ACCUSED in draft
    budget = text_of(out / "newsroom" / "budget" / "budget.csv")
    assert "13912345678" not in budget and str(site) not in budget and ".txt:" not in budget

    # The production build stops, naming the article and the case.
    stopped = pelican(site, "publishconf.py", "public")
    log = stopped.stdout + stopped.stderr
    assert stopped.returncode == 2 and "fu-juzhang.md" in log and ACCUSED in log and "第 5 行" in log
    assert "构建中止" in log and "不能公开的案件" in log and "Traceback" not in log
    assert make(site, "publish").returncode != 0

    # Cleared, the article goes out; the 举报 article is turned back into a draft by its editor.
    assert run(site, str(BIN / "wenzheng"), "clear", ACCUSED, "--note", "已核实").returncode == 0
    article(site, "jubao", REPORT, status="draft")
    published = pelican(site, "publishconf.py", "public")
    assert published.returncode == 0, published.stdout + published.stderr
    assert "测试文章 fu-juzhang" in text_of(site / "public" / "column" / "fu-juzhang" / "index.html")
    assert "王记者" in text_of(site / "public" / "column" / "fu-juzhang" / "index.html")  # the byline
    assert accused.exists()


def test_publish_over_a_development_output_leaves_nothing_internal(newsroom):
    site = newsroom
    article(site, "caogao", "tipdm-360102", status="draft")
    # An editor's hand-written draft names no Category: the build still writes it (category pages
    # are off here, so Pelican assigns none itself, yet it writes every draft with one).
    (site / "content" / "articles" / "shouxie.md").write_text(
        "Title: 手写草稿\nDate: 2020-01-09\nStatus: draft\nSlug: shouxie\n\n正文。\n", encoding="utf-8")
    built = pelican(site, "pelicanconf.py")
    assert built.returncode == 0, built.stdout + built.stderr
    out = site / "output"
    assert (out / "newsroom" / "budget" / "index.html").exists() and (out / "drafts" / "caogao").exists()
    assert (out / "drafts" / "shouxie" / "index.html").exists()

    # Pelican with publishconf.py alone (the plugin removes the newsroom's folders) ...
    direct = pelican(site, "publishconf.py")
    assert direct.returncode == 0, direct.stdout + direct.stderr
    assert not (out / "newsroom").exists() and not (out / "drafts").exists()
    assert not any("draft-notice" in text_of(p) for p in out.rglob("*.html"))

    # ... and `make publish`, which also deletes them first and checks the result.
    assert pelican(site, "pelicanconf.py").returncode == 0 and (out / "drafts" / "caogao").exists()
    made = make(site, "publish")
    assert made.returncode == 0, made.stdout + made.stderr
    assert not (out / "newsroom").exists() and not (out / "drafts").exists()
    assert (out / "cases" / "tipdm-360102" / "index.html").exists() and "不含编辑部内部页面和草稿" in made.stdout

    # `make clean` removes the site, never the store and its history.
    store = site / "data" / "wenzheng.sqlite3"
    assert store.exists()
    assert make(site, "clean").returncode == 0 and not out.exists() and store.exists()
    assert make(site, "clean-store").returncode == 0 and not store.exists()
