"""sitemap.xml: every public page with its lastmod, no gated case, split past the protocol's limit."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree

from test_exports import RESOLVED, TAKEN_DOWN, gated_keys, sample_build
from wenzheng_bridge.records import SHANGHAI
from wenzheng_bridge.site import sitemap

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ROOT = "https://wenzheng.example.org/"


def read(path: Path) -> dict[str, str | None]:
    tree = etree.parse(str(path))
    return {u.findtext("s:loc", namespaces=NS): u.findtext("s:lastmod", namespaces=NS)
            for u in tree.getroot().iterfind("s:url", NS)}


@pytest.fixture(scope="module")
def built(sample_store, tmp_path_factory):
    build = sample_build(sample_store, tmp_path_factory.mktemp("sitemap"))
    article = SimpleNamespace(url="column/meili/", date=datetime(2019, 9, 23, 8, 0, tzinfo=SHANGHAI), modified=None)
    build.context["articles"] = [article]
    # Pages the generator wrote before the outputs ran, including one for the newsroom only.
    for save_as in ("boards/index.html", "boards/a5-123456/page/1/index.html", "statistics/index.html",
                    "newsroom/budget/index.html", "cases/whatever/index.html", "data/cases.csv"):
        build.written.append((save_as, True))
    sitemap.write_sitemap(build)
    return build, read(Path(build.output_path) / sitemap.SITEMAP)


def test_public_pages_are_listed_with_lastmod(built):
    build, urls = built
    for case in build.cases:
        url = f"{ROOT}cases/{case.key}/"
        assert urls[url] == sitemap.case_updated(case).isoformat(timespec="seconds")
    assert urls[f"{ROOT}cases/{RESOLVED}/"].startswith("2019-10-10T10:00:00+08:00")
    assert urls[f"{ROOT}column/meili/"] == "2019-09-23T08:00:00+08:00"
    for index in ("", "boards/", "boards/a5-123456/page/1/", "statistics/"):
        assert urls[ROOT + index] == max(urls[f"{ROOT}cases/{c.key}/"] for c in build.cases)
    assert all(value.endswith("+08:00") for value in urls.values())


def test_gated_and_newsroom_pages_stay_out(built):
    build, urls = built
    assert TAKEN_DOWN in gated_keys(build)
    for key in gated_keys(build):
        assert f"{ROOT}cases/{key}/" not in urls
    assert not [u for u in urls if "/newsroom/" in u or u.endswith(".csv") or "whatever" in u]
    assert len(urls) == len(build.cases) + 1 + 1 + 3  # cases, home, article, three indexes


def test_every_folder_the_settings_call_private_stays_out(built):
    """The sitemap and the production build read one list: a folder added to it is left out of both."""
    build, _ = built
    settings = {**build.settings, "WENZHENG_PRIVATE_PATHS": ["newsroom", "drafts", "beat-notes/"]}
    written = [("beat-notes/plan/index.html", True), ("boards/index.html", True), ("drafts/x/index.html", True),
               ("search/index/pairs/x.html", True)]
    assert sitemap._written_pages(SimpleNamespace(settings=settings, written=written)) == ["boards/"]


def test_large_sites_get_a_sitemap_index(built, monkeypatch):
    build, urls = built
    monkeypatch.setattr(sitemap, "MAX_URLS", 100)
    written = sitemap.write_sitemap(build)
    index = etree.parse(str(written[0])).getroot()
    assert etree.QName(index).localname == "sitemapindex"
    parts = [loc.text for loc in index.iterfind("s:sitemap/s:loc", NS)]
    assert parts == [f"{ROOT}sitemap-{n}.xml" for n in range(1, len(written))]
    merged: dict = {}
    for path in written[1:]:
        part = read(path)
        assert len(part) <= 100
        merged.update(part)
    assert merged == urls


# -- the full demo build -------------------------------------------------------------
def test_built_sitemap_lists_existing_public_pages(tmp_path_factory):
    import json

    from browser import site_build

    site = site_build(tmp_path_factory)
    urls = read(site.output / sitemap.SITEMAP)
    public = {c["id"] for c in json.loads((site.output / "data" / "cases.json").read_text("utf-8"))["cases"]}
    root = site.settings["FEED_DOMAIN"].rstrip("/") + "/"
    listed_cases = {u[len(root):].split("/")[1] for u in urls if u.startswith(root + "cases/")}
    assert listed_cases == public
    for url in urls:  # every listed URL is a page the build wrote
        assert url.startswith(root)
        assert site.page(url[len(root) - 1:]).is_file(), url
    for expected in ("", "boards/", "stats/", "search/", "archive/"):
        assert root + expected in urls
    assert any("/column/" in u for u in urls)  # the column's articles
    assert not [u for u in urls if "/newsroom/" in u or "/drafts/" in u]
    assert all(lastmod and lastmod.endswith("+08:00") for lastmod in urls.values())
    robots = (site.output / "robots.txt").read_text("utf-8")
    assert f"Sitemap: {root}sitemap.xml" in robots.splitlines()
