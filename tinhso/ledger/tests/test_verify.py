"""Verification: an intact ledger passes; each kind of tampering is caught and its first bad
entry named, by the selector and by ``manage.py ledger_verify`` alike."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from io import StringIO

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from tinhso.ledger.models import Checkpoint, Entry, EntryPayload, LedgerHead
from tinhso.ledger.selectors import latest_checkpoint, ledger_verify
from tinhso.ledger.services import checkpoint_sign, ledger_append, ledger_payload_erase
from tinhso.ledger.testing import seal

from . import tamper

Fill = Callable[..., list[Entry]]


@pytest.fixture
def signed_ledger(fill: Fill) -> None:
    """Ten entries, with checkpoints signed at sizes 4 and 10."""
    fill(4)
    checkpoint_sign()
    fill(6)
    checkpoint_sign()
    assert list(Checkpoint.objects.values_list("tree_size", flat=True)) == [4, 10]


def _run_command(*args: str) -> str:
    out = StringIO()
    call_command("ledger_verify", *args, stdout=out)
    return out.getvalue()


def test_an_intact_ledger_verifies(signed_ledger: None) -> None:
    result = ledger_verify()
    assert result.ok
    assert (result.checked, result.head_size, result.first_bad_sequence) == (10, 10, None)
    assert (result.checkpoints_checked, result.latest_checkpoint_size) == (2, 10)
    assert result.root_hash == Checkpoint.objects.get(tree_size=10).root_hash
    assert result.reason == "Sổ cái toàn vẹn: đã kiểm tra 10 mục và 2 điểm kiểm tra đã ký."
    output = _run_command()
    assert "Đã kiểm tra 10/10 mục, 2 điểm kiểm tra đã ký." in output
    assert "Sổ cái toàn vẹn" in output
    assert json.loads(_run_command("--json"))["ok"] is True


def test_small_chunks_give_the_same_answer(signed_ledger: None) -> None:
    assert ledger_verify(chunk_size=3) == ledger_verify()
    tamper.swap(3, 7)
    assert ledger_verify(chunk_size=3) == ledger_verify()


def test_an_empty_ledger_verifies(empty_ledger: None) -> None:
    result = ledger_verify()
    assert (result.ok, result.checked, result.first_bad_sequence) == (True, 0, None)


def _edit_action() -> None:
    Entry.objects.filter(sequence=5).update(action="org.agency.delete")


def _edit_payload() -> None:
    EntryPayload.objects.filter(entry__sequence=6).update(canonical_json='{"i":666}')


def _delete_middle() -> None:
    Entry.objects.filter(sequence=5).delete()


def _reorder() -> None:
    tamper.swap(3, 7)


def _truncate_tail() -> None:
    tamper.truncate(keep=7)


def _rehash_one() -> None:
    tamper.rehash_one(5, "org.agency.delete")


def _rewrite_history() -> None:
    tamper.rewrite(6, "org.agency.delete")


def _rewind_head_only() -> None:
    tamper.rewind_head(8)


def _corrupt_head_hash() -> None:
    LedgerHead.objects.filter(pk=1).update(head_hash="f" * 64)


@pytest.mark.parametrize(
    ("damage", "first_bad", "reason"),
    [
        (_edit_action, 5, "Mục số 5: mã băm không khớp nội dung của mục."),
        (_edit_payload, 6, "Mục số 6: nội dung không khớp mã băm đã ghi."),
        (_delete_middle, 5, "Mục số 5 bị thiếu (đã bị xoá hoặc đánh lại số thứ tự)."),
        (_reorder, 3, "Mục số 3: mã băm không khớp nội dung của mục."),
        (
            _truncate_tail,
            8,
            "ghi nhận 10 mục nhưng sổ cái chỉ còn 7 mục: các mục từ số 8 đã bị cắt bỏ.",
        ),
        (_rehash_one, 5, "Mục số 5: mã băm không khớp với mã băm mục trước mà mục số 6 ghi nhận."),
        (_rewrite_history, 5, "các mục từ số 5 đến số 10 đã bị thay đổi."),
        (_rewind_head_only, 9, "ghi nhận 10 mục nhưng sổ cái chỉ còn 8 mục: các mục từ số 9 đã bị cắt bỏ."),
        (_corrupt_head_hash, 10, "Mã băm ở đầu sổ cái không khớp mục cuối (mục số 10)."),
    ],
    ids=[
        "edit-action",
        "edit-payload",
        "delete-middle",
        "reorder",
        "truncate-tail",
        "rehash-one-entry",
        "rewrite-history",
        "rewind-head",
        "corrupt-head",
    ],
)
def test_tampering_is_caught_and_the_first_bad_entry_named(
    signed_ledger: None, damage: Callable[[], None], first_bad: int, reason: str
) -> None:
    damage()
    result = ledger_verify()
    assert not result.ok
    assert result.first_bad_sequence == first_bad
    assert reason in result.reason

    with pytest.raises(CommandError) as caught:
        _run_command()
    assert caught.value.returncode == 1
    assert f"SỔ CÁI BỊ SAI LỆCH từ mục số {first_bad}:" in str(caught.value)
    assert reason in str(caught.value)

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("ledger_verify", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["ok"], report["first_bad_sequence"]) == (False, first_bad)


def test_a_cut_tail_without_any_checkpoint_above_it_is_invisible_to_the_chain(fill: Fill) -> None:
    """Why checkpoints exist: the shortened chain alone is a perfectly valid chain."""
    fill(10)
    tamper.truncate(keep=7)
    assert ledger_verify().ok


def test_entries_beyond_the_head_are_caught_without_checkpoints(fill: Fill) -> None:
    fill(10)
    tamper.rewind_head(8)
    result = ledger_verify()
    assert (result.ok, result.first_bad_sequence) == (False, 9)
    assert result.reason == "Có mục từ số 9 nằm ngoài đầu sổ cái (đầu sổ cái đã bị lùi lại)."


def test_a_payload_erased_on_the_record_is_not_damage(signed_ledger: None) -> None:
    ledger_payload_erase(sequence=2, actor=None, reason="Yêu cầu số 12/2026")
    ledger_payload_erase(sequence=6, actor=None, reason="Yêu cầu số 13/2026")
    seal()  # entries 11 and 12 (an erasure not sealed yet already counts: see the next test)
    ledger_payload_erase(sequence=11, actor=None, reason="Xoá cả nội dung của mục ghi nhận việc xoá")
    seal()
    assert set(EntryPayload.objects.values_list("entry__sequence", flat=True)) == {1, 3, 4, 5, 7, 8, 9, 10, 12, 13}
    result = ledger_verify()
    assert (result.ok, result.checked, result.first_bad_sequence) == (True, 13, None)
    assert "Sổ cái toàn vẹn" in _run_command()


def test_a_silently_deleted_payload_is_caught_and_named(signed_ledger: None) -> None:
    ledger_payload_erase(sequence=2, actor=None, reason="Yêu cầu số 12/2026")
    assert ledger_verify().ok  # the erasure is not sealed yet, but already on the record
    seal()
    EntryPayload.objects.filter(entry__sequence__in=[6, 9]).delete()  # around the services
    result = ledger_verify()
    assert (result.ok, result.checked, result.first_bad_sequence) == (False, 11, 6)
    assert result.reason == (
        "Mục số 6: nội dung đã bị xoá nhưng sổ cái không có mục ghi nhận việc xoá (ledger.payload.erase)."
    )
    with pytest.raises(CommandError, match="SỔ CÁI BỊ SAI LỆCH từ mục số 6: Mục số 6: nội dung đã bị xoá") as caught:
        _run_command()
    assert caught.value.returncode == 1


def test_an_erasure_record_counts_only_for_an_earlier_entry(fill: Fill) -> None:
    """A record naming an entry that did not exist yet (or naming it in another form) does not
    cover a later deletion; only ledger_payload_erase's own record does."""
    fill(2)
    with transaction.atomic():
        ledger_append(actor=None, action="ledger.payload.erase", object_type="ledger.entry", object_id="5")
        ledger_append(actor=None, action="ledger.payload.erase", object_type="ledger.entry", object_id="04")
        ledger_append(actor=None, action="ledger.payload.erase", object_type="test.thing", object_id="1")
    fill(2)  # entries 6 and 7
    EntryPayload.objects.filter(entry__sequence__in=[1, 4, 5]).delete()
    assert (ledger_verify().ok, ledger_verify().first_bad_sequence) == (False, 1)
    ledger_payload_erase(sequence=1, actor=None, reason="Yêu cầu số 1")
    assert (ledger_verify().ok, ledger_verify().first_bad_sequence) == (False, 4)
    ledger_payload_erase(sequence=4, actor=None, reason="Yêu cầu số 2")
    assert (ledger_verify().ok, ledger_verify().first_bad_sequence) == (False, 5)
    ledger_payload_erase(sequence=5, actor=None, reason="Yêu cầu số 3")
    assert ledger_verify().ok


def test_a_forged_checkpoint_signature_is_caught(signed_ledger: None) -> None:
    checkpoint = Checkpoint.objects.get(tree_size=4)
    signature = bytearray(base64.b64decode(checkpoint.signature))
    signature[0] ^= 1
    Checkpoint.objects.filter(pk=checkpoint.pk).update(signature=base64.b64encode(bytes(signature)).decode())
    result = ledger_verify()
    assert (result.ok, result.first_bad_sequence) == (False, None)
    assert "Điểm kiểm tra 4 mục" in result.reason
    assert "chữ ký không hợp lệ" in result.reason
    with pytest.raises(CommandError, match="SỔ CÁI BỊ SAI LỆCH: Điểm kiểm tra 4 mục"):
        _run_command()


def test_a_checkpoint_moved_to_another_root_is_caught(signed_ledger: None) -> None:
    Checkpoint.objects.filter(tree_size=10).update(root_hash="0" * 64)
    result = ledger_verify()
    assert not result.ok
    assert "chữ ký không hợp lệ" in result.reason  # the signature covers the root


def test_checkpoints_from_a_rotated_key_need_the_old_public_key(signed_ledger: None) -> None:
    old_public = base64.b64encode(
        Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    ).decode()
    new_seed = base64.b64encode(bytes(range(32))).decode()
    with override_settings(LEDGER_SIGNING_KEY=new_seed):
        assert not ledger_verify().ok
        assert latest_checkpoint().public_key == ""  # no key offered that would not verify it
    with override_settings(LEDGER_SIGNING_KEY=new_seed, LEDGER_TRUSTED_PUBLIC_KEYS=[old_public]):
        assert ledger_verify().ok
        assert latest_checkpoint().public_key == old_public


def test_command_rejects_a_bad_chunk_size(empty_ledger: None) -> None:
    with pytest.raises(CommandError, match=r"--chunk-size phải là số nguyên dương\."):
        _run_command("--chunk-size", "0")
