"""Merkle trees: the published RFC 6962 vectors, and properties against the textbook recursion."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinhso.ledger import merkle

# The Certificate Transparency reference tree (RFC 6962 test data): leaf inputs, and the root
# for each size 1..8. Hashes in hex.
CT_DATA = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_INCLUSION = {
    (0, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (5, 8): [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
}
CT_CONSISTENCY = {
    (2, 8): [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (6, 8): [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
    (2, 5): [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
}
CT_LEAVES = [merkle.leaf_hash(data) for data in CT_DATA]


def _leaves(n: int) -> list[bytes]:
    """Distinct leaves, so no two subtrees can share a hash by accident."""
    return [merkle.leaf_hash(hashlib.sha256(f"leaf {i}".encode()).digest()) for i in range(n)]


def _flip(value: bytes, position: int = 0) -> bytes:
    return value[:position] + bytes([value[position] ^ 0x01]) + value[position + 1 :]


def test_empty_tree_and_prefixes_follow_rfc_6962() -> None:
    assert merkle.merkle_root([]) == merkle.EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert merkle.leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert merkle.node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    assert merkle.frontier_root([]) == merkle.EMPTY_ROOT


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_the_reference_vectors(size: int) -> None:
    assert merkle.merkle_root(CT_LEAVES[:size]).hex() == CT_ROOTS[size - 1]
    assert merkle.frontier_root(merkle.frontier_of(CT_LEAVES[:size])).hex() == CT_ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size"), list(CT_INCLUSION))
def test_inclusion_proofs_match_the_reference_vectors(index: int, size: int) -> None:
    path = merkle.inclusion_path(index, size, merkle.list_subtree_root(CT_LEAVES[:size]))
    assert [item.hex() for item in path] == CT_INCLUSION[index, size]
    root = bytes.fromhex(CT_ROOTS[size - 1])
    assert merkle.verify_inclusion(CT_LEAVES[index], index, size, path, root)


@pytest.mark.parametrize(("first", "second"), list(CT_CONSISTENCY))
def test_consistency_proofs_match_the_reference_vectors(first: int, second: int) -> None:
    path = merkle.consistency_path(first, second, merkle.list_subtree_root(CT_LEAVES[:second]))
    assert [item.hex() for item in path] == CT_CONSISTENCY[first, second]
    assert merkle.verify_consistency(
        first, second, bytes.fromhex(CT_ROOTS[first - 1]), bytes.fromhex(CT_ROOTS[second - 1]), path
    )


def test_split_point_is_the_largest_power_of_two_below() -> None:
    assert [merkle.split_point(n) for n in (2, 3, 4, 5, 8, 9, 1000)] == [1, 2, 2, 4, 4, 8, 512]
    with pytest.raises(ValueError, match="fewer than two"):
        merkle.split_point(1)


def test_frontier_agrees_with_the_recursion_at_every_size_and_reports_completed_nodes() -> None:
    leaves = _leaves(70)
    frontier: list[bytes] = []
    for size, leaf in enumerate(leaves):
        frontier, completed = merkle.frontier_append(frontier, size, leaf)
        assert len(frontier) == (size + 1).bit_count()
        assert merkle.frontier_root(frontier) == merkle.merkle_root(leaves[: size + 1])
        # Appending leaf number size+1 closes one subtree per trailing one of `size`.
        assert len(completed) == (size ^ (size + 1)).bit_length() - 1
        for node in completed:
            width = 1 << node.level
            assert node.index * width + width == size + 1
            assert node.hash == merkle.merkle_root(leaves[node.index * width : (node.index + 1) * width])


def test_frontier_refuses_a_frontier_that_does_not_fit_the_size() -> None:
    with pytest.raises(ValueError, match="cannot describe"):
        merkle.frontier_append([b"x" * 32], 3, b"y" * 32)


def test_proof_builders_refuse_out_of_range_arguments() -> None:
    root_of = merkle.list_subtree_root(_leaves(4))
    with pytest.raises(ValueError, match="not in a tree"):
        merkle.inclusion_path(4, 4, root_of)
    with pytest.raises(ValueError, match="No consistency proof"):
        merkle.consistency_path(5, 4, root_of)
    assert merkle.consistency_path(4, 4, root_of) == []
    assert merkle.consistency_path(0, 4, root_of) == []


@settings(max_examples=60, deadline=None)
@given(size=st.integers(min_value=1, max_value=70), data=st.data())
def test_every_inclusion_proof_verifies_and_every_tampered_one_fails(size: int, data: st.DataObject) -> None:
    leaves = _leaves(size)
    root = merkle.merkle_root(leaves)
    root_of = merkle.list_subtree_root(leaves)
    for index in range(size):
        path = merkle.inclusion_path(index, size, root_of)
        assert merkle.verify_inclusion(leaves[index], index, size, path, root)
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    path = merkle.inclusion_path(index, size, root_of)
    assert not merkle.verify_inclusion(_flip(leaves[index]), index, size, path, root)
    assert not merkle.verify_inclusion(leaves[index], index, size, path, _flip(root))
    assert not merkle.verify_inclusion(leaves[index], index, size, [*path, b"\xab" * 32], root)
    # (A different tree size can legitimately share the path's shape: the root, which a
    # signed checkpoint ties to its size, is what pins the size down.)
    assert not merkle.verify_inclusion(leaves[index], size, size, path, root)
    for other in range(size):
        if other != index:
            assert not merkle.verify_inclusion(leaves[index], other, size, path, root)
    if path:
        position = data.draw(st.integers(min_value=0, max_value=len(path) - 1), label="position")
        tampered = list(path)
        tampered[position] = _flip(tampered[position], data.draw(st.integers(0, 31), label="byte"))
        assert not merkle.verify_inclusion(leaves[index], index, size, tampered, root)
        assert not merkle.verify_inclusion(leaves[index], index, size, path[:-1], root)
        assert not merkle.verify_inclusion(leaves[index], index, size, [*path[:-1], b"short"], root)


@settings(max_examples=60, deadline=None)
@given(second=st.integers(min_value=1, max_value=70), data=st.data())
def test_every_consistency_proof_verifies_and_every_tampered_one_fails(second: int, data: st.DataObject) -> None:
    leaves = _leaves(second)
    root_of = merkle.list_subtree_root(leaves)
    roots = [merkle.merkle_root(leaves[:size]) for size in range(second + 1)]
    for first in range(second + 1):
        path = merkle.consistency_path(first, second, root_of)
        assert merkle.verify_consistency(first, second, roots[first], roots[second], path)
    first = data.draw(st.integers(min_value=1, max_value=second), label="first")
    path = merkle.consistency_path(first, second, root_of)
    assert not merkle.verify_consistency(first, second, _flip(roots[first]), roots[second], path)
    assert not merkle.verify_consistency(first, second, roots[first], _flip(roots[second]), path)
    assert not merkle.verify_consistency(second, first, roots[second], roots[first], path) or first == second
    assert not merkle.verify_consistency(first, second, roots[first], roots[second], [*path, b"\xcd" * 32])
    if path:
        position = data.draw(st.integers(min_value=0, max_value=len(path) - 1), label="position")
        tampered = list(path)
        tampered[position] = _flip(tampered[position], data.draw(st.integers(0, 31), label="byte"))
        assert not merkle.verify_consistency(first, second, roots[first], roots[second], tampered)
        assert not merkle.verify_consistency(first, second, roots[first], roots[second], path[:-1])
    # A first tree that is not a prefix of the second: a changed early leaf.
    forged = [_flip(leaves[0]), *leaves[1:first]]
    assert not merkle.verify_consistency(first, second, merkle.merkle_root(forged), roots[second], path)


def test_degenerate_consistency_cases() -> None:
    leaves = _leaves(8)
    root4, root5 = merkle.merkle_root(leaves[:4]), merkle.merkle_root(leaves[:5])
    assert merkle.verify_consistency(4, 4, root4, root4, [])
    assert not merkle.verify_consistency(4, 4, root4, root5, [])
    assert not merkle.verify_consistency(4, 4, root4, root4, [b"\x00" * 32])
    assert merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, root5, [])
    assert not merkle.verify_consistency(0, 5, root4, root5, [])
    assert not merkle.verify_consistency(3, 5, merkle.merkle_root(leaves[:3]), root5, [])
    assert not merkle.verify_consistency(-1, 5, root4, root5, [])
