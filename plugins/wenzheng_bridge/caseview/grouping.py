"""Grouping unit TF-IDF rows into topics: blocked candidate pairs, cosine links, components.

The work is done in whole-array numpy steps, a block of petitions at a time,
never one Python call per petition or per link (at 100,000 petitions the
per-petition version spent most of its time in interpreter overhead):

1. Candidates: each petition's ``top_terms`` strongest terms that are
   anchors (``Matrix.anchor``: specific terms, see ``topics.py``) and that
   another petition has too; a generic word finds none, so two petitions are
   only ever linked through a name or a rare issue word they share. A petition is paired
   only with later petitions, and only with the ``candidates`` of them that
   share most strong terms with it (ties: the earlier one), so each pair is
   scored once and the pairs grow with n, not n².
2. Links: the cosine of every candidate pair of a block at once (rows are unit
   vectors, so a sparse dot product); pairs at or above ``threshold`` are
   kept with their cosine.
3. Components by label propagation with pointer jumping, then each
   component's dense communities (Leiden, see ``split_components``): single
   links chain loosely related petitions. Petitions left in pieces too small
   to show are partitioned again among themselves.
4. ``joined``: the groups found are compared as wholes (``merge``): one
   story told in many words (a big topic) comes out of step 3 in pieces,
   and pieces whose centroids are alike are one topic again.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

#: Bump when grouping or labelling changes its result for the same inputs (cached groupings key on it).
VERSION = "grouping-12"
_BLOCK = 256  # petitions whose candidates are scored together (bounds the block's memory)


@dataclass
class Matrix:
    """Unit TF-IDF rows: row i's terms are indices[indptr[i]:indptr[i + 1]]."""

    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray
    df: np.ndarray
    anchor: np.ndarray  # per term: specific enough to make a topic (a name or a rare issue word)

    @property
    def rows(self) -> int:
        return len(self.indptr) - 1

    def row(self, doc: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self.indptr[doc], self.indptr[doc + 1]
        return self.indices[lo:hi], self.weights[lo:hi]

    def occurrences(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every term occurrence of ``rows``: its position in ``indices``/``weights``, and its row's index in ``rows``."""
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        return ranges(starts, ends), np.repeat(np.arange(rows.size), ends - starts)


@dataclass
class Links:
    """Pairs (src < dst) whose cosine reached the threshold, and that cosine."""

    src: np.ndarray
    dst: np.ndarray
    cosine: np.ndarray


def groups(matrix: Matrix, options: dict) -> list[np.ndarray]:
    """Row numbers of each group of at least ``min_size`` linked petitions."""
    links = link(matrix, options)
    labels = split_components(matrix.rows, links, options)
    sizes = np.bincount(labels, minlength=matrix.rows)
    order = np.argsort(labels, kind="stable")
    bounds = np.cumsum(sizes)
    return [order[end - size:end] for end, size in zip(bounds.tolist(), sizes.tolist())
            if size >= int(options["min_size"])]


def link(matrix: Matrix, options: dict) -> Links:
    """Candidate pairs of every block of rows, scored, kept at or above the threshold."""
    postings = _Postings(matrix, int(options["top_terms"]))
    threshold = float(options["threshold"])
    local = np.full(len(matrix.df), -1, dtype=np.int64)  # global term -> column of the block's dense rows
    found = []
    for start in range(0, matrix.rows, _BLOCK):
        docs = np.arange(start, min(start + _BLOCK, matrix.rows))
        src, dst = postings.candidates(docs, int(options["candidates"]))
        cosine = pair_cosines(matrix, docs, src, dst, local)
        keep = cosine >= threshold
        # int32 rows: millions of links at 100,000 petitions, and a petition number fits.
        found.append((src[keep].astype(np.int32), dst[keep].astype(np.int32), cosine[keep]))
    if not found:
        empty = np.zeros(0, dtype=np.int32)
        return Links(empty, empty, np.zeros(0, dtype=np.float32))
    return Links(*(np.concatenate(parts) for parts in zip(*found)))


#: Strongest terms kept per group centroid, and how many centroids a term may be shared by and
#: still pair them (a word strong in more groups than that is common to many stories).
CENTROID_TERMS = 20
CENTROID_GENERIC = 50


def joined(groups: list[np.ndarray], names: list[int], matrix: Matrix, options: dict,
           issue: np.ndarray) -> list[tuple[list[int], int]]:
    """(indices into ``groups``, name) of each topic: groups whose centroids' cosine reaches ``merge``, joined.

    Leiden keeps a set of petitions together only when their links are dense,
    and a big story is written many ways: 56 posts about one estate's concrete
    plant came out as seven groups (搅拌站, 搅拌厂, the street's name, 污染…).
    Each group is summed into a centroid of its strongest terms; two groups
    whose centroids are close enough are joined, closest first, while the
    result stays within ``max_size``. The rows of each group are unit vectors,
    so the centroids weigh every petition alike. Only ``issue`` terms count
    (not the names of places), and two groups named for different places
    (``names``: a term per group, -1 for none) stay apart: the same estate's
    油烟 and its cracked floors are two stories, and so are two estates' 油烟.
    """
    at, limit = float(options["merge"]), int(options["max_size"])
    # Union-find rather than ``components``: each join depends on the joins before it (size, names).
    parent = list(range(len(groups)))
    sizes = [len(g) for g in groups]
    name = list(names)

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in _close_pairs(_centroids(groups, matrix, issue), at):
        ra, rb = root(a), root(b)
        two_places = name[ra] >= 0 and name[rb] >= 0 and name[ra] != name[rb]
        if ra == rb or two_places or sizes[ra] + sizes[rb] > limit:
            continue
        parent[rb], sizes[ra], name[ra] = ra, sizes[ra] + sizes[rb], max(name[ra], name[rb])  # the name, if either has one
    found: dict[int, list[int]] = {}
    for g in range(len(groups)):
        found.setdefault(root(g), []).append(g)
    return [(parts, name[top]) for top, parts in found.items()]


def _centroids(groups: list[np.ndarray], matrix: Matrix, issue: np.ndarray) -> list[dict[int, float]]:
    """Each group's summed rows over the ``issue`` terms: its ``CENTROID_TERMS`` strongest, scaled to unit length."""
    if not groups:
        return []
    rows = np.concatenate(groups)
    positions, which = matrix.occurrences(rows)
    owner = np.repeat(np.arange(len(groups)), [len(g) for g in groups])[which]
    keep = issue[matrix.indices[positions]]
    positions, owner = positions[keep], owner[keep]
    vocabulary = len(matrix.df)
    unique, inverse = np.unique(owner * vocabulary + matrix.indices[positions], return_inverse=True)
    sums = np.bincount(inverse, weights=matrix.weights[positions])
    group, term = unique // vocabulary, unique % vocabulary
    order = np.lexsort((term, -sums, group))  # per group: strongest first, ties by term
    first = np.searchsorted(group[order], group[order], side="left")
    keep = order[np.arange(order.size) - first < CENTROID_TERMS]
    norms = np.sqrt(np.bincount(group[keep], weights=sums[keep] ** 2, minlength=len(groups)))
    centroids: list[dict[int, float]] = [{} for _ in groups]
    for g, t, w in zip(group[keep].tolist(), term[keep].tolist(), (sums[keep] / norms[group[keep]]).tolist()):
        centroids[g][t] = w
    return centroids


def _close_pairs(centroids: list[dict[int, float]], at: float) -> list[tuple[int, int]]:
    """Pairs of centroids whose cosine reaches ``at``, closest first (ties: the earlier pair)."""
    posting: dict[int, list[int]] = {}
    for g, c in enumerate(centroids):
        for t in c:
            posting.setdefault(t, []).append(g)
    dots: dict[tuple[int, int], float] = {}
    for t, holders in posting.items():
        if len(holders) > CENTROID_GENERIC:
            continue
        for i, a in enumerate(holders):
            for b in holders[i + 1:]:
                dots[(a, b)] = dots.get((a, b), 0.0) + centroids[a][t] * centroids[b][t]
    close = [(-d, pair) for pair, d in dots.items() if d >= at]
    return [pair for _, pair in sorted(close)]


class _Postings:
    """Each row's strongest terms, and for each such term the rows that have it (both CSR-shaped)."""

    def __init__(self, matrix: Matrix, k: int):
        n = matrix.rows
        rows = np.repeat(np.arange(n), np.diff(matrix.indptr))
        # Ranked among the terms that can find a candidate: a generic word, or an anchor no other
        # row has (a post on 土家织锦: 土家, 织锦), would take the slot of one it shares (文化遗产).
        shared = matrix.anchor[matrix.indices] & (matrix.df[matrix.indices] > 1)
        order = np.flatnonzero(shared)
        order = order[np.lexsort((-matrix.weights[order], rows[order]))]  # by row, strongest first
        ordered_rows = rows[order]
        rank = np.arange(order.size) - np.searchsorted(ordered_rows, ordered_rows, side="left")
        keep = order[rank < k]
        strong_rows, self.row_terms = rows[keep], matrix.indices[keep]
        self.row_ptr = np.concatenate(([0], np.cumsum(np.bincount(strong_rows, minlength=n))))
        by_term = np.lexsort((strong_rows, self.row_terms))
        self.term_ptr = np.concatenate(([0], np.cumsum(np.bincount(self.row_terms, minlength=len(matrix.df)))))
        self.term_rows = strong_rows[by_term]
        self.n = n

    def candidates(self, docs: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
        """(doc, other) pairs: for each doc, the ``limit`` later rows sharing most strong terms."""
        lo, hi = self.row_ptr[docs[0]], self.row_ptr[docs[-1] + 1]
        owner = np.repeat(docs, np.diff(self.row_ptr[docs[0]:docs[-1] + 2]))
        terms = self.row_terms[lo:hi]
        starts, ends = self.term_ptr[terms], self.term_ptr[terms + 1]
        others = self.term_rows[ranges(starts, ends)]
        owners = np.repeat(owner, ends - starts)
        later = others > owners
        keys, shared = np.unique(owners[later] * self.n + others[later], return_counts=True)
        src, dst = keys // self.n, keys % self.n
        order = np.lexsort((dst, -shared, src))  # per doc: most shared terms first, then the earlier row
        src, dst = src[order], dst[order]
        first = np.searchsorted(src, src, side="left")
        keep = np.arange(src.size) - first < limit
        return src[keep], dst[keep]


def pair_cosines(matrix: Matrix, docs: np.ndarray, src: np.ndarray, dst: np.ndarray,
                 local: np.ndarray) -> np.ndarray:
    """Cosine of each pair (src in ``docs``): the block's rows laid out dense over their own terms.

    ``local`` maps the vocabulary to the dense columns; it is all -1 between
    calls (-1 is the dense rows' last column, which stays 0: a term the block's
    rows lack adds nothing, with no masking pass).
    """
    if not src.size:
        return np.zeros(0, dtype=np.float32)
    lo, hi = matrix.indptr[docs[0]], matrix.indptr[docs[-1] + 1]
    block_terms = matrix.indices[lo:hi]
    columns = np.unique(block_terms)
    local[columns] = np.arange(columns.size)
    dense = np.zeros((docs.size, columns.size + 1), dtype=np.float32)
    dense[np.repeat(docs - docs[0], np.diff(matrix.indptr[docs[0]:docs[-1] + 2])), local[block_terms]] = \
        matrix.weights[lo:hi]
    starts, ends = matrix.indptr[dst], matrix.indptr[dst + 1]
    positions = ranges(starts, ends)
    pair = np.repeat(np.arange(src.size), ends - starts)
    cells = np.repeat((src - docs[0]) * dense.shape[1], ends - starts)
    cells += local[matrix.indices[positions]] % dense.shape[1]
    products = dense.ravel()[cells] * matrix.weights[positions]
    local[columns] = -1
    return np.bincount(pair, weights=products, minlength=src.size).astype(np.float32)


def ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The concatenation of range(start, end) for each pair, without a Python loop."""
    lengths = ends - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    return np.arange(total) - np.repeat(offsets - starts, lengths)


def components(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Connected components: each row's label is the smallest row number of its component."""
    labels = np.arange(n, dtype=np.int32)
    while True:
        a, b = labels[src], labels[dst]
        if np.array_equal(a, b):
            return labels
        np.minimum.at(labels, np.maximum(a, b), np.minimum(a, b))  # hook the larger root under the smaller
        while True:  # pointer jumping: every row straight to its root
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped


def split_components(n: int, links: Links, options: dict) -> np.ndarray:
    """Groups: the dense communities of the linked components; each row's label is its group's smallest row.

    Single links chain loosely related petitions (one shared word is enough),
    and raising the threshold for a whole chained component (the former
    method) also cut the links inside tight clusters a little weaker than the
    new threshold, dissolving them into singletons. Instead, the links of
    every component of at least ``min_size`` rows go to the Leiden algorithm
    with the Constant Potts Model (igraph): it keeps petitions together when
    the summed cosine of their links exceeds ``split_density`` times their
    number of pairs, so a tight cluster stays whole wherever it sits in a
    chain while the few links between clusters are cut. A community still
    above ``max_size`` is split again at twice the density, and so on. Last,
    the petitions left in pieces smaller than ``min_size`` are partitioned
    again among themselves (``_regroup_leftovers``): a small real topic whose
    members Leiden each paired with an outside neighbour is found whole.
    """
    labels = components(n, links.src, links.dst)
    density = float(options["split_density"])
    big = np.bincount(labels, minlength=n)[labels] >= int(options["min_size"])
    while big.any() and density <= 1:
        _split(labels, big, links, density)
        big = np.bincount(labels, minlength=n)[labels] > int(options["max_size"])
        density *= 2
    _regroup_leftovers(labels, links, options)
    return labels


def _split(labels: np.ndarray, rows_mask: np.ndarray, links: Links, density: float) -> None:
    """Relabel the rows of ``rows_mask`` by the Leiden communities of the links within their groups."""
    n = labels.size
    inside = rows_mask[links.src] & (labels[links.src] == labels[links.dst])  # links within a group
    rows = np.flatnonzero(rows_mask)
    local = np.full(n, -1, dtype=np.int64)
    local[rows] = np.arange(rows.size)
    membership = communities(rows.size, local[links.src[inside]], local[links.dst[inside]],
                             links.cosine[inside], density)
    first = np.full(rows.size, n, dtype=np.int64)  # each community's smallest row
    np.minimum.at(first, membership, rows)
    labels[rows] = first[membership]


def _regroup_leftovers(labels: np.ndarray, links: Links, options: dict) -> None:
    """Petitions left in pieces too small to show, partitioned again among themselves.

    Leiden may pair each petition of a small real topic with a neighbour
    outside it (a quality tie): the pieces are cut off together, and their
    links to each other decide again.
    """
    n, min_size = labels.size, int(options["min_size"])
    small = np.bincount(labels, minlength=n)[labels] < min_size
    between = small[links.src] & small[links.dst]
    labels[small] = np.flatnonzero(small)  # every leftover on its own, unless regrouped below
    if not between.any():
        return
    joined = components(n, links.src[between], links.dst[between])
    regroup = small & (np.bincount(joined, minlength=n)[joined] >= min_size)
    if regroup.any():
        labels[regroup] = joined[regroup]
        _split(labels, regroup, links, float(options["split_density"]))


def communities(n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray, density: float) -> np.ndarray:
    """Leiden communities (Constant Potts Model at ``density``) of a weighted graph: a label per node.

    Leiden visits nodes in a random order and small topics depend on it: of
    ``RUNS`` runs with fixed seeds, the partition of highest CPM quality is
    kept (the same topics every build, and fewer chance splits).
    """
    import igraph

    graph = igraph.Graph(n=n, edges=np.column_stack((src, dst)).tolist(), directed=False)
    weights = weight.astype(np.float64).tolist()
    best = None
    try:
        for run in range(RUNS):
            igraph.set_random_number_generator(random.Random(_SEED + run))
            found = graph.community_leiden(objective_function="CPM", weights=weights, resolution=density,
                                           n_iterations=-1)
            if best is None or found.quality > best.quality:
                best = found
    finally:
        igraph.set_random_number_generator(random)
    assert best is not None  # RUNS > 0: at least one partition was found
    return np.asarray(best.membership, dtype=np.int64)


RUNS = 10
_SEED = 20201  # Leiden visits nodes in a random order: a fixed seed, the same topics every build
