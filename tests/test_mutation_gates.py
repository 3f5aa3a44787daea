"""Direct tests of the output clean-up of trust/gates.py (issue 20: its mutants had no test but the
full Pelican builds of test_newsroom_safety_build.py, too slow to run per mutant).

Each test lays out a real output folder in tmp_path and calls the OUTPUTS entries with a real
``site.build.Build`` whose rows are ``site.row.Row`` summaries, as a site build passes them, through
the OUTPUTS wrappers of site/outputs.py.
"""
from __future__ import annotations

import logging

from wenzheng_bridge.site.build import Build
from wenzheng_bridge.site.outputs import withdraw_gated, withdraw_private
from wenzheng_bridge.site.row import Row
from wenzheng_bridge.trust.gates import is_production, private_leftovers


def row(key: str, public: bool) -> Row:
    return Row(key=key, title="路灯不亮", status="已回复", status_class="replied", board="A3区", department="",
               type="诉求", field="", posted=None, overdue_days=0, reply_days=None, public=public)


def build(output, settings, cases=()) -> Build:
    return Build(settings=settings, output_path=output, context={}, rows=list(cases))


def lay_out(output, *names):
    """A folder per name (with a file inside), a plain file for names ending in '.html'."""
    for name in names:
        path = output / name
        if name.endswith(".html"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("x", encoding="utf-8")
        else:
            path.mkdir(parents=True, exist_ok=True)
            (path / "index.html").write_text("x", encoding="utf-8")


def test_production_is_read_from_the_settings(make_settings):
    assert is_production(make_settings(WENZHENG_PRODUCTION=True)) is True
    assert is_production(make_settings()) is False
    assert is_production({}) is False


def test_a_development_build_keeps_private_folders(tmp_path, make_settings):
    output = tmp_path / "output"
    lay_out(output, "newsroom", "drafts")
    assert withdraw_private(build(output, make_settings())) == []
    assert (output / "newsroom" / "index.html").exists() and (output / "drafts" / "index.html").exists()


def test_a_production_build_removes_private_folders_and_files(tmp_path, make_settings, caplog):
    output = tmp_path / "output"
    lay_out(output, "newsroom", "notes.html", "cases/tipdm-1")
    settings = make_settings(WENZHENG_PRODUCTION=True, WENZHENG_PRIVATE_PATHS=["newsroom", "drafts", "notes.html"])
    with caplog.at_level(logging.INFO, logger="wenzheng_bridge.trust.gates"):
        removed = withdraw_private(build(output, settings))
    # "drafts" was never written: not reported as removed.
    assert removed == ["newsroom", "notes.html"]
    assert not (output / "newsroom").exists() and not (output / "notes.html").exists()
    assert (output / "cases" / "tipdm-1" / "index.html").exists()
    assert [r.getMessage() for r in caplog.records] == ["正式构建：已从输出目录删除编辑部内部文件夹 newsroom、notes.html"]


def test_private_paths_outside_the_output_or_the_output_itself_are_left(tmp_path, make_settings, caplog):
    output = tmp_path / "output"
    lay_out(output, "newsroom")
    lay_out(tmp_path, "outside")
    settings = make_settings(WENZHENG_PRODUCTION=True, WENZHENG_PRIVATE_PATHS=["../outside", ".", "newsroom/.."])
    with caplog.at_level(logging.INFO, logger="wenzheng_bridge.trust.gates"):
        assert withdraw_private(build(output, settings)) == []
    assert (tmp_path / "outside" / "index.html").exists() and (output / "newsroom" / "index.html").exists()
    assert caplog.records == []


def test_private_leftovers_names_what_is_still_there(tmp_path, make_settings):
    output = tmp_path / "output"
    settings = make_settings(WENZHENG_PRIVATE_PATHS=["newsroom", "drafts", "notes.html"])
    output.mkdir()
    assert private_leftovers(output, settings) == []
    lay_out(output, "drafts", "notes.html")
    assert private_leftovers(str(output), settings) == ["drafts", "notes.html"]


def test_withdraw_gated_removes_only_pages_of_cases_no_longer_public(tmp_path, caplog):
    output = tmp_path / "output"
    lay_out(output, "cases/tipdm-1", "cases/tipdm-2", "cases/tipdm-3")
    cases = [row("tipdm-1", True), row("tipdm-2", False), row("tipdm-3", False), row("tipdm-4", False)]
    with caplog.at_level(logging.INFO, logger="wenzheng_bridge.trust.gates"):
        removed = withdraw_gated(build(output, {}, cases))
    # tipdm-4 never had a page: nothing to remove, nothing reported.
    assert removed == ["cases/tipdm-2", "cases/tipdm-3"]
    assert sorted(p.name for p in (output / "cases").iterdir()) == ["tipdm-1"]
    assert [r.getMessage() for r in caplog.records] == ["已从输出目录移除 2 个不再公开的案件：cases/tipdm-2、cases/tipdm-3"]


def test_withdraw_gated_lists_at_most_twenty_folders_in_the_log(tmp_path, caplog):
    output = tmp_path / "output"
    keys = [f"tipdm-{n}" for n in range(1, 23)]
    lay_out(output, *(f"cases/{key}" for key in keys))
    with caplog.at_level(logging.INFO, logger="wenzheng_bridge.trust.gates"):
        removed = withdraw_gated(build(output, {}, [row(key, False) for key in keys]))
    assert len(removed) == 22
    expected = "已从输出目录移除 22 个不再公开的案件：" + "、".join(f"cases/{key}" for key in keys[:20])
    assert [r.getMessage() for r in caplog.records] == [expected]


def test_withdraw_gated_never_leaves_the_output_folder(tmp_path, caplog):
    output = tmp_path / "output"
    lay_out(tmp_path, "elsewhere")
    output.mkdir()
    # A key that climbs out of cases/ and the output: the folder outside must survive.
    cases = [row("../../elsewhere", False), row("..", False)]
    with caplog.at_level(logging.INFO, logger="wenzheng_bridge.trust.gates"):
        assert withdraw_gated(build(output, {}, cases)) == []
    assert (tmp_path / "elsewhere" / "index.html").exists() and output.exists()
    assert caplog.records == []
