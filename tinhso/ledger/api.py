"""HTTP API of the ledger, mounted at ``/api/ledger/``.

The head, the proofs and the latest checkpoint are public: a citizen holding a result can
check it is in the ledger without an account. They expose hashes only, never a payload or an
actor. Full verification reads every entry, so it is for auditors: who they are is decided
above the ledger (org's roles; the site registers the check, :func:`auditor_check_register`);
until one is registered, nobody may verify.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tinhso.core.errors import Conflict, DomainError, NotAllowed, NotFound

from .selectors import (
    LedgerIntegrityError,
    consistency_proof,
    entry_inclusion_proof,
    latest_checkpoint,
    latest_checkpoint_note,
    ledger_head,
    ledger_verify,
)

logger = logging.getLogger(__name__)

MAX_INT_PARAM = 2**63 - 1  # the database's bigint; anything larger cannot name an entry
TAG = "ledger"

# May this user (``request.user``) verify the whole ledger? Registered at start-up from above
# (:class:`tinhso.site.apps.SiteConfig`): the ledger imports no app above core.
_auditor_checks: list[Callable[[Any], bool]] = []


def auditor_check_register(check: Callable[[Any], bool]) -> None:
    """Set who may use the auditors' endpoints (call from an AppConfig.ready())."""
    _auditor_checks[:] = [check]


def may_audit(user: Any) -> bool:
    return bool(_auditor_checks) and _auditor_checks[0](user)


class LedgerErrorOutput(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    field = serializers.CharField(required=False)


class LedgerHeadOutput(serializers.Serializer):
    size = serializers.IntegerField(help_text=gettext_lazy("Số mục của sổ cái."))
    head_hash = serializers.CharField(help_text=gettext_lazy("Mã băm (SHA-256, hex) của mục cuối."))
    root_hash = serializers.CharField(help_text=gettext_lazy("Gốc cây Merkle (RFC 9162) của toàn sổ cái."))


class InclusionProofOutput(serializers.Serializer):
    sequence = serializers.IntegerField()
    leaf_index = serializers.IntegerField(help_text=gettext_lazy("Vị trí lá (bắt đầu từ 0)."))
    tree_size = serializers.IntegerField()
    entry_hash = serializers.CharField()
    leaf_hash = serializers.CharField(help_text=gettext_lazy("SHA-256(0x00 || entry_hash), hex."))
    audit_path = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy("Đường kiểm chứng theo RFC 9162 §2.1.3, nút gần lá nhất trước."),
    )
    root_hash = serializers.CharField()


class ConsistencyProofOutput(serializers.Serializer):
    first_size = serializers.IntegerField()
    second_size = serializers.IntegerField()
    first_root = serializers.CharField()
    second_root = serializers.CharField()
    path = serializers.ListField(
        child=serializers.CharField(), help_text=gettext_lazy("Bằng chứng nhất quán theo RFC 9162 §2.1.4.")
    )


class CheckpointOutput(serializers.Serializer):
    tree_size = serializers.IntegerField()
    root_hash = serializers.CharField()
    signed_at = serializers.DateTimeField()
    signature = serializers.CharField(help_text=gettext_lazy("Chữ ký Ed25519, base64."))
    key_id = serializers.CharField()
    public_key = serializers.CharField(help_text=gettext_lazy("Khoá công khai Ed25519 (32 byte), base64."))
    message = serializers.CharField(help_text=gettext_lazy("Chuỗi đã được ký, đúng từng byte."))
    origin = serializers.CharField(
        help_text=gettext_lazy(
            "Tên sổ cái trong điểm kiểm tra theo định dạng C2SP tlog-checkpoint (rỗng với điểm kiểm tra cũ)."
        )
    )
    note = serializers.CharField(
        help_text=gettext_lazy("Điểm kiểm tra dạng ghi chú đã ký (C2SP signed-note), như tại /api/ledger/checkpoint.")
    )


class VerifyResultOutput(serializers.Serializer):
    ok = serializers.BooleanField()
    checked = serializers.IntegerField()
    first_bad_sequence = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    head_size = serializers.IntegerField()
    root_hash = serializers.CharField()
    checkpoints_checked = serializers.IntegerField()
    latest_checkpoint_size = serializers.IntegerField(allow_null=True)
    unsealed = serializers.IntegerField(help_text=gettext_lazy("Số mục đã ghi nhưng chưa được niêm phong."))
    oldest_unsealed_age_seconds = serializers.FloatField(allow_null=True)


def _int_param(request: Request, name: str) -> int | None:
    """A non-negative integer query parameter, None when absent; a 400 in Vietnamese otherwise."""
    raw = request.query_params.get(name, "").strip()
    if raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19 or int(raw) > MAX_INT_PARAM:
        raise DomainError(
            _("Tham số %(name)s phải là số nguyên dương.") % {"name": name},
            field=name,
            code="invalid",
        )
    return int(raw)


def _required_int_param(request: Request, name: str) -> int:
    value = _int_param(request, name)
    if value is None:
        raise DomainError(_("Thiếu tham số %(name)s.") % {"name": name}, field=name, code="required")
    return value


def _integrity_conflict(exc: LedgerIntegrityError) -> Conflict:
    logger.error("Ledger integrity problem while serving a proof: %s", exc)
    return Conflict(
        _("Sổ cái đang có sai lệch nên chưa thể lập bằng chứng; quản trị viên đã được báo."),
        code="ledger_inconsistent",
    )


class HeadApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=[TAG], summary=gettext_lazy("Đầu sổ cái"), responses={200: LedgerHeadOutput})
    def get(self, request: Request) -> Response:
        return Response(LedgerHeadOutput(asdict(ledger_head())).data)


class InclusionProofApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Bằng chứng một mục nằm trong sổ cái"),
        parameters=[
            OpenApiParameter(
                "sequence",
                {"type": "integer", "minimum": 1, "maximum": MAX_INT_PARAM},
                OpenApiParameter.PATH,
                description=gettext_lazy("Số thứ tự mục (từ 1)."),
            ),
            OpenApiParameter(
                "tree_size",
                {"type": "integer", "minimum": 1, "maximum": MAX_INT_PARAM},
                description=gettext_lazy("Kích thước cây (mặc định: toàn bộ sổ cái hiện tại)."),
            ),
        ],
        responses={200: InclusionProofOutput, 400: LedgerErrorOutput, 404: LedgerErrorOutput, 409: LedgerErrorOutput},
    )
    def get(self, request: Request, sequence: int) -> Response:
        tree_size = _int_param(request, "tree_size")
        if sequence > MAX_INT_PARAM:
            raise DomainError(_("Số thứ tự mục không hợp lệ."), field="sequence", code="invalid")
        try:
            proof = entry_inclusion_proof(sequence, tree_size)
        except LedgerIntegrityError as exc:
            raise _integrity_conflict(exc) from exc
        return Response(InclusionProofOutput(asdict(proof)).data)


class ConsistencyProofApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Bằng chứng sổ cái sau nối tiếp sổ cái trước, không sửa đổi"),
        parameters=[
            OpenApiParameter(
                "first",
                {"type": "integer", "minimum": 1, "maximum": MAX_INT_PARAM},
                required=True,
                description=gettext_lazy("Kích thước trước."),
            ),
            OpenApiParameter(
                "second",
                {"type": "integer", "minimum": 1, "maximum": MAX_INT_PARAM},
                required=True,
                description=gettext_lazy("Kích thước sau."),
            ),
        ],
        responses={
            200: ConsistencyProofOutput,
            400: LedgerErrorOutput,
            404: LedgerErrorOutput,
            409: LedgerErrorOutput,
        },
    )
    def get(self, request: Request) -> Response:
        first = _required_int_param(request, "first")
        second = _required_int_param(request, "second")
        try:
            proof = consistency_proof(first, second)
        except LedgerIntegrityError as exc:
            raise _integrity_conflict(exc) from exc
        return Response(ConsistencyProofOutput(asdict(proof)).data)


class LatestCheckpointApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Điểm kiểm tra đã ký mới nhất"),
        responses={200: CheckpointOutput, 404: LedgerErrorOutput},
    )
    def get(self, request: Request) -> Response:
        checkpoint = latest_checkpoint()
        if checkpoint is None:
            raise NotFound(_("Chưa có điểm kiểm tra nào được ký."), code="no_checkpoint")
        return Response(CheckpointOutput(asdict(checkpoint)).data)


class CheckpointNoteApi(APIView):
    """The latest checkpoint as a C2SP tlog-checkpoint signed note, in plain text: what
    transparency-log tooling and witnesses fetch (``golang.org/x/mod/sumdb/note`` verifies it
    with the verifier key ``<origin>+<key hash hex>+<base64(0x01 || public key)>``)."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Điểm kiểm tra mới nhất dạng ghi chú đã ký (C2SP tlog-checkpoint)"),
        responses={(200, "text/plain"): str, 404: LedgerErrorOutput},
    )
    def get(self, request: Request) -> HttpResponse:
        note = latest_checkpoint_note()
        if note is None:
            raise NotFound(_("Chưa có điểm kiểm tra nào được ký."), code="no_checkpoint")
        return HttpResponse(note, content_type="text/plain; charset=utf-8")


class VerifyApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Kiểm tra toàn vẹn toàn bộ sổ cái (kiểm toán viên)"),
        responses={200: VerifyResultOutput, 403: LedgerErrorOutput},
    )
    def get(self, request: Request) -> Response:
        if not may_audit(request.user):
            raise NotAllowed(_("Bạn không có quyền kiểm tra sổ cái."), code="forbidden")
        result: dict[str, Any] = ledger_verify().as_dict()
        return Response(VerifyResultOutput(result).data)
