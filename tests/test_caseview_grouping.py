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


def test_a_long_chain_is_split_at_its_weak_links_and_small_groups_stay_whole():
    # Rows 0-249: a chain whose every 10th link is weak (0.2), the rest strong (0.5); rows 250-254 a
    # group of five tied at 0.19, under max_size, which a raised threshold must not touch.
    src = list(range(249)) + [250, 251, 252, 253]
    dst = list(range(1, 250)) + [251, 252, 253, 254]
    cosine = [0.2 if (i + 1) % 10 == 0 else 0.5 for i in range(249)] + [0.19] * 4
    links = Links(np.array(src, dtype=np.int32), np.array(dst, dtype=np.int32), np.array(cosine, dtype=np.float32))
    labels = split_components(255, links, DEFAULT_TOPICS)
    groups = label_sets(labels)
    assert {250, 251, 252, 253, 254} in groups
    chain = [g for g in groups if max(g) < 250]
    assert [len(g) for g in chain] == [10] * 25  # 0.18 -> 0.26 drops exactly the weak links
    # Without a size limit the chain is one group.
    whole = label_sets(split_components(255, links, {**DEFAULT_TOPICS, "max_size": 1000}))
    assert set(range(250)) in whole
