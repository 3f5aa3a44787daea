"""`wenzheng check` as an editor runs it before `make publish`: real subprocesses over the real sample store."""
from __future__ import annotations

from pathlib import Path

import pytest
from test_newsroom_commands import run, write_desk


@pytest.fixture
def desk(sample_store, tmp_path) -> Path:
    folder = write_desk(tmp_path, sample_store)
    (folder / "content" / "articles").mkdir()
    return folder


def publish_draft(desk: Path, *cases: str) -> Path:
    """A generated draft switched to published as is: placeholders and all."""
    assert run(desk, "draft", *cases).returncode == 0
    draft = next((desk / "content" / "drafts").glob("*.md"))
    article = desk / "content" / "articles" / draft.name
    article.write_text(draft.read_text(encoding="utf-8").replace("Status: draft", "Status: published"),
                       encoding="utf-8")
    draft.unlink()
    return article


def test_a_draft_published_as_is_is_refused_naming_article_line_and_placeholder(desk):
    article = publish_draft(desk, "360108")
    result = run(desk, "check")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = article.read_text(encoding="utf-8").splitlines()
    notes = lines.index("（记者在此补充：现场走访、采访对象、部门回应、核实情况。）") + 1
    author = next(n for n, line in enumerate(lines, start=1) if line == "Author: （记者署名）")
    assert f"{article} · 第 {notes} 行）：仍有占位文字“（记者在此补充" in result.stderr
    assert f"{article} · 第 {author} 行）：仍有占位文字“（记者署名）”" in result.stderr
    assert "A5区劳动东路魅力之城小区一楼的夜宵摊" in result.stderr  # the article's title


def test_gated_case_and_unmasked_phone_are_named(desk):
    article = desk / "content" / "articles" / "report.md"
    article.write_text("Title: 举报追踪\nDate: 2020-01-30 08:00\nStatus: published\nCases: tipdm-156631\n"
                       "Author: 张三\n\n当事人电话 13912345678，已核实。\n", encoding="utf-8")
    result = run(desk, "check")
    assert result.returncode == 2
    assert f"文章《举报追踪》（{article} · 第 4 行）：涉及不能公开的案件 tipdm-156631（举报" in result.stderr
    assert f"文章《举报追踪》（{article} · 第 7 行）：未打码的手机号 139****5678" in result.stderr
    assert "13912345678" not in result.stderr  # the report itself does not repeat the number
    assert run(desk, "clear", "156631", "--note", "已核实").returncode == 0
    article.write_text(article.read_text(encoding="utf-8").replace("13912345678", "139****5678"), encoding="utf-8")
    passed = run(desk, "check")
    assert passed.returncode == 0, passed.stderr
    assert "检查通过：1 篇" in passed.stdout


def test_drafts_are_not_checked_and_the_bundled_article_passes(desk):
    assert run(desk, "draft", "360108").returncode == 0  # stays a draft: its placeholders are fine
    bundled = Path(__file__).resolve().parents[1] / "content" / "articles"
    for source in bundled.glob("*.md"):
        (desk / "content" / "articles" / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    result = run(desk, "check")
    assert result.returncode == 0, result.stderr
