"""The Pelican build names a user's mistake in one Chinese line and stops with status 2 (no traceback)."""
from __future__ import annotations

import os
import subprocess

import pytest

from browser.build import BIN, copy_project


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("errors") / "project")


def build(project, *overrides: str) -> subprocess.CompletedProcess:
    command = [str(BIN / "pelican"), "content", "-s", "pelicanconf.py", "-o", str(project / "output"), *overrides]
    env = {**os.environ, "COLUMNS": "500"}  # Pelican's log wraps long lines (and paths) at the width
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=600, env=env)


@pytest.mark.parametrize("kind", ["folder", "notes"])
def test_a_store_that_is_not_a_database_stops_the_build_with_one_message(project, kind):
    store = project / "data" / f"{kind}.sqlite3"
    if kind == "folder":
        store.mkdir()
    else:
        store.write_text("这不是数据库，是一份采访笔记。\n" * 200, encoding="utf-8")
    result = build(project, "-e", f'WENZHENG_STORE="{store}"')
    log = result.stdout + result.stderr
    assert result.returncode == 2, log
    assert "Traceback" not in log and "构建中止" in log and str(store) in log
    assert ("文件夹" if kind == "folder" else "不是有效的 SQLite") in log


def test_a_bad_setting_stops_the_build_with_one_message(project):
    result = build(project, "-e", 'WENZHENG_SOURCES=[{"name": "x", "kind": "carrier-pigeon", "colour": 1}]')
    log = result.stdout + result.stderr
    assert result.returncode == 2, log
    assert "Traceback" not in log and "carrier-pigeon" in log and "colour" in log
