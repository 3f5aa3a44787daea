"""Hot topics against the hand-labelled real sample (tests/data/topics_labelled.tsv): purity and recall.

The figures and their definition are in bench/RESULTS-topics.md (bench/topics_quality.py
prints them); the floors here are the measured values rounded down, so a change that makes
topics worse on real posts fails.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import topics_quality as quality  # noqa: E402
from wenzheng_bridge.caseview import topics  # noqa: E402


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    labelled = quality.read_labelled()
    views = quality.sample_cases(tmp_path_factory.mktemp("topics-quality"))
    found = topics(views, {"WENZHENG_NOW": quality.NOW, "WENZHENG_CACHE_DIR": ""})
    return labelled, views, found, quality.scores(found, labelled)


def test_the_labelled_set_covers_the_whole_sample(measured):
    labelled, views, _, _ = measured
    assert len(views) == 1144 and set(labelled.topic) == {c.key for c in views}
    assert len(labelled.names) >= 10
    assert all(len(labelled.members(name)) >= 3 for name in labelled.names)
    assert sum(1 for topic in labelled.topic.values() if topic == "-") > 900  # posts in none


def test_purity_and_recall_on_the_labelled_topics(measured):
    labelled, _, _, per_topic = measured
    # Measured (bench/RESULTS-topics.md, seventh round): all 0.882 / 0.827, tune 0.927 / 0.951,
    # held out 0.843 / 0.717 (非物质文化遗产保护, lost in the fifth round, found again in the
    # seventh). Floors a little below.
    purity, recall = quality.means(per_topic, labelled.names)
    assert purity >= 0.87 and recall >= 0.81
    tune = [n for n in labelled.names if labelled.part[n] == "tune"]
    purity, recall = quality.means(per_topic, tune)
    assert purity >= 0.92 and recall >= 0.94
    held = [n for n in labelled.names if labelled.part[n] == "heldout"]
    purity, recall = quality.means(per_topic, held)
    assert purity >= 0.83 and recall >= 0.70


def test_the_competition_topics_and_the_name_a_reader_knows(measured):
    _, _, found, per_topic = measured
    assert per_topic["魅力之城小区油烟噪音"][:2] == (1.0, 1.0) and per_topic["A市经济学院强制实习"][:2] == (1.0, 1.0)
    assert per_topic["最低工资标准"][:2] == (1.0, 1.0)
    # Three posts each, linked by cosines of about 0.1: found by the best of ``grouping.RUNS`` Leiden runs.
    assert per_topic["传销"][:2] == (1.0, 1.0) and per_topic["考试监考不公"][:2] == (1.0, 1.0)
    estate = next(t for t in found if "tipdm-360100" in t.members)
    assert estate.terms[0] == "魅力之城小区"


def test_generic_request_words_make_no_topic(measured):
    _, _, found, _ = measured
    from wenzheng_bridge.caseview.terms import STOPWORDS

    for word in ("请加快", "加快", "建议", "希望", "问题", "反映"):
        assert word in STOPWORDS or word == "请加快"
        assert all(word not in t.terms for t in found)
    assert max(len(t.members) for t in found) <= 20


# The second labelled set: the whole 附件3 (bench/data), labelled blind to the grouping code.
@pytest.fixture(scope="module")
def full_fj3(tmp_path_factory):
    path, files = quality.CORPORA["fj3full"]
    views = quality.sample_cases(tmp_path_factory.mktemp("topics-fj3"), files=files)
    return quality.read_labelled(path), views, _found(views)


def _found(views, **options):
    return topics(views, {"WENZHENG_NOW": quality.NOW, "WENZHENG_CACHE_DIR": "", "WENZHENG_TOPICS": options})


def test_a_big_story_told_many_ways_is_one_topic_again(full_fj3):
    """56 posts about one estate's concrete plant: Leiden leaves them in pieces, the join makes one topic."""
    labelled, views, found = full_fj3
    assert len(views) == 4326 and set(labelled.topic) == {c.key for c in views}
    story = "丽发新城搅拌站扰民"
    apart = quality.scores(_found(views, merge=1.01), labelled)[story]
    joined = quality.scores(found, labelled)[story]
    # Measured: 0.45 of the story in its largest topic without the join, 0.79 with it.
    assert apart[1] < 0.5 and joined[1] >= 0.75 and joined[0] >= 0.8
    assert joined[2].startswith("丽发新城")


def test_the_join_keeps_two_places_with_one_problem_apart(full_fj3):
    labelled, _, found = full_fj3
    topic_of = {key: t.id for t in found for key in t.members}
    fumes = {topic_of.get(k) for k in labelled.members("魅力之城底商油烟噪音扰民")} - {None}
    restaurant = {topic_of.get(k) for k in labelled.members("辉煌国际城二期楼下违规开饭店")} - {None}
    assert fumes and restaurant and not fumes & restaurant


def test_figures_on_the_second_labelled_set(full_fj3):
    labelled, _, found = full_fj3
    per_topic = quality.scores(found, labelled)
    # Measured (bench/RESULTS-topics.md, seventh round): all 26 topics 0.798 / 0.801, the 13 held
    # out 0.741 / 0.856. Floors a little below: short of the 0.9 goal, but a change that makes
    # topics worse on unseen real posts fails.
    purity, recall = quality.means(per_topic, labelled.names)
    assert purity >= 0.78 and recall >= 0.78
    purity, recall = quality.means(per_topic, [n for n in labelled.names if labelled.part[n] == "heldout"])
    assert purity >= 0.73 and recall >= 0.83


def test_labels_name_an_estate_and_a_road_as_their_posts_write_them(full_fj3):
    """伊景园滨河苑 and 月亮岛路, not the pieces jieba cut them into (景园滨河, 月亮)."""
    labelled, _, found = full_fj3
    for story, name in (("伊景园滨河苑捆绑销售车位", "伊景园滨河苑"), ("月亮岛路110kv高压线", "月亮岛路")):
        posts = labelled.members(story)
        topic = max(found, key=lambda t: len(posts & set(t.members)))
        assert topic.terms[0] == name, (story, topic.label)


def test_words_jieba_lacks_link_posts_across_places(full_fj3):
    """扫码, 捂盘, 禁摩: cut into single characters, they made no topic; as pairs they make one, named for them."""
    labelled, _, found = full_fj3
    per_topic = quality.scores(found, labelled)
    for story, word in (("地铁公交扫码乘车不便", "扫码"), ("楼盘捂盘惜售", "捂盘"), ("禁摩令", "禁摩")):
        purity, recall, label, _ = per_topic[story]
        # Measured: purity 1.00 each, recall 0.54, 0.57 and 0.67 (0.23, 0.29 and 0.33 as single
        # characters; 扫码 was 0.62 before the seventh round's candidates).
        assert word in label and purity == 1.0 and recall >= 0.5, (story, per_topic[story])


def test_posts_naming_the_place_do_not_push_a_topic_past_max_size(full_fj3):
    """The namesakes of a place (posts in no group that name it) join its topic only while it is within max_size."""
    _, views, _ = full_fj3
    # Measured at max_size 30: 37 without the limit (魅力之城's fumes and their namesakes), 30 with it.
    assert max(len(t.members) for t in _found(views, max_size=30)) == 30


def test_two_everyday_words_together_name_a_subject(full_fj3):
    """教师 + 招聘, 购房 + 资格, 垃圾 + 分类: each word is everyday language, together they are a story."""
    _, _, found = full_fj3
    stories = {  # real posts of 附件3, read by hand: each set is one story
        "教师招聘": {"tipdm-194573", "tipdm-195223", "tipdm-210267", "tipdm-224240", "tipdm-252212", "tipdm-255161"},
        "购房资格": {"tipdm-194523", "tipdm-196249", "tipdm-206536", "tipdm-220015", "tipdm-229731"},
        "垃圾分类": {"tipdm-214532", "tipdm-261175", "tipdm-287779"},
    }
    for story, keys in stories.items():
        holding = max(found, key=lambda t: len(keys & set(t.members)))
        assert len(keys & set(holding.members)) >= 3, story
