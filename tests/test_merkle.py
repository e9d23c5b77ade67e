"""The Merkle tree arithmetic of the audit log (bairn.audit.merkle, RFC 6962 / RFC 9162 §2.1),
checked against the standard's published test vectors and against a reference written
here straight from the recursive definitions of RFC 6962 §2.1.

The vectors are copied from transparency-dev/merkle (Apache-2.0), commit
417fb0c314750d94e53942e9f92e79b6d35915db:
- testonly/constants.go: LeafInputs, NodeHashes, RootHashes, CompactTrees, EmptyRootHash;
- cmd/proofgen/main.go: inclusionProofs and consistencyProofs (its leafIdx counts from 1,
  converted here to 0-based), the corruptions it derives from them
  (invalidInclusionProof, invalidConsistencyProof), singleEntryInclusionProbes,
  staticInclusionProbes and staticConsistencyProbes (the files under testdata/);
- proof/proof_test.go: TestInclusion and TestConsistency, the nodes each proof reads.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from bairn.audit.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    CompactRange,
    consistency_nodes,
    consistency_proof,
    inclusion_nodes,
    inclusion_proof,
    leaf_hash,
    node_hash,
    range_nodes,
    root,
    subtree_root,
    verify_consistency,
    verify_inclusion,
)

pytestmark = pytest.mark.nodb

hx = bytes.fromhex

# --- testonly/constants.go ------------------------------------------------------------

LEAF_INPUTS = [
    hx(""),
    hx("00"),
    hx("10"),
    hx("2021"),
    hx("3031"),
    hx("40414243"),
    hx("5051525354555657"),
    hx("606162636465666768696a6b6c6d6e6f"),
]

# NODE_HASHES[level][index]: every complete subtree of the 8-leaf tree.
NODE_HASHES = [
    [
        hx("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        hx("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        hx("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
        hx("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
        hx("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        hx("4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"),
        hx("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
        hx("46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"),
    ],
    [
        hx("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
        hx("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        hx("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
        hx("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
    ],
    [
        hx("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        hx("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    ],
    [
        hx("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
    ],
]

EMPTY_ROOT_HASH = hx("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")

# ROOT_HASHES[size] for the trees of the first `size` leaf inputs.
ROOT_HASHES = [
    EMPTY_ROOT_HASH,
    hx("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    hx("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    hx("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    hx("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    hx("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    hx("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    hx("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    hx("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]

# COMPACT_TREES[size]: the right edge of each tree, as (level, index) into NODE_HASHES.
COMPACT_TREES = [
    [],
    [(0, 0)],
    [(1, 0)],
    [(1, 0), (0, 2)],
    [(2, 0)],
    [(2, 0), (0, 4)],
    [(2, 0), (1, 2)],
    [(2, 0), (1, 2), (0, 6)],
    [(3, 0)],
]

# --- cmd/proofgen/main.go ---------------------------------------------------------------

SOME_HASH = hx("abacaba000000000000000000000000000000000000000000060061e00123456")

# (leaf index, tree size, PATH); proofgen's leafIdx counts from 1.
INCLUSION_PROOFS: list[tuple[int, int, list[bytes]]] = [
    (0, 1, []),
    (
        0,
        8,
        [
            hx("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            hx("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            hx("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        5,
        8,
        [
            hx("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            hx("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            hx("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (2, 3, [hx("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (
        1,
        5,
        [
            hx("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            hx("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            hx("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]

# (size1, size2, PROOF)
CONSISTENCY_PROOFS: list[tuple[int, int, list[bytes]]] = [
    (1, 1, []),
    (
        1,
        8,
        [
            hx("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            hx("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            hx("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            hx("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            hx("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            hx("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            hx("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            hx("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            hx("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            hx("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            hx("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]

# testdata/inclusion/single-entry: the leaf hash of b"data", which is also the root of
# the tree of that one leaf (base64 DTrtAjFI/9KiWfvQzcf7PPl1ZYdg03dbgq9vkKrMLfw=).
DATA_LEAF_HASH = hx("0d3aed023148ffd2a259fbd0cdc7fb3cf975658760d3775b82af6f90aacc2dfc")

# --- proof/proof_test.go: the nodes a proof reads (the tree of its comment) ---------------

# (index, size) -> the complete nodes (level, index) of the proof, as a set.
INCLUSION_NODE_SETS: list[tuple[int, int, set[tuple[int, int]]]] = [
    (0, 1, set()),
    (0, 2, {(0, 1)}),
    (1, 2, {(0, 0)}),
    (1, 3, {(0, 0), (0, 2)}),
    (0, 7, {(0, 1), (1, 1), (0, 6), (1, 2)}),
    (1, 7, {(0, 0), (1, 1), (0, 6), (1, 2)}),
    (2, 7, {(0, 3), (1, 0), (0, 6), (1, 2)}),
    (3, 7, {(0, 2), (1, 0), (0, 6), (1, 2)}),
    (4, 7, {(0, 5), (0, 6), (2, 0)}),
    (5, 7, {(0, 4), (0, 6), (2, 0)}),
    (6, 7, {(1, 2), (2, 0)}),
    (2, 4, {(0, 3), (1, 0)}),
    (3, 5, {(0, 2), (1, 0), (0, 4)}),
    (3, 6, {(0, 2), (1, 0), (1, 2)}),
    (4, 6, {(0, 5), (2, 0)}),
    (10, 15, {(0, 11), (1, 4), (0, 14), (1, 6), (3, 0)}),
    (24, 31, {(0, 25), (1, 13), (0, 30), (1, 14), (3, 2), (4, 0)}),
    (81, 95, {(0, 80), (1, 41), (2, 21), (0, 94), (1, 46), (2, 22), (4, 4), (6, 0)}),
]

# (size1, size2) -> the complete nodes of the proof, as a set.
CONSISTENCY_NODE_SETS: list[tuple[int, int, set[tuple[int, int]]]] = [
    (1, 2, {(0, 1)}),
    (1, 4, {(0, 1), (1, 1)}),
    (1, 6, {(0, 1), (1, 1), (1, 2)}),
    (2, 3, {(0, 2)}),
    (2, 8, {(1, 1), (2, 1)}),
    (3, 7, {(0, 2), (0, 3), (1, 0), (0, 6), (1, 2)}),
    (4, 7, {(0, 6), (1, 2)}),
    (5, 7, {(0, 4), (0, 5), (0, 6), (2, 0)}),
    (6, 7, {(1, 2), (0, 6), (2, 0)}),
    (7, 8, {(0, 6), (0, 7), (1, 2), (2, 0)}),
    (1, 1, set()),
    (2, 2, set()),
    (3, 3, set()),
    (4, 4, set()),
    (5, 5, set()),
    (7, 7, set()),
    (8, 8, set()),
    (2, 4, {(1, 1)}),
    (3, 5, {(0, 2), (0, 3), (1, 0), (0, 4)}),
    (3, 6, {(0, 2), (0, 3), (1, 0), (1, 2)}),
    (4, 6, {(1, 2)}),
    (1, 7, {(0, 1), (1, 1), (0, 6), (1, 2)}),
    (10, 15, {(1, 4), (1, 5), (0, 14), (1, 6), (3, 0)}),
    (24, 31, {(3, 2), (0, 30), (1, 14), (2, 6), (4, 0)}),
    (81, 95, {(0, 80), (0, 81), (1, 41), (2, 21), (0, 94), (1, 46), (2, 22), (4, 4), (6, 0)}),
]


# --- The reference: RFC 6962 §2.1, word for word, over the leaves' data ---------------------


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _split(n: int) -> int:
    """k, the largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: Sequence[bytes]) -> bytes:
    """MTH(D[n]) (§2.1)."""
    n = len(d)
    if n == 0:
        return _sha(b"")
    if n == 1:
        return _sha(b"\x00" + d[0])
    k = _split(n)
    return _sha(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:]))


def ref_path(m: int, d: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) (§2.1.1)."""
    n = len(d)
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: Sequence[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) (§2.1.2)."""
    n = len(d)
    if m == n:
        return [] if b else [ref_mth(d)]
    k = _split(n)
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


def ref_proof(m: int, d: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) (§2.1.2), for 0 < m <= n."""
    return ref_subproof(m, d, True)


def ref_range_nodes(start: int, end: int) -> list[tuple[int, int]]:
    """The largest complete subtrees inside [start, end): those whose parent is not."""

    def inside(level: int, index: int) -> bool:
        return start <= index << level and (index + 1) << level <= end

    found = [
        (level, index)
        for level in range(end.bit_length() + 1)
        for index in range(end >> level)
        if inside(level, index) and not inside(level + 1, index >> 1)
    ]
    return sorted(found, key=lambda node: node[1] << node[0])


MAX = 70
DATA = [*LEAF_INPUTS, *(f"leaf {i}".encode() for i in range(len(LEAF_INPUTS), MAX))]
HASHES = [_sha(b"\x00" + d) for d in DATA]
# Every complete subtree of the tree of MAX leaves, as the log stores them.
ALL_NODES = {
    (level, index): ref_mth(DATA[index << level : (index + 1) << level])
    for level in range(MAX.bit_length())
    for index in range(MAX >> level)
}
VECTOR_NODES = {
    (level, index): h for level, row in enumerate(NODE_HASHES) for index, h in enumerate(row)
}


def flipped(proof: Sequence[bytes], i: int, bit: int) -> list[bytes]:
    out = list(proof)
    out[i] = bytes([out[i][0] ^ bit]) + out[i][1:]
    return out


def rejects(verify: Callable[..., bool], *args: Any) -> bool:
    """A proof is refused when verification answers False, or when its arguments cannot
    describe a tree (ValueError)."""
    try:
        return not verify(*args)
    except ValueError:
        return True


# --- Hashes and roots -------------------------------------------------------------------


def test_hashes_are_the_published_ones() -> None:
    assert HASH_SIZE == 32
    assert EMPTY_ROOT == EMPTY_ROOT_HASH == root([])
    assert [leaf_hash(d) for d in LEAF_INPUTS] == NODE_HASHES[0]
    for level in range(1, len(NODE_HASHES)):
        below = NODE_HASHES[level - 1]
        assert NODE_HASHES[level] == [
            node_hash(below[2 * i], below[2 * i + 1]) for i in range(len(NODE_HASHES[level]))
        ]
    assert leaf_hash(b"data") == DATA_LEAF_HASH


@pytest.mark.parametrize("size", range(len(ROOT_HASHES)))
def test_roots_are_the_published_ones(size: int) -> None:
    assert root(NODE_HASHES[0][:size]) == ROOT_HASHES[size]
    tree = CompactRange()
    for h in NODE_HASHES[0][:size]:
        tree.append(h)
    assert tree.root() == ROOT_HASHES[size]
    assert tree.hashes == [VECTOR_NODES[node] for node in COMPACT_TREES[size]]
    assert range_nodes(0, size) == COMPACT_TREES[size]


def test_subtree_root_of_each_published_complete_subtree() -> None:
    for (level, index), h in VECTOR_NODES.items():
        assert subtree_root(NODE_HASHES[0][index << level : (index + 1) << level]) == h


@pytest.mark.parametrize("size", range(MAX + 1))
def test_root_is_the_reference_mth(size: int) -> None:
    assert root(HASHES[:size]) == ref_mth(DATA[:size])
    if size and size & (size - 1) == 0:
        assert subtree_root(HASHES[:size]) == ref_mth(DATA[:size])


def test_subtree_root_refuses_a_count_that_is_not_a_power_of_two() -> None:
    for n in (0, 3, 5, 6, 7, 12):
        with pytest.raises(ValueError, match="power-of-two"):
            subtree_root(HASHES[:n])


def test_root_refuses_a_hash_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="leaf hash 1 is 31 bytes"):
        root([HASHES[0], HASHES[1][:31], HASHES[2]])
    with pytest.raises(ValueError, match="leaf hash 0 is 3 bytes"):
        subtree_root([b"abc", HASHES[1]])


# --- range_nodes --------------------------------------------------------------------------


def test_range_nodes_are_the_largest_complete_subtrees_inside() -> None:
    for end in range(MAX + 1):
        for start in range(end + 1):
            assert range_nodes(start, end) == ref_range_nodes(start, end), (start, end)


def test_range_nodes_of_large_ranges() -> None:
    size = (1 << 40) + (1 << 17) + 5
    assert range_nodes(0, size) == [(40, 0), (17, 1 << 23), (2, ((1 << 40) + (1 << 17)) >> 2),
                                    (0, size - 1)]  # fmt: skip
    assert range_nodes(3, 8) == [(0, 3), (2, 1)]
    assert range_nodes(5, 5) == []


def test_range_nodes_refuses_a_backwards_or_negative_range() -> None:
    with pytest.raises(ValueError, match="starts at 5, after its end 4"):
        range_nodes(5, 4)
    with pytest.raises(ValueError, match="negative"):
        range_nodes(-1, 4)


# --- CompactRange -------------------------------------------------------------------------


def completed_at(size: int) -> list[tuple[int, int]]:
    """The complete subtrees whose last leaf is leaf size - 1, lowest first."""
    return [
        (level, (size >> level) - 1)
        for level in range(size.bit_length())
        if size % (1 << level) == 0
    ]


def test_appending_leaves_one_by_one() -> None:
    tree = CompactRange()
    assert (tree.size, tree.hashes, tree.root()) == (0, [], EMPTY_ROOT)
    for n in range(1, MAX + 1):
        done = tree.append(HASHES[n - 1])
        assert done[0] == (0, n - 1, HASHES[n - 1])
        assert [(level, index) for level, index, _ in done] == completed_at(n)
        for level, index, h in done:
            assert h == ALL_NODES[(level, index)]
        assert tree.size == n
        assert tree.hashes == [ALL_NODES[node] for node in range_nodes(0, n)]
        assert tree.root() == root(HASHES[:n]) == ref_mth(DATA[:n])


def test_a_compact_range_can_be_resumed_from_its_hashes() -> None:
    for n in range(MAX):
        tree = CompactRange(n, [ALL_NODES[node] for node in range_nodes(0, n)])
        assert tree.root() == ref_mth(DATA[:n])
        tree.append(HASHES[n])
        assert tree.root() == ref_mth(DATA[: n + 1])


@pytest.mark.parametrize("seed", range(20))
def test_appending_whole_subtrees(seed: int) -> None:
    rng = random.Random(seed)
    tree = CompactRange()
    while tree.size < MAX:
        size = tree.size
        # Any complete subtree that may come next and fits in the reference tree.
        levels = [
            level
            for level in range(MAX.bit_length())
            if size % (1 << level) == 0 and size + (1 << level) <= MAX
        ]
        level = rng.choice(levels)
        done = tree.append_subtree(level, ALL_NODES[(level, size >> level)])
        new = size + (1 << level)
        assert tree.size == new
        assert [(lvl, idx) for lvl, idx, _ in done] == completed_at(new)[level + 1 :]
        for lvl, idx, h in done:
            assert h == ALL_NODES[(lvl, idx)]
        assert tree.hashes == [ALL_NODES[node] for node in range_nodes(0, new)]
        assert tree.root() == ref_mth(DATA[:new])


def test_compact_range_refuses_what_cannot_be_a_tree() -> None:
    with pytest.raises(ValueError, match="a tree of 5 leaves has a right edge of 2 hashes, not 1"):
        CompactRange(5, [HASHES[0]])
    with pytest.raises(ValueError, match="right edge of 0 hashes, not 1"):
        CompactRange(0, [HASHES[0]])
    with pytest.raises(ValueError, match="negative"):
        CompactRange(-1)
    with pytest.raises(ValueError, match="hash 1 is 4 bytes"):
        CompactRange(3, [HASHES[0], b"abcd"])
    tree = CompactRange(6, [ALL_NODES[(2, 0)], ALL_NODES[(1, 2)]])
    with pytest.raises(ValueError, match="of 4 leaves cannot be appended to a tree of 6"):
        tree.append_subtree(2, ALL_NODES[(2, 1)])
    with pytest.raises(ValueError, match="32 bytes, not 3"):
        tree.append(b"abc")
    assert (tree.size, tree.root()) == (6, ref_mth(DATA[:6]))


# --- Inclusion proofs ---------------------------------------------------------------------


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_PROOFS)
def test_published_inclusion_proofs(index: int, size: int, proof: list[bytes]) -> None:
    assert inclusion_proof(index, size, VECTOR_NODES) == proof
    assert ref_path(index, LEAF_INPUTS[:size]) == proof
    leaf, top = NODE_HASHES[0][index], ROOT_HASHES[size]
    assert verify_inclusion(leaf, index, size, proof, top)

    # proofgen's invalidInclusionProof: each of these must be refused.
    bad: list[tuple[bytes, int, int, list[bytes], bytes]] = [
        (leaf, index - 1, size, proof, top),
        (leaf, index + 1, size, proof, top),
        (leaf, index ^ 2, size, proof, top),
        (leaf, index, size * 2, proof, top),
        (leaf, index, size // 2, proof, top),
        (b"WrongLeaf", index, size, proof, top),
        (leaf, index, size, proof, EMPTY_ROOT_HASH),
        (leaf, index, size, proof, SOME_HASH),
        (leaf, index, size, [*proof, b""], top),
        (leaf, index, size, [*proof, top], top),
        (leaf, index, size, [b"", *proof], top),
        (leaf, index, size, [top, *proof], top),
    ]
    bad += [(leaf, index, size, flipped(proof, i, 8), top) for i in range(len(proof))]
    if proof:
        bad.append((leaf, index, size, proof[:-1], top))
    if len(proof) > 1:
        bad.append((leaf, index, size, [proof[0], SOME_HASH, *proof[1:]], top))
    for args in bad:
        assert rejects(verify_inclusion, *args), args


def test_single_entry_inclusion_probes() -> None:
    h = DATA_LEAF_HASH
    assert verify_inclusion(h, 0, 1, [], h)
    assert not verify_inclusion(b"", 0, 1, [], h)
    assert not verify_inclusion(h, 0, 1, [], b"")
    assert not verify_inclusion(b"", 0, 1, [], b"")  # a hash of the wrong size


def test_static_inclusion_probes() -> None:
    for index, size in [(0, 0), (0, 1), (1, 0), (2, 1)]:
        for leaf, top in [(SOME_HASH, b""), (b"", EMPTY_ROOT_HASH), (SOME_HASH, EMPTY_ROOT_HASH)]:
            assert rejects(verify_inclusion, leaf, index, size, [], top)


@pytest.mark.parametrize(("index", "size", "nodes"), INCLUSION_NODE_SETS)
def test_inclusion_reads_the_published_nodes(
    index: int, size: int, nodes: set[tuple[int, int]]
) -> None:
    got = inclusion_nodes(index, size)
    assert len(got) == len(nodes)
    assert set(got) == nodes


@pytest.mark.parametrize("size", range(1, MAX + 1))
def test_inclusion_proofs_match_the_reference(size: int) -> None:
    top = ref_mth(DATA[:size])
    for index in range(size):
        needed = inclusion_nodes(index, size)
        # Every node read is a complete subtree of this tree, read once.
        assert all((i + 1) << level <= size for level, i in needed)
        assert len(set(needed)) == len(needed)
        # The proof is built from those nodes alone.
        proof = inclusion_proof(index, size, {node: ALL_NODES[node] for node in needed})
        assert proof == ref_path(index, DATA[:size])
        leaf = HASHES[index]
        assert verify_inclusion(leaf, index, size, proof, top)
        assert not verify_inclusion(leaf, index, size, proof, SOME_HASH)
        assert not verify_inclusion(HASHES[(index + 1) % MAX], index, size, proof, top)
        for i in range(len(proof)):
            assert not verify_inclusion(leaf, index, size, flipped(proof, i, 1), top)
        assert not verify_inclusion(leaf, index, size, [*proof, top], top)
        if proof:
            assert not verify_inclusion(leaf, index, size, proof[:-1], top)
        if len(proof) > 1:
            assert not verify_inclusion(leaf, index, size, proof[::-1], top)
        for other in {index - 1, index + 1, index ^ 1, index ^ 2}:
            if 0 <= other < size and other != index:
                assert not verify_inclusion(leaf, other, size, proof, top)
        # Nor does it prove the leaf is in a tree of another size.
        for other_size in {size - 1, size + 1, size * 2}:
            if index < other_size <= MAX and other_size != size:
                other_root = ref_mth(DATA[:other_size])
                assert not verify_inclusion(leaf, index, other_size, proof, other_root)


def test_inclusion_proof_names_a_missing_node() -> None:
    needed = inclusion_nodes(3, 7)  # leaf 3 of 7: c, g and the cut-off range [4, 7)
    assert needed == [(0, 2), (1, 0), (1, 2), (0, 6)]
    for missing in needed:
        nodes = {node: ALL_NODES[node] for node in needed if node != missing}
        with pytest.raises(KeyError, match=rf"\(level, index\) = \({missing[0]}, {missing[1]}\)"):
            inclusion_proof(3, 7, nodes)


def test_inclusion_refuses_a_leaf_outside_the_tree() -> None:
    for call in (
        lambda: inclusion_nodes(7, 7),
        lambda: inclusion_proof(7, 7, ALL_NODES),
        lambda: verify_inclusion(HASHES[0], 7, 7, [], EMPTY_ROOT),
        lambda: inclusion_nodes(0, 0),
    ):
        with pytest.raises(ValueError, match="is not in a tree of"):
            call()
    with pytest.raises(ValueError, match="negative"):
        inclusion_nodes(-1, 7)


# --- Consistency proofs -------------------------------------------------------------------


@pytest.mark.parametrize(("size1", "size2", "proof"), CONSISTENCY_PROOFS)
def test_published_consistency_proofs(size1: int, size2: int, proof: list[bytes]) -> None:
    assert consistency_proof(size1, size2, VECTOR_NODES) == proof
    assert ref_proof(size1, LEAF_INPUTS[:size2]) == proof
    root1, root2 = ROOT_HASHES[size1], ROOT_HASHES[size2]
    assert verify_consistency(size1, size2, root1, root2, proof)
    if not proof:
        return

    # proofgen's invalidConsistencyProof: each of these must be refused.
    bad: list[tuple[int, int, bytes, bytes, list[bytes]]] = [
        (size1 - 1, size2, root1, root2, proof),
        (size1 + 1, size2, root1, root2, proof),
        (size1 ^ 2, size2, root1, root2, proof),
        (size1, size2 * 2, root1, root2, proof),
        (size1, size2 // 2, root1, root2, proof),
        (size1, size2, b"WrongRoot", root2, proof),
        (size1, size2, root1, b"WrongRoot", proof),
        (size1, size2, root2, root1, proof),
        (size1, size2, root1, root2, []),
        (size1, size2, root1, root2, [*proof, b""]),
        (size1, size2, root1, root2, [*proof, root1]),
        (size1, size2, root1, root2, [*proof, root2]),
        (size1, size2, root1, root2, [b"", *proof]),
        (size1, size2, root1, root2, [root1, *proof]),
        (size1, size2, root1, root2, [root2, *proof]),
        (size1, size2, root1, root2, [proof[0], *proof]),
        (size1, size2, root1, root2, proof[:-1]),
    ]
    bad += [(size1, size2, root1, root2, flipped(proof, i, 16)) for i in range(len(proof))]
    for args in bad:
        assert rejects(verify_consistency, *args), args


R1, R2 = b"don't care 1", b"don't care 2"

# proofgen's staticConsistencyProbes: (size1, size2, root1, root2, proof, accepted here).
# Three differ from transparency-dev/merkle, which refuses every proof from an empty tree
# ("meaningless"): Bairn's interface treats size1 == 0 as consistent with any tree given
# an empty proof, and equal sizes as consistent when the proof is empty and the roots equal.
STATIC_CONSISTENCY = [
    (0, 0, R1, R2, [], False),
    (1, 1, R1, R2, [], False),
    (0, 0, R1, R1, [], True),  # upstream: refused
    (0, 1, R1, R2, [], True),  # upstream: refused
    (1, 1, R2, R2, [], True),
    (1, 2, R1, R2, [], False),
    (0, 0, EMPTY_ROOT_HASH, R2, [], False),
    (1, 1, EMPTY_ROOT_HASH, R2, [], False),
    (0, 0, EMPTY_ROOT_HASH, EMPTY_ROOT_HASH, [EMPTY_ROOT_HASH], False),
    (1, 1, EMPTY_ROOT_HASH, EMPTY_ROOT_HASH, [EMPTY_ROOT_HASH], False),
    (0, 1, EMPTY_ROOT_HASH, R2, [], True),  # upstream: refused
    (0, 1, EMPTY_ROOT_HASH, EMPTY_ROOT_HASH, [EMPTY_ROOT_HASH], False),
]


@pytest.mark.parametrize(("size1", "size2", "root1", "root2", "proof", "ok"), STATIC_CONSISTENCY)
def test_static_consistency_probes(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: list[bytes], ok: bool
) -> None:
    assert verify_consistency(size1, size2, root1, root2, proof) is ok


def test_consistency_refuses_a_first_tree_larger_than_the_second() -> None:
    for call in (
        lambda: verify_consistency(1, 0, R1, R2, []),
        lambda: verify_consistency(2, 1, R1, R2, []),
        lambda: consistency_nodes(9, 8),
        lambda: consistency_proof(9, 8, ALL_NODES),
    ):
        with pytest.raises(ValueError, match="is larger than the second"):
            call()
    with pytest.raises(ValueError, match="negative"):
        consistency_nodes(-1, 8)


@pytest.mark.parametrize(("size1", "size2", "nodes"), CONSISTENCY_NODE_SETS)
def test_consistency_reads_the_published_nodes(
    size1: int, size2: int, nodes: set[tuple[int, int]]
) -> None:
    got = consistency_nodes(size1, size2)
    assert len(got) == len(nodes)
    assert set(got) == nodes


@pytest.mark.parametrize("size2", range(MAX + 1))
def test_consistency_proofs_match_the_reference(size2: int) -> None:
    root2 = ref_mth(DATA[:size2])
    assert consistency_proof(0, size2, {}) == []
    assert verify_consistency(0, size2, EMPTY_ROOT, root2, [])
    assert not verify_consistency(0, size2, EMPTY_ROOT, root2, [root2])
    for size1 in range(1, size2 + 1):
        root1 = ref_mth(DATA[:size1])
        needed = consistency_nodes(size1, size2)
        assert all((i + 1) << level <= size2 for level, i in needed)
        assert len(set(needed)) == len(needed)
        proof = consistency_proof(size1, size2, {node: ALL_NODES[node] for node in needed})
        assert proof == ref_proof(size1, DATA[:size2])
        assert verify_consistency(size1, size2, root1, root2, proof)
        assert not verify_consistency(size1, size2, root1, SOME_HASH, proof)
        assert not verify_consistency(size1, size2, SOME_HASH, root2, proof)
        for i in range(len(proof)):
            assert not verify_consistency(size1, size2, root1, root2, flipped(proof, i, 1))
        assert not verify_consistency(size1, size2, root1, root2, [*proof, root2])
        if proof:
            assert not verify_consistency(size1, size2, root1, root2, proof[:-1])
        # Nor does it prove a tree of another size consistent with the second.
        for other in {size1 - 1, size1 + 1}:
            if 0 < other <= size2 and other != size1:
                other_root = ref_mth(DATA[:other])
                assert not verify_consistency(other, size2, other_root, root2, proof)
        if size2 > size1:
            # The same proof does not make the second tree consistent with a different one.
            wrong2 = ref_mth([*DATA[: size2 - 1], b"not the last leaf"])
            assert not verify_consistency(size1, size2, root1, wrong2, proof)


def test_consistency_proof_names_a_missing_node() -> None:
    needed = consistency_nodes(3, 7)  # c d g, and the cut-off range [4, 7)
    assert needed == [(0, 2), (0, 3), (1, 0), (1, 2), (0, 6)]
    for missing in needed:
        nodes = {node: ALL_NODES[node] for node in needed if node != missing}
        with pytest.raises(KeyError, match=rf"\(level, index\) = \({missing[0]}, {missing[1]}\)"):
            consistency_proof(3, 7, nodes)
