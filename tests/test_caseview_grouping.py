"""Topic grouping's whole-array steps, checked against plain Python on small known graphs."""
from __future__ import annotations

import random

import numpy as np

from wenzheng_bridge.caseview.grouping import Links, components, split_components
from wenzheng_bridge.caseview.settings import DEFAULT_TOPICS


def python_components(n: int, pairs: list[tuple[int, int]]) -> list[set[int]]:
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in pairs:
        parent[max(find(a), find(b))] = min(find(a), find(b))
    groups: dict[int, set[int]] = {}
    for x in range(n):
        groups.setdefault(find(x), set()).add(x)
    return sorted(groups.values(), key=min)


def label_sets(labels: np.ndarray) -> list[set[int]]:
    groups: dict[int, set[int]] = {}
    for row, label in enumerate(labels.tolist()):
        groups.setdefault(label, set()).add(row)
    return sorted(groups.values(), key=min)


def test_components_match_union_find_on_random_graphs():
    rng = random.Random(7)
    for n, edges in ((1, 0), (10, 0), (50, 30), (300, 280), (300, 900)):
        pairs = [tuple(sorted(rng.sample(range(n), 2))) for _ in range(edges)] if n > 1 else []
        src = np.array([a for a, _ in pairs], dtype=np.int32)
        dst = np.array([b for _, b in pairs], dtype=np.int32)
        labels = components(n, src, dst)
        assert label_sets(labels) == python_components(n, pairs)
        # Each label is the smallest row of its component.
        assert all(labels[min(group)] == min(group) for group in label_sets(labels))


def clique(rows: list[int], cosine: float) -> list[tuple[int, int, float]]:
    return [(a, b, cosine) for i, a in enumerate(rows) for b in rows[i + 1:]]


def test_a_chained_group_is_cut_between_its_clusters_and_tight_clusters_stay_whole():
    # 30 clusters of 8 petitions, all pairs linked inside; 10 of them tight at 0.5, 20 only at
    # 0.22 (the former method raised the whole chain's threshold to 0.26 and dissolved those into
    # singletons). Each cluster is chained to the next by one weak link (0.1): 240 rows, above max_size.
    edges = []
    for k in range(30):
        edges += clique(list(range(8 * k, 8 * k + 8)), 0.5 if k % 3 == 0 else 0.22)
        if k:
            edges.append((8 * k - 1, 8 * k, 0.1))
    # A loose group of five under max_size (a chain at 0.09) and three rows alone.
    edges += [(240 + i, 241 + i, 0.09) for i in range(4)]
    src, dst, cosine = (np.array(column) for column in zip(*edges))
    links = Links(src.astype(np.int32), dst.astype(np.int32), cosine.astype(np.float32))
    groups = label_sets(split_components(248, links, DEFAULT_TOPICS))
    for k in range(30):
        assert set(range(8 * k, 8 * k + 8)) in groups
    assert {245} in groups and {246} in groups and {247} in groups
    assert all(len(g) <= DEFAULT_TOPICS["max_size"] for g in groups)


def test_a_chain_without_clusters_falls_apart_rather_than_being_one_topic():
    # 250 petitions each linked only to the next at 0.2: nothing in it is dense.
    src = np.arange(249, dtype=np.int32)
    links = Links(src, src + 1, np.full(249, 0.2, dtype=np.float32))
    groups = label_sets(split_components(250, links, DEFAULT_TOPICS))
    assert max(len(g) for g in groups) < 20


def test_splitting_is_deterministic():
    rng = np.random.default_rng(5)
    src = rng.integers(0, 400, 3000).astype(np.int32)
    dst = rng.integers(0, 400, 3000).astype(np.int32)
    keep = src < dst
    links = Links(src[keep], dst[keep], rng.uniform(0.08, 0.6, keep.sum()).astype(np.float32))
    first = split_components(400, links, DEFAULT_TOPICS)
    assert np.array_equal(first, split_components(400, links, DEFAULT_TOPICS))


def test_pieces_too_small_to_show_are_partitioned_again_among_themselves():
    from wenzheng_bridge.caseview.grouping import _regroup_leftovers

    # The sample's 传销 posts (6196, 558, 10603): linked to each other at 0.10-0.12, and each to
    # one post outside (楚江世纪城, 数字电视); Leiden on the whole sample (a heuristic on 1,047
    # rows) paired each with its outside neighbour, pieces too small to show. Among the pieces
    # alone the three are the better partition. Rows 6-13 are a topic of their own and stay.
    edges = [(0, 1, 0.12), (0, 2, 0.11), (1, 2, 0.10), (0, 3, 0.08), (1, 4, 0.08), (2, 5, 0.08)]
    edges += clique(list(range(6, 14)), 0.4) + [(5, 6, 0.09)]
    src, dst, cosine = (np.array(column) for column in zip(*edges))
    links = Links(src.astype(np.int32), dst.astype(np.int32), cosine.astype(np.float32))
    labels = np.array([0, 1, 2, 0, 1, 2] + [6] * 8, dtype=np.int32)
    _regroup_leftovers(labels, links, DEFAULT_TOPICS)
    assert label_sets(labels) == [{0, 1, 2}, {3}, {4}, {5}, set(range(6, 14))]
    # Pieces whose links to each other cannot make min_size stay apart (and are not shown).
    labels = np.array([0, 1, 2, 0, 1, 2] + [6] * 8, dtype=np.int32)
    _regroup_leftovers(labels, Links(links.src[3:], links.dst[3:], links.cosine[3:]), DEFAULT_TOPICS)
    assert all(len(group) < 3 for group in label_sets(labels)[:-1]) and set(range(6, 14)) in label_sets(labels)
