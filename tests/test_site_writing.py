"""Writing output files: unchanged bytes keep their mtime, stale pages in owned folders go."""
from __future__ import annotations

import os
import shutil

from wenzheng_bridge.site.build import Build
from wenzheng_bridge.site.writing import relative_root, write_if_changed


def test_unchanged_bytes_are_not_rewritten(tmp_path):
    page = tmp_path / "cases" / "x-1" / "index.html"
    assert write_if_changed(page, "<p>一</p>")
    os.utime(page, ns=(1_000_000_000, 1_000_000_000))
    assert not write_if_changed(page, "<p>一</p>".encode("utf-8"))
    assert page.stat().st_mtime_ns == 1_000_000_000
    assert write_if_changed(page, "<p>二</p>")
    assert page.read_text(encoding="utf-8") == "<p>二</p>" and page.stat().st_mtime_ns != 1_000_000_000
    assert [p.name for p in page.parent.iterdir()] == ["index.html"]  # no temporary file left


def test_a_folder_removed_between_builds_is_made_again(tmp_path):
    page = tmp_path / "boards" / "a1-bac2f9" / "index.html"
    assert write_if_changed(page, "a")
    shutil.rmtree(tmp_path / "boards")
    assert write_if_changed(page, "a") and page.read_text() == "a"


def test_prune_deletes_only_unwritten_files_in_owned_folders(tmp_path):
    for name in ("cases/old-1/index.html", "cases/old-1/updates.atom.xml", "cases/new-2/index.html",
                 "theme/css/site.css", "index.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    build = Build(settings={}, writer=None, output_path=tmp_path, cases=[], all_cases=[], context={})
    build.own("cases")
    build.write("cases/new-2/index.html", "y")
    assert build.prune() == ["cases/old-1/updates.atom.xml", "cases/old-1/index.html"]
    assert not (tmp_path / "cases" / "old-1").exists()
    assert (tmp_path / "cases/new-2/index.html").read_text() == "y"
    assert (tmp_path / "theme/css/site.css").exists() and (tmp_path / "index.html").exists()


def test_relative_root():
    assert relative_root("index.html") == "."
    assert relative_root("cases/x-1/index.html") == "../.."
    assert relative_root("boards/a/page/2/index.html") == "../../../.."
