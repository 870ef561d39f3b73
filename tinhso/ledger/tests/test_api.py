"""The ledger API: public proofs a citizen can check offline, audit for auditors only, and a
Vietnamese 400 (never a 500) for every bad parameter."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from tinhso.ledger import merkle
from tinhso.ledger.models import Entry
from tinhso.ledger.services import checkpoint_sign
from tinhso.ledger.testing import merkle_leaves, seal
from tinhso.org.roles import Role

from . import tamper

Fill = Callable[..., list[Entry]]
BASE = "/api/ledger/"


def test_head_is_public_and_shows_hashes_only(client: Client, fill: Fill) -> None:
    fill(3)
    response = client.get(f"{BASE}head/")
    assert response.status_code == 200
    assert response.json() == {
        "size": 3,
        "head_hash": Entry.objects.get(sequence=3).entry_hash,
        "root_hash": merkle.merkle_root(merkle_leaves()).hex(),
    }


def test_head_of_an_empty_ledger(client: Client, empty_ledger: None) -> None:
    assert client.get(f"{BASE}head/").json() == {
        "size": 0,
        "head_hash": "0" * 64,
        "root_hash": hashlib.sha256(b"").hexdigest(),
    }


@pytest.mark.parametrize(
    ("sequence", "query", "tree_size"), [(5, "?tree_size=9", 9), (12, "", 12), (1, "?tree_size=1", 1)]
)
def test_inclusion_proof_verifies_offline(
    client: Client, fill: Fill, sequence: int, query: str, tree_size: int
) -> None:
    fill(12)
    response = client.get(f"{BASE}entries/{sequence}/proof/{query}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"sequence", "leaf_index", "tree_size", "entry_hash", "leaf_hash", "audit_path", "root_hash"}
    assert (body["sequence"], body["leaf_index"], body["tree_size"]) == (sequence, sequence - 1, tree_size)
    assert body["root_hash"] == merkle.merkle_root(merkle_leaves()[:tree_size]).hex()
    leaf = merkle.leaf_hash(bytes.fromhex(body["entry_hash"]))
    assert leaf.hex() == body["leaf_hash"]
    assert merkle.verify_inclusion(
        leaf,
        body["leaf_index"],
        body["tree_size"],
        [bytes.fromhex(p) for p in body["audit_path"]],
        bytes.fromhex(body["root_hash"]),
    )


def test_consistency_proof_verifies_offline_against_a_signed_checkpoint(client: Client, fill: Fill) -> None:
    fill(5)
    old = checkpoint_sign()
    assert old is not None
    fill(30)
    body = client.get(f"{BASE}consistency/?first=5&second=35").json()
    assert body["first_root"] == old.root_hash
    assert body["second_root"] == merkle.merkle_root(merkle_leaves()).hex()
    assert merkle.verify_consistency(
        5,
        35,
        bytes.fromhex(old.root_hash),
        bytes.fromhex(body["second_root"]),
        [bytes.fromhex(p) for p in body["path"]],
    )


def test_proofs_of_a_corrupted_ledger_are_refused_not_faked(client: Client, fill: Fill) -> None:
    fill(12)
    Entry.objects.filter(sequence=3).delete()
    response = client.get(f"{BASE}entries/5/proof/")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Sổ cái đang có sai lệch nên chưa thể lập bằng chứng; quản trị viên đã được báo."
    )


SIZE_ERROR = "Kích thước cây phải từ 1 đến 12 (số mục hiện có của sổ cái)."
INT_ERROR = "Tham số {} phải là số nguyên dương."


@pytest.mark.parametrize(
    ("path", "field", "detail"),
    [
        ("entries/5/proof/?tree_size=0", "tree_size", SIZE_ERROR),
        ("entries/5/proof/?tree_size=abc", "tree_size", INT_ERROR.format("tree_size")),
        ("entries/5/proof/?tree_size=-1", "tree_size", INT_ERROR.format("tree_size")),
        ("entries/5/proof/?tree_size=1.5", "tree_size", INT_ERROR.format("tree_size")),
        ("entries/5/proof/?tree_size=٣", "tree_size", INT_ERROR.format("tree_size")),
        ("entries/5/proof/?tree_size=99999999999999999999999", "tree_size", INT_ERROR.format("tree_size")),
        ("entries/0/proof/", "sequence", "Số thứ tự mục phải từ 1 đến 12."),
        ("entries/99999999999999999999999/proof/", "sequence", "Số thứ tự mục không hợp lệ."),
        ("consistency/?first=0&second=3", "first", "Kích thước đầu phải từ 1 đến kích thước sau (3)."),
        ("consistency/?second=3", "first", "Thiếu tham số first."),
        ("consistency/?first=1&second=", "second", "Thiếu tham số second."),
        ("consistency/?first=1&second=x", "second", INT_ERROR.format("second")),
    ],
)
def test_bad_parameters_get_a_400_in_vietnamese(client: Client, fill: Fill, path: str, field: str, detail: str) -> None:
    fill(12)
    response = client.get(BASE + path)
    assert response.status_code == 400
    assert response.json()["detail"] == detail
    assert response.json()["field"] == field


@pytest.mark.parametrize(
    ("path", "field", "detail"),
    [
        ("entries/13/proof/", "sequence", "Số thứ tự mục phải từ 1 đến 12."),
        ("entries/10/proof/?tree_size=9", "sequence", "Số thứ tự mục phải từ 1 đến 9."),
        ("consistency/?first=5&second=3", "first", "Kích thước đầu phải từ 1 đến kích thước sau (3)."),
        ("consistency/?first=1&second=13", "second", SIZE_ERROR),
        ("entries/5/proof/?tree_size=13", "tree_size", SIZE_ERROR),
    ],
)
def test_entries_and_trees_beyond_the_ledger_are_not_found(
    client: Client, fill: Fill, path: str, field: str, detail: str
) -> None:
    """Well-formed sizes the ledger has not reached (yet): 404, as the schema says (not a 400)."""
    fill(12)
    response = client.get(BASE + path)
    assert response.status_code == 404
    assert response.json()["detail"] == detail
    assert response.json()["field"] == field


@pytest.mark.parametrize("path", ["entries/1/proof/", "consistency/?first=1&second=1"])
def test_proofs_of_an_empty_ledger_are_404(client: Client, empty_ledger: None, path: str) -> None:
    response = client.get(BASE + path)
    assert response.status_code == 404
    assert response.json()["detail"] == "Sổ cái chưa có mục nào."


def test_latest_checkpoint_carries_everything_to_check_its_signature(client: Client, fill: Fill) -> None:
    response = client.get(f"{BASE}checkpoints/latest/")
    assert response.status_code == 404
    assert response.json()["detail"] == "Chưa có điểm kiểm tra nào được ký."
    fill(7)
    checkpoint_sign()
    body = client.get(f"{BASE}checkpoints/latest/").json()
    public = base64.b64decode(body["public_key"])
    assert body["key_id"] == hashlib.sha256(public).hexdigest()[:16]
    assert body["tree_size"] == 7
    assert body["root_hash"] == merkle.merkle_root(merkle_leaves()).hex()
    root = base64.b64encode(bytes.fromhex(body["root_hash"])).decode()
    assert body["message"] == f"tinhso.33.gov.vn/ledger\n7\n{root}\n"  # C2SP tlog-checkpoint body
    assert body["origin"] == "tinhso.33.gov.vn/ledger"
    assert body["note"] == client.get(f"{BASE}checkpoint").content.decode()
    Ed25519PublicKey.from_public_bytes(public).verify(
        base64.b64decode(body["signature"]), body["message"].encode()
    )  # raises if it does not verify


def test_verify_needs_login(client: Client, empty_ledger: None) -> None:
    response = client.get(f"{BASE}verify/")
    assert response.status_code == 403
    assert response.json()["detail"] == "Vui lòng đăng nhập."


@pytest.mark.parametrize("role", [None, Role.RECEIVER, Role.CITIZEN, Role.LEADER])
def test_verify_is_refused_without_the_audit_permission(
    client: Client, world: dict[str, Any], make_person: Any, role: str | None
) -> None:
    agency = None if role in (None, Role.CITIZEN) else world["dost"]
    client.force_login(make_person("khongquyen", role, agency))
    response = client.get(f"{BASE}verify/")
    assert response.status_code == 403
    assert response.json()["detail"] == "Bạn không có quyền kiểm tra sổ cái."


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.DX_OFFICE])
def test_auditors_get_the_verification(client: Client, world: dict[str, Any], make_person: Any, role: str) -> None:
    client.force_login(make_person("kiemtoan", role, None if role == Role.SYSTEM_ADMIN else world["dx_division"]))
    seal()
    body = client.get(f"{BASE}verify/").json()
    assert body["ok"] is True
    assert body["checked"] == body["head_size"] == Entry.objects.count()
    assert body["first_bad_sequence"] is None
    tamper.swap(2, 4)
    body = client.get(f"{BASE}verify/").json()
    assert (body["ok"], body["first_bad_sequence"]) == (False, 2)
    assert body["reason"] == "Mục số 2: mã băm không khớp nội dung của mục."


def test_openapi_schema_documents_the_endpoints() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for path in ["head/", "verify/", "entries/{sequence}/proof/", "consistency/", "checkpoints/latest/"]:
        assert f"{BASE}{path}" in paths
    parameters = {p["name"] for p in paths[f"{BASE}consistency/"]["get"]["parameters"]}
    assert parameters == {"first", "second"}
    assert "200" in paths[f"{BASE}entries/{{sequence}}/proof/"]["get"]["responses"]
    assert set(paths[f"{BASE}verify/"]["get"]["responses"]) == {"200", "400", "403", "404", "405"}
    components = schema["components"]["schemas"]
    for name in [
        "LedgerHeadOutput",
        "InclusionProofOutput",
        "ConsistencyProofOutput",
        "CheckpointOutput",
        "VerifyResultOutput",
        "LedgerErrorOutput",
    ]:
        assert name in components
    assert "payload" not in str(components["InclusionProofOutput"])
