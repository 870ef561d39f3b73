"""Merkle trees as in RFC 6962 / RFC 9162 (Certificate Transparency), as pure functions.

Hashes are raw 32-byte SHA-256 digests. A leaf of the ledger's tree is the ``entry_hash`` of
an entry (its 32 bytes, not its hex); ``leaf_hash`` adds the 0x00 domain prefix and
``node_hash`` the 0x01 prefix, so a leaf can never pass for an inner node (second-preimage
attack). The tree over ``n`` leaves splits at the largest power of two below ``n``; the root
of the empty tree is SHA-256 of the empty string.

Proofs are built through a ``SubtreeRoot`` callable, ``root_of(start, end)`` giving the root
of leaves ``[start, end)``: over a list in memory (:func:`list_subtree_root`, used by tests and
small trees) or over the database's stored subtree roots (``selectors``), so the same proof
code serves both. The subtrees asked for are always nodes of the RFC tree.

The verifiers follow RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency). They return
``False`` for any malformed input instead of raising: they judge data sent by others.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import NamedTuple

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

SubtreeRoot = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly below ``n`` (n ≥ 2): where RFC 6962 splits a tree."""
    if n < 2:
        raise ValueError("A tree of fewer than two leaves does not split.")
    return 1 << ((n - 1).bit_length() - 1)


def _mth(leaves: Sequence[bytes], start: int, end: int) -> bytes:
    size = end - start
    if size == 0:
        return EMPTY_ROOT
    if size == 1:
        return leaves[start]
    k = split_point(size)
    return node_hash(_mth(leaves, start, start + k), _mth(leaves, start + k, end))


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """MTH over already hashed leaves, by the recursive definition of RFC 6962 §2.1.

    Deliberately the textbook recursion, not the frontier: tests use it as the independent
    reference for everything else in this module.
    """
    return _mth(leaves, 0, len(leaves))


def list_subtree_root(leaves: Sequence[bytes]) -> SubtreeRoot:
    def root_of(start: int, end: int) -> bytes:
        return _mth(leaves, start, end)

    return root_of


def inclusion_path(index: int, size: int, root_of: SubtreeRoot) -> list[bytes]:
    """PATH(index, D[size]) of RFC 6962 §2.1.1, the sibling next to the leaf first."""
    if not 0 <= index < size:
        raise ValueError(f"Leaf {index} is not in a tree of {size} leaves.")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            path.append(root_of(start + k, end))
            end = start + k
        else:
            path.append(root_of(start, start + k))
            start += k
    path.reverse()
    return path


def consistency_path(first: int, second: int, root_of: SubtreeRoot) -> list[bytes]:
    """PROOF(first, D[second]) of RFC 6962 §2.1.2; empty when first is 0 or equals second."""
    if not 0 <= first <= second:
        raise ValueError(f"No consistency proof from size {first} to size {second}.")
    if first in (0, second):
        return []
    path: list[bytes] = []
    start, end, m = 0, second, first
    whole_old_tree = True  # the "b" flag of SUBPROOF: still on the old tree's left edge
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            path.append(root_of(start + k, end))
            end = start + k
        else:
            path.append(root_of(start, start + k))
            start += k
            m -= k
            whole_old_tree = False
    if not whole_old_tree:
        path.append(root_of(start, end))
    path.reverse()
    return path


def _valid_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def verify_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does ``path`` prove leaf hash ``leaf`` at ``index`` under ``root``?"""
    if not (_valid_hash(leaf) and _valid_hash(root) and all(_valid_hash(p) for p in path)):
        return False
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, path: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: does ``path`` prove the tree of ``second`` leaves extends ``first``?

    The RFC leaves the trivial cases to the caller; here equal sizes need an empty path and
    equal roots, and the empty first tree needs an empty path and the empty root.
    """
    if not (_valid_hash(first_root) and _valid_hash(second_root) and all(_valid_hash(p) for p in path)):
        return False
    if not 0 <= first <= second:
        return False
    if first == 0:
        return not path and first_root == EMPTY_ROOT
    if first == second:
        return not path and first_root == second_root
    if not path:
        return False
    proof = list(path)
    if first & (first - 1) == 0:  # an exact power of two: the old root is a node of the new tree
        proof.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


class CompletedNode(NamedTuple):
    """A complete subtree that an append closed: ``2**level`` leaves from ``index * 2**level``."""

    level: int
    index: int  # type: ignore[assignment]  # the field shadows tuple.index(), which nothing calls
    hash: bytes


def frontier_append(frontier: Sequence[bytes], size: int, leaf: bytes) -> tuple[list[bytes], list[CompletedNode]]:
    """Add leaf hash ``leaf`` to a tree of ``size`` leaves known only by its frontier.

    The frontier is the list of roots of the complete subtrees along the right edge, biggest
    (leftmost) first: one per set bit of ``size``. Appending merges equal-sized neighbours
    exactly as a binary counter carries, so the cost is O(log n) and nothing else is read.
    Returns the new frontier and the inner nodes the append completed (for storage).
    """
    if len(frontier) != size.bit_count():
        raise ValueError(f"A frontier of {len(frontier)} roots cannot describe {size} leaves.")
    stack = [*frontier, leaf]
    completed: list[CompletedNode] = []
    level, carry = 0, size
    while carry & 1:
        right = stack.pop()
        left = stack.pop()
        level += 1
        merged = node_hash(left, right)
        stack.append(merged)
        completed.append(CompletedNode(level, ((size + 1) >> level) - 1, merged))
        carry >>= 1
    return stack, completed


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    """MTH of the tree whose frontier this is: fold the right-edge roots from the right."""
    if not frontier:
        return EMPTY_ROOT
    root = frontier[-1]
    for left in reversed(frontier[:-1]):
        root = node_hash(left, root)
    return root


def frontier_of(leaves: Sequence[bytes]) -> list[bytes]:
    frontier: list[bytes] = []
    for size, leaf in enumerate(leaves):
        frontier, _ = frontier_append(frontier, size, leaf)
    return frontier
