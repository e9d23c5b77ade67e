"""Merkle trees of the kind Certificate Transparency uses, in pure Python (hashlib only).

This is the arithmetic the audit log is built on: RFC 6962 §2.1 as restated in RFC 9162
§2.1 (the same tree, the same hashes).

- Hashes (RFC 9162 §2.1.1): a leaf is SHA-256(0x00 || data), an inner node
  SHA-256(0x01 || left || right), and the empty tree's root SHA-256 of nothing.
- The tree (§2.1.1): MTH(D[n]) splits its leaves at the largest power of two smaller
  than n. Its *complete* subtrees are the aligned blocks of 2**level leaves, named here
  (level, index) and covering leaves [index * 2**level, (index + 1) * 2**level); they
  never change once the log has grown past them, so they are what gets stored.
- A compact range (`CompactRange`): the hashes of the complete subtrees that cover
  leaves [0, size), which is all a sequencer needs to keep to append and to compute the
  root (the "compact range" of transparency-dev/merkle's docs/compact_ranges.md).
- Inclusion proofs, PATH (§2.1.3.1), and their verification (§2.1.3.2).
- Consistency proofs, PROOF and SUBPROOF (§2.1.4.1), and their verification (§2.1.4.2).

The proof functions build a proof from stored complete-subtree hashes: `inclusion_nodes`
and `consistency_nodes` say which (level, index) nodes a proof needs, and
`inclusion_proof` and `consistency_proof` take a mapping that holds them. A proof element
whose subtree is cut off by the tree's right edge (its hash is not a complete subtree's)
is computed from the complete subtrees that make it up.

Arguments that make no sense (a leaf index outside the tree, a first tree larger than
the second, a negative number) raise ValueError. A node missing from the mapping given
to a proof function raises KeyError naming it. A proof that does not check out is not
an error: the verify functions answer False.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompactRange",
    "consistency_nodes",
    "consistency_proof",
    "inclusion_nodes",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "range_nodes",
    "root",
    "subtree_root",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT: bytes = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256
_LEAF = b"\x00"
_NODE = b"\x01"

Node = tuple[int, int]


def leaf_hash(data: bytes) -> bytes:
    """The hash of a leaf holding `data`: SHA-256(0x00 || data) (RFC 9162 §2.1.1)."""
    return _sha256(_LEAF + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an inner node: SHA-256(0x01 || left || right) (RFC 9162 §2.1.1)."""
    return _sha256(_NODE + left + right).digest()


def _check_hashes(hashes: Sequence[bytes], what: str) -> None:
    if hashes and set(map(len, hashes)) != {HASH_SIZE}:
        bad = next(i for i, h in enumerate(hashes) if len(h) != HASH_SIZE)
        raise ValueError(
            f"{what} {bad} is {len(hashes[bad])} bytes long; every hash is {HASH_SIZE} bytes"
        )


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH of a tree whose leaves have these hashes (RFC 9162 §2.1.1); EMPTY_ROOT for none.

    Computed level by level: pairing the nodes of each level and carrying an odd last
    node up unchanged builds exactly the tree that splits at the largest power of two.
    """
    if not leaf_hashes:
        return EMPTY_ROOT
    _check_hashes(leaf_hashes, "leaf hash")
    level = list(leaf_hashes)
    while len(level) > 1:
        odd = level[-1] if len(level) & 1 else None
        it = iter(level)
        level = [_sha256(_NODE + a + b).digest() for a, b in zip(it, it, strict=False)]
        if odd is not None:
            level.append(odd)
    return level[0]


def subtree_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The hash of a complete subtree: the root of a power-of-two number of leaf hashes.

    The fast path for checking many leaves at once (one list comprehension a level).
    """
    n = len(leaf_hashes)
    if n == 0 or n & (n - 1):
        raise ValueError(
            f"a complete subtree has a power-of-two number of leaves, at least one; got {n}"
        )
    _check_hashes(leaf_hashes, "leaf hash")
    level = leaf_hashes
    while len(level) > 1:
        it = iter(level)
        level = [_sha256(_NODE + a + b).digest() for a, b in zip(it, it, strict=True)]
    return level[0]


def _check_range(start: int, end: int) -> None:
    if start < 0 or end < 0:
        raise ValueError(f"leaf positions must not be negative (got start {start}, end {end})")
    if start > end:
        raise ValueError(f"the range of leaves starts at {start}, after its end {end}")


def range_nodes(start: int, end: int) -> list[Node]:
    """The complete subtrees (level, index) that exactly cover leaves [start, end).

    Left to right; each is the largest aligned block that starts where the last one
    ended and fits before `end`. For [0, size) these are one node per set bit of size,
    largest first.
    """
    _check_range(start, end)
    out: list[Node] = []
    while start < end:
        # The largest block aligned at `start` (any size when start is 0) ...
        level = (start & -start).bit_length() - 1 if start else end.bit_length()
        # ... that fits in what is left.
        level = min(level, (end - start).bit_length() - 1)
        out.append((level, start >> level))
        start += 1 << level
    return out


def _fold(parts: Sequence[bytes]) -> bytes:
    """The root of a right-edge range from its complete subtrees, left to right."""
    h = parts[-1]
    for p in reversed(parts[:-1]):
        h = _sha256(_NODE + p + h).digest()
    return h


class CompactRange:
    """The right edge of a tree of `size` leaves: the hashes of range_nodes(0, size),
    largest subtree first. Appending a leaf (or a whole complete subtree) merges it with
    the nodes it completes; nothing else of the tree is needed to grow it or to compute
    its root."""

    __slots__ = ("hashes", "size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0:
            raise ValueError(f"a tree cannot have a negative number of leaves ({size})")
        want = size.bit_count()
        if len(hashes) != want:
            raise ValueError(
                f"a tree of {size} leaves has a right edge of {want} hashes, not {len(hashes)}"
            )
        _check_hashes(hashes, "hash")
        self.size: int = size
        self.hashes: list[bytes] = list(hashes)

    def __repr__(self) -> str:
        return f"CompactRange(size={self.size}, hashes=[{len(self.hashes)} hashes])"

    def append(self, leaf_hash: bytes) -> list[tuple[int, int, bytes]]:
        """Append one leaf. Returns every complete node this completes, as
        (level, index, hash), lowest first: the leaf itself, (0, old size, leaf_hash),
        then each parent it finishes."""
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, not {len(leaf_hash)}")
        index = self.size
        done = [(0, index, leaf_hash)]
        hashes = self.hashes
        h = leaf_hash
        level = 0
        while index & 1:
            h = _sha256(_NODE + hashes.pop() + h).digest()
            index >>= 1
            level += 1
            done.append((level, index, h))
        hashes.append(h)
        self.size += 1
        return done

    def append_subtree(self, level: int, h: bytes) -> list[tuple[int, int, bytes]]:
        """Append a complete subtree of 2**level leaves whose hash is `h`. The tree's size
        must be a multiple of 2**level. Returns the nodes this completes above the
        subtree, as (level, index, hash), lowest first (not the subtree itself)."""
        if level < 0:
            raise ValueError(f"a subtree's level must not be negative ({level})")
        if self.size & ((1 << level) - 1):
            raise ValueError(
                f"a subtree of {1 << level} leaves cannot be appended to a tree of "
                f"{self.size} leaves: the size must be a multiple of {1 << level}"
            )
        if len(h) != HASH_SIZE:
            raise ValueError(f"a subtree hash is {HASH_SIZE} bytes, not {len(h)}")
        index = self.size >> level
        self.size += 1 << level
        done: list[tuple[int, int, bytes]] = []
        hashes = self.hashes
        while index & 1:
            h = _sha256(_NODE + hashes.pop() + h).digest()
            index >>= 1
            level += 1
            done.append((level, index, h))
        hashes.append(h)
        return done

    def root(self) -> bytes:
        """MTH of the tree (EMPTY_ROOT when it has no leaves)."""
        return _fold(self.hashes) if self.hashes else EMPTY_ROOT


def _path(level: int, index: int, size: int) -> list[list[Node]]:
    """The audit path of complete node (level, index) in a tree of `size` leaves, from the
    bottom up: for each element, the complete nodes it is made of, left to right (one,
    unless the element is a range cut off by the tree's right edge)."""
    out: list[list[Node]] = []
    for lvl in range(level, (size - 1).bit_length()):
        sibling = index ^ 1
        first = sibling << lvl
        if first < size:  # else this node is the right edge and has no sibling here
            last = first + (1 << lvl)
            out.append([(lvl, sibling)] if last <= size else range_nodes(first, size))
        index >>= 1
    return out


def _lookup(nodes: Mapping[Node, bytes], node: Node) -> bytes:
    try:
        return nodes[node]
    except KeyError:
        raise KeyError(f"no stored hash for node (level, index) = ({node[0]}, {node[1]})") from None


def _build(elements: list[list[Node]], nodes: Mapping[Node, bytes]) -> list[bytes]:
    return [
        _lookup(nodes, parts[0]) if len(parts) == 1 else _fold([_lookup(nodes, p) for p in parts])
        for parts in elements
    ]


def _check_index(index: int, size: int) -> None:
    if index < 0 or size < 0:
        raise ValueError(f"a leaf index and a tree size cannot be negative ({index}, {size})")
    if index >= size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")


def inclusion_nodes(index: int, size: int) -> list[Node]:
    """The complete nodes (level, index) that inclusion_proof(index, size, …) reads: for
    each proof element, bottom up, the nodes it is made of, left to right."""
    _check_index(index, size)
    return [node for parts in _path(0, index, size) for node in parts]


def inclusion_proof(index: int, size: int, nodes: Mapping[Node, bytes]) -> list[bytes]:
    """PATH(index, D[size]) (RFC 9162 §2.1.3.1), bottom up, from complete-subtree hashes."""
    _check_index(index, size)
    return _build(_path(0, index, size), nodes)


def _check_sizes(size1: int, size2: int) -> None:
    if size1 < 0 or size2 < 0:
        raise ValueError(f"tree sizes cannot be negative ({size1}, {size2})")
    if size1 > size2:
        raise ValueError(f"the first tree ({size1} leaves) is larger than the second ({size2})")


def _consistency(size1: int, size2: int) -> list[list[Node]]:
    if size1 in (0, size2):
        return []
    # The last complete subtree of the first tree, and its path in the second. When the
    # first tree is itself complete that subtree is its root, which the verifier has.
    level = (size1 & -size1).bit_length() - 1
    index = (size1 - 1) >> level
    path = _path(level, index, size2)
    return path if index == 0 else [[(level, index)], *path]


def consistency_nodes(size1: int, size2: int) -> list[Node]:
    """The complete nodes (level, index) that consistency_proof(size1, size2, …) reads:
    for each proof element in order, the nodes it is made of, left to right."""
    _check_sizes(size1, size2)
    return [node for parts in _consistency(size1, size2) for node in parts]


def consistency_proof(size1: int, size2: int, nodes: Mapping[Node, bytes]) -> list[bytes]:
    """PROOF(size1, D[size2]) (RFC 9162 §2.1.4.1) from complete-subtree hashes; empty when
    the sizes are equal or the first tree is empty."""
    _check_sizes(size1, size2)
    return _build(_consistency(size1, size2), nodes)


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether `proof` shows the leaf with this hash at `index` in the tree of `size`
    leaves whose root is `root` (RFC 9162 §2.1.3.2)."""
    _check_index(index, size)
    if len(leaf_hash) != HASH_SIZE:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0 or len(p) != HASH_SIZE:
            return False
        if fn & 1 or fn == sn:
            r = _sha256(_NODE + p + r).digest()
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _sha256(_NODE + r + p).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether `proof` shows the tree of `size2` leaves with root `root2` extends the tree
    of `size1` leaves with root `root1` (RFC 9162 §2.1.4.2).

    Equal sizes need an empty proof and equal roots. An empty first tree is consistent
    with any tree, given an empty proof.
    """
    _check_sizes(size1, size2)
    if size1 == size2:
        return not proof and root1 == root2
    if size1 == 0:
        return not proof
    if not proof or any(len(c) != HASH_SIZE for c in proof):
        return False
    path = [root1, *proof] if size1 & (size1 - 1) == 0 else list(proof)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = _sha256(_NODE + c + fr).digest()
            sr = _sha256(_NODE + c + sr).digest()
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = _sha256(_NODE + sr + c).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root1 and sr == root2
