"""Shared fixtures: the real sample data, a settings loader, temporary stores."""
from __future__ import annotations

import functools
import shutil
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "tipdm2020c"
SHARED_SAMPLE = ROOT.parent / "shared" / "data" / "tipdm2020c"

_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    # A skip usually means a missing dependency: that must fail CI, not pass quietly.
    if _skipped and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.write_line(f"FAILED: {len(_skipped)} skipped test(s) count as failures", red=True)


@functools.cache
def sheet_rows(name: str, folder: Path = SAMPLE) -> tuple[tuple, ...]:
    """A sample sheet's rows (header first, blank rows left out), read with openpyxl alone, once a session.

    fj2's sheet claims 65,203 rows (495 with data, the rest blank formatting): reading it
    takes seconds, so tests share one reading instead of each opening the file.
    """
    import openpyxl

    sheet = openpyxl.load_workbook(folder / name, read_only=True).worksheets[0]
    return tuple(row for row in sheet.iter_rows(values_only=True) if any(cell is not None for cell in row))


def sheet_dicts(name: str, folder: Path = SAMPLE) -> list[dict]:
    """The data rows of a sample sheet as dicts by header (rows without an id left out)."""
    header, *rows = sheet_rows(name, folder)
    return [dict(zip(header, row)) for row in rows if row[0] is not None]


def sheet_time(cell) -> datetime:
    """A 留言时间/答复时间 cell as the sheet holds it (an Excel datetime or "2019/2/28 11:25:05"), naive."""
    return cell if isinstance(cell, datetime) else datetime.strptime(cell.strip(), "%Y/%m/%d %H:%M:%S")


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


def tipdm_source(**overrides) -> dict:
    """The demo's table source over the bundled real sample."""
    source = {
        "name": "tipdm",
        "kind": "table",
        "paths": [
            str(SAMPLE / "fj2_sample495_labelled.xlsx"),
            str(SAMPLE / "fj3_sample30_likes.xlsx"),
            str(SAMPLE / "fj4_sample120_replies.xlsx"),
        ],
        "labels": str(SAMPLE / "fj1_label_tree.xlsx"),
        "board": "A市",
        "board_from_district": True,
    }
    source.update(overrides)
    return source


@pytest.fixture
def make_settings(tmp_path):
    """Build validated settings for a temporary store: make_settings(sources=[...], **WENZHENG_*)."""
    from wenzheng_bridge.settings import wenzheng_settings

    def build(sources=None, **extra):
        raw = {
            "PATH": str(tmp_path),
            "TIMEZONE": "Asia/Shanghai",
            "WENZHENG_BASE": str(tmp_path),
            "WENZHENG_STORE": str(tmp_path / "store.sqlite3"),
            "WENZHENG_SOURCES": sources if sources is not None else [tipdm_source()],
            **extra,
        }
        return {**raw, **wenzheng_settings(raw)}

    return build


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Path:
    """A store pulled once from the real sample, shared read-only by tests."""
    from wenzheng_bridge.pull import pull
    from wenzheng_bridge.settings import wenzheng_settings

    folder = tmp_path_factory.mktemp("sample-store")
    raw = {"PATH": str(folder), "WENZHENG_BASE": str(folder),
           "WENZHENG_STORE": str(folder / "store.sqlite3"), "WENZHENG_SOURCES": [tipdm_source()]}
    pull({**raw, **wenzheng_settings(raw)})
    return folder / "store.sqlite3"


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A copy of the project's site files (conf, content, theme, data) to build in."""
    target = tmp_path / "site"
    target.mkdir()
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy(ROOT / name, target / name)
    for name in ("content", "theme", "data"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("*.sqlite3*"))
    (target / "plugins").symlink_to(ROOT / "plugins")
    return target


# The site tests' shared fixtures. The build itself is made once per session (browser.site_build);
# a server and a browser live per module, so one module's pages cannot leak into another's.
@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The real sample pulled and built with Pelican (once per session)."""
    from browser import site_build

    return site_build(tmp_path_factory)


@pytest.fixture(scope="module")
def base(site):
    """The built sample site served on 127.0.0.1: its base URL."""
    from browser import serve

    with serve(site.output) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium."""
    from browser import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def view(site):
    """The case view of the same store, newsroom records and 'now' as the built sample site."""
    from wenzheng_bridge.caseview.stats import stats
    from wenzheng_bridge.caseview.view import cases as case_views
    from wenzheng_bridge.newsroom.articles import read_articles
    from wenzheng_bridge.newsroom.records import load as load_records
    from wenzheng_bridge.store import Store

    settings = site.settings
    records = load_records(settings, articles=read_articles(settings))
    with Store.open(settings["WENZHENG_STORE"], readonly=True) as store:
        everything = list(case_views(store, settings, records=records))
    public = [case for case in everything if case.public]
    return {"all": everything, "public": public, "stats": stats(public, settings)}
