"""Typed settings: each layer's settings object, its defaults, and the closed sets (Choice options)."""
from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from wenzheng_bridge.caseview.settings import DEFAULT_TRENDING, CaseviewSettings
from wenzheng_bridge.config import ConfigError, CoreSettings
from wenzheng_bridge.desk.settings import DeskSettings
from wenzheng_bridge.newsroom.settings import NewsroomSettings
from wenzheng_bridge.newsroom.publication import PublicationSettings
from wenzheng_bridge.reports.settings import ReportSettings
from wenzheng_bridge.site.leader_settings import LeaderSettings
from wenzheng_bridge.settings import all_options, wenzheng_settings
from wenzheng_bridge.site.settings import SiteSettings
from wenzheng_bridge.sources import validate_sources
from wenzheng_bridge.sources.kinds import SOURCE_KINDS
from wenzheng_bridge.sources.settings import COMMON_OPTIONS
from wenzheng_bridge.trust.settings import TrustSettings

LAYERS = (CoreSettings, CaseviewSettings, TrustSettings, NewsroomSettings, SiteSettings, DeskSettings,
          ReportSettings, LeaderSettings, PublicationSettings)
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "tipdm2020c" / "fj4_sample120_replies.xlsx"

#: A valid entry of each source kind, to which one bad value is added at a time.
ENTRIES = {
    "table": {"name": "t", "kind": "table", "paths": [str(SAMPLE)]},
    "feed": {"name": "t", "kind": "feed", "url": "http://127.0.0.1:9/forum.php?mod=rss&fid=2"},
    "forum": {"name": "t", "kind": "forum", "url": "http://127.0.0.1:9/", "fids": [2]},
    "json": {"name": "t", "kind": "json", "url": "http://127.0.0.1:9/api/list"},
}


def _bad(option):
    """A value of the option's type outside its closed set."""
    return ["不存在的值"] if option.type is list else "不存在的值"


def test_every_layer_covers_its_option_table_and_takes_each_default_from_it():
    covered = set()
    for layer in LAYERS:
        names = {"WENZHENG_" + f.name.upper() for f in fields(layer)}
        assert names == set(layer.OPTIONS), layer.__name__
        covered |= names
        empty = layer.of({})
        for key, option in layer.OPTIONS.items():
            value = getattr(empty, key.removeprefix("WENZHENG_").lower())
            if option.merge is not None:
                assert value == option.merge and option.default == {}, key
            elif isinstance(option.default, list):
                assert value == tuple(option.default), key
            else:
                assert value == option.default, key
    assert covered == set(all_options())  # every WENZHENG_* option is read through one layer's object


def test_a_setting_given_wins_and_dict_settings_merge_over_their_defaults(tmp_path):
    raw = {"WENZHENG_BASE": str(tmp_path), "WENZHENG_TRENDING": {"gravity": 1.2}, "WENZHENG_BUDGET_SIZE": 4,
           "WENZHENG_REVIEW_TYPES": ["举报", "诉求"], "WENZHENG_STORE": "s/x.sqlite3"}
    validated = wenzheng_settings(raw)
    caseview = CaseviewSettings.of(validated)
    assert caseview.trending == {**DEFAULT_TRENDING, "gravity": 1.2}
    assert NewsroomSettings.of(validated).budget_size == 4
    assert TrustSettings.of(validated).review_types == ("举报", "诉求")
    assert CoreSettings.of(validated).store_path == tmp_path / "s" / "x.sqlite3"
    # A partial (unvalidated) dict means the same: its relative store starts from its base.
    assert CoreSettings.of({"WENZHENG_BASE": str(tmp_path)}).store_path == tmp_path / "data" / "wenzheng.sqlite3"
    assert CaseviewSettings.of(caseview) is caseview  # an object already built is passed through


def test_public_numbers_are_compared_digit_by_digit():
    trust = TrustSettings.of({"WENZHENG_PUBLIC_NUMBERS": ["0746-8362789", "12345"]})
    assert trust.public_digits == frozenset({"07468362789", "12345"})


def _site_choices():
    return [(key, option) for key, option in all_options().items() if option.choices]


def _source_choices():
    found = [(kind, key, option) for kind in SOURCE_KINDS for key, option in SOURCE_KINDS[kind].options.items()
             if option.choices]
    return found + [("table", key, option) for key, option in COMMON_OPTIONS.items() if option.choices]


def test_the_closed_sets_are_choices():
    assert {key for key, _ in _site_choices()} >= {"WENZHENG_REVIEW_TYPES", "WENZHENG_SCAN_KINDS"}
    assert {key for _, key, _ in _source_choices()} >= {"kind", "full_text", "knows", "method", "post_body"}


@pytest.mark.parametrize("key", [key for key, _ in _site_choices()])
def test_a_bad_site_choice_is_refused_naming_the_setting_and_every_valid_value(tmp_path, key):
    option = all_options()[key]
    with pytest.raises(ConfigError) as error:
        wenzheng_settings({"WENZHENG_BASE": str(tmp_path), key: _bad(option)})
    line = next(p for p in error.value.problems if key in p)
    assert "不存在的值" in line
    for valid in option.choices:
        assert str(valid) in line, (key, valid)


@pytest.mark.parametrize("kind,key", [(kind, key) for kind, key, _ in _source_choices()])
def test_a_bad_source_choice_is_refused_naming_the_option_and_every_valid_value(tmp_path, kind, key):
    option = {**COMMON_OPTIONS, **SOURCE_KINDS[kind].options}[key]
    entry = {**ENTRIES[kind], key: _bad(option)}
    _, problems = validate_sources([ENTRIES["table"] | {"name": "ok"}, entry], tmp_path)
    lines = [p for p in problems if re.search(rf"'{key}'", p)]
    assert len(lines) == 1, problems
    assert "不存在的值" in lines[0] and lines[0].startswith("WENZHENG_SOURCES[1]")
    for valid in option.choices:
        assert str(valid) in lines[0], (key, valid)


def test_good_choices_pass():
    _, problems = validate_sources([{**ENTRIES["feed"], "full_text": "never", "knows": ["replies", "types"]},
                                    {**ENTRIES["json"], "name": "j", "method": "POST", "post_body": "json"}],
                                   Path("."))
    assert problems == []


def test_no_job_reads_a_wenzheng_setting_with_its_own_default():
    """The option tables hold every default: ``settings.get("WENZHENG_X", 15)`` drifts from them."""
    package = Path(__file__).resolve().parent.parent / "plugins" / "wenzheng_bridge"
    pattern = re.compile(r"""\.get\(\s*["']WENZHENG_\w+["']\s*,""")
    offenders = [f"{path.relative_to(package)}:{number}" for path in sorted(package.rglob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line)]
    assert offenders == []


@pytest.mark.parametrize("agent", ["零距离问政采集器", "wenzheng\nX-Injected: 1", "   "])
def test_a_user_agent_that_is_no_http_header_is_refused_naming_the_setting(make_settings, agent):
    """httpx raised UnicodeEncodeError (a traceback) at the first request; now the settings say why."""
    from wenzheng_bridge.config import ConfigError

    with pytest.raises(ConfigError, match="WENZHENG_USER_AGENT.*HTTP 请求头"):
        make_settings(WENZHENG_USER_AGENT=agent)
    assert make_settings(WENZHENG_USER_AGENT="newsroom-bot/2.0 (+mailto:desk@example.org)")
