"""Demo data of the one-stop shop of Hưng Yên: procedures, illustrative agency codes, dossiers.

Everything goes through the real services, so the demo has what real data has: the
procedures through the catalogue import (upsert by code); the agency codes through
``org.services.agency_update``; the dossiers through the transitions of ``services.py``, the
file upload, the handler's draft result signed on approval, the payment (the fake gateway's
callback or the desk) or the desk's record of a fee not collected online, and the rating, each
with its events, ledger entries and notifications.

Safe to run again: procedures are upserted, a code is given only to an agency without one,
and the dossiers are made all together or not at all, once (the first online demo dossier's
idempotency key marks that they exist). The dossiers need the demo accounts of
``tinhso.org.demo`` and a place where demo signing is allowed (DEBUG, tests, or
``TINHSO_SIGNING_DEMO``); otherwise that part is skipped and the report says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tinhso.onestop.catalogue.workbook import CatalogueImportOutcome, procedures_import_specs
from tinhso.onestop.demo.samples import sample_pdf, sample_png
from tinhso.onestop.dossiers import intake, services
from tinhso.onestop.models import Channel, DocumentRequirement, Dossier, DossierFile, DossierState, FileKind, Procedure
from tinhso.org.models import Agency, Person

DATA = Path(__file__).parent / "data"
PROCEDURES_FILE = DATA / "procedures_demo.json"
AGENCY_CODES_FILE = DATA / "agency_codes_demo.json"
DOSSIERS_FILE = DATA / "dossiers_demo.json"

# The demo accounts that act on the dossiers (tinhso/org/demo.py).
RECEIVER, HANDLER, APPROVER, CITIZEN = "motcua.hungyen", "thuly.hungyen", "pheduyet.hungyen", "congdan"

S = DossierState
# The way through the workflow; a demo dossier walks it up to its ``until`` state.
PATH = (
    S.SUBMITTED,
    S.RECEIVED,
    S.FORWARDED,
    S.ASSIGNED,
    S.UNDER_REVIEW,
    S.PENDING_APPROVAL,
    S.APPROVED,
    S.RESULT_RETURNED,
)


@dataclass
class ProcedureDemoReport:
    outcome: CatalogueImportOutcome
    codes_given: dict[str, str] = field(default_factory=dict)
    codes_taken: list[str] = field(default_factory=list)
    dossiers_created: int = 0
    dossiers_skipped: str = ""

    def describe(self) -> str:
        o = self.outcome
        lines = [
            f"Thủ tục mẫu: {o.created} mới, {o.updated} cập nhật, {o.unchanged} không đổi, "
            f"{o.documents} thành phần hồ sơ, "
            f"{o.steps} bước quy trình, {o.form_fields} trường tờ khai",
            f"Mã định danh minh họa mới cho cơ quan: {len(self.codes_given)}"
            + (f" ({', '.join(f'{k}={v}' for k, v in self.codes_given.items())})" if self.codes_given else ""),
        ]
        if self.codes_taken:
            lines.append(f"  Không gán (mã đã dùng cho cơ quan khác): {', '.join(self.codes_taken)}")
        if self.dossiers_skipped:
            lines.append(f"Hồ sơ mẫu: bỏ qua — {self.dossiers_skipped}")
        else:
            lines.append(f"Hồ sơ mẫu tại Trung tâm Phục vụ hành chính công: {self.dossiers_created} mới")
        return "\n".join(lines)


def demo_load() -> ProcedureDemoReport:
    data = json.loads(PROCEDURES_FILE.read_text(encoding="utf-8"))
    specs = [{**spec, "_where": (PROCEDURES_FILE.name, spec["code"])} for spec in data["procedures"]]
    outcome = procedures_import_specs(actor=None, specs=specs, source="demo")
    if not outcome.saved:
        reasons = "; ".join(f"{row['code']}: {row['reason']}" for row in outcome.rejected[:3])
        raise RuntimeError(f"{PROCEDURES_FILE.name}: {reasons}")
    report = ProcedureDemoReport(outcome)
    report.codes_given, report.codes_taken = agency_codes_load()
    report.dossiers_created, report.dossiers_skipped = dossiers_load()
    return report


# --- agency codes ------------------------------------------------------------------------------


def agency_codes_load() -> tuple[dict[str, str], list[str]]:
    """Give the illustrative codes of ``agency_codes_demo.json`` to agencies that have none.

    Returns the codes given (key → code) and the keys left alone because their code is held
    by another agency. An agency that already has a code keeps it.
    """
    from tinhso.org.services import agency_update

    wanted: dict[str, str] = json.loads(AGENCY_CODES_FILE.read_text(encoding="utf-8"))["codes"]
    given: dict[str, str] = {}
    taken: list[str] = []
    with transaction.atomic():
        for agency in Agency.objects.filter(key__in=wanted, code="").order_by("key"):
            code = wanted[agency.key]
            if Agency.objects.filter(code=code).exists():
                taken.append(agency.key)
                continue
            agency_update(actor=None, agency=agency, code=code)
            given[agency.key] = code
    return given, taken


# --- dossiers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoActors:
    receiver: Person
    handler: Person
    approver: Person
    citizen: Person


def _actors() -> DemoActors | None:
    people = {p.username: p for p in Person.objects.filter(username__in=[RECEIVER, HANDLER, APPROVER, CITIZEN])}
    if len(people) < 4:
        return None
    return DemoActors(
        receiver=people[RECEIVER], handler=people[HANDLER], approver=people[APPROVER], citizen=people[CITIZEN]
    )


def demo_dossiers_allowed() -> bool:
    """Demo dossiers carry results signed with the demo certificate: never outside debug and tests."""
    from tinhso.onestop.results.signing import demo_signing_allowed

    return demo_signing_allowed()


def dossiers_load() -> tuple[int, str]:
    """Create the demo dossiers of ``dossiers_demo.json`` once. Returns (created, why skipped)."""
    data = json.loads(DOSSIERS_FILE.read_text(encoding="utf-8"))
    specs: list[dict[str, Any]] = data["dossiers"]
    if Dossier.objects.filter(idempotency_key=specs[0]["key"]).exists():
        return 0, ""
    if not demo_dossiers_allowed():
        return 0, "chỉ nạp khi DEBUG=1 hoặc TINHSO_SIGNING_DEMO (kết quả ký bằng chứng thư thử nghiệm)"
    actors = _actors()
    if actors is None:
        return 0, "chưa có tài khoản mẫu (chạy tinhso.org.demo.demo_load trước)"
    agency = Agency.objects.filter(key=data["agency"]).first()
    if agency is None or not agency.code:
        return 0, f"cơ quan {data['agency']} chưa có hoặc chưa có mã định danh"
    procedures = {p.code: p for p in Procedure.objects.filter(code__in={spec["procedure"] for spec in specs})}
    stored: list[DossierFile] = []
    try:
        with transaction.atomic():
            for spec in specs:
                _dossier_create(
                    spec, actors=actors, agency=agency, procedure=procedures[spec["procedure"]], stored=stored
                )
    except BaseException:
        for row in stored:  # the rows were rolled back: their files must not stay behind
            row.file.storage.delete(row.file.name)
        raise
    return len(specs), ""


def _dossier_create(
    spec: dict[str, Any],
    *,
    actors: DemoActors,
    agency: Agency,
    procedure: Procedure,
    stored: list[DossierFile],
) -> Dossier:
    from tinhso.onestop.files.services import dossier_file_add
    from tinhso.onestop.payments.services import (
        FakeProvider,
        fee_waive,
        payment_callback,
        payment_provider,
        payment_record_counter,
        payment_start,
    )
    from tinhso.onestop.ratings.services import dossier_rate
    from tinhso.onestop.results.signing import dossier_draft_upload

    online = spec["channel"] == Channel.ONLINE
    if online:
        dossier = intake.dossier_submit_online(
            applicant=actors.citizen,
            procedure=procedure,
            agency=agency,
            form_data=spec["form"],
            idempotency_key=spec["key"],
        )
    else:
        applicant = spec["applicant"]
        dossier = services.dossier_receive_at_counter(
            actor=actors.receiver,
            agency=agency,
            procedure=procedure,
            applicant_name=applicant["name"],
            applicant_personal_id=applicant["personal_id"],
            applicant_phone=applicant["phone"],
            form_data=spec["form"],
        )
    requirements = {r.order: r for r in DocumentRequirement.objects.filter(procedure=procedure)}
    uploader = actors.citizen if online else actors.receiver
    for item in spec.get("files", []):
        content, mime = (
            (sample_png(), "image/png")
            if item["type"] == "png"
            else (sample_pdf(item.get("title", "Giay to"), f"Ho so {dossier.code}"), "application/pdf")
        )
        stored.append(
            dossier_file_add(
                actor=uploader,
                dossier=dossier,
                upload=SimpleUploadedFile(item["name"], content, mime),
                requirement=requirements.get(item["requirement"]),
                digitised=not online,
            )
        )

    def pay_online(dossier: Dossier) -> None:
        gateway = payment_provider()
        payment, _url = payment_start(actor=actors.citizen, dossier=dossier)
        if isinstance(gateway, FakeProvider):
            body, signature = gateway.callback_for(payment, "success")
            payment_callback(provider=gateway.name, body=body, signature=signature)
        # A real gateway cannot be driven from here: the payment stays pending, as the payer left it.

    until = PATH.index(DossierState(spec["until"]))
    steps = [
        (S.RECEIVED, lambda d: services.dossier_receive(actor=actors.receiver, dossier=d) if online else d),
        (S.FORWARDED, lambda d: services.dossier_forward(actor=actors.receiver, dossier=d)),
        (S.ASSIGNED, lambda d: services.dossier_assign(actor=actors.approver, dossier=d, assignee=actors.handler)),
        (S.UNDER_REVIEW, lambda d: services.dossier_start_review(actor=actors.handler, dossier=d)),
        (
            S.PENDING_APPROVAL,
            lambda d: services.dossier_submit_for_approval(
                actor=actors.handler, dossier=d, note="Hồ sơ đủ điều kiện, kính trình lãnh đạo phê duyệt."
            ),
        ),
        (S.APPROVED, lambda d: services.dossier_approve(actor=actors.approver, dossier=d)),
        (S.RESULT_RETURNED, lambda d: services.dossier_return_result(actor=actors.receiver, dossier=d)),
    ]
    for state, step in steps:
        if PATH.index(state) > until:
            break
        if state == S.PENDING_APPROVAL and (spec.get("result") or services.result_file_required(procedure)):
            # The handler's draft result, which the approver sees and which is signed on approval.
            stored.append(
                dossier_draft_upload(
                    actor=actors.handler,
                    dossier=dossier,
                    upload=SimpleUploadedFile(
                        (spec.get("result") or {}).get("name", "du-thao-ket-qua.pdf"),
                        _result_pdf(spec, dossier),
                        "application/pdf",
                    ),
                )
            )
        dossier = step(dossier)
        if state == S.APPROVED:
            stored.extend(dossier.files.filter(kind=FileKind.RESULT))  # signed from the draft on approval
        if state == S.RECEIVED and spec.get("paid") == "online":
            pay_online(dossier)  # the applicant pays once the desk has received the dossier
        if state == S.RECEIVED and spec.get("paid") == "counter":
            payment_record_counter(actor=actors.receiver, dossier=dossier)
        if state == S.APPROVED and spec.get("fee_waiver"):  # the desk records why the fee is not collected online
            waiver = spec["fee_waiver"]
            fee_waive(
                actor=actors.receiver,
                dossier=dossier,
                reason=waiver["reason"],
                note=waiver["note"],
                receipt_number=waiver.get("receipt_number", ""),
            )

    then = spec.get("then")
    if then:
        action, reason = then["action"], then["reason"]
        if action == "request_supplement":
            dossier = services.dossier_request_supplement(actor=actors.receiver, dossier=dossier, reason=reason)
        elif action == "refuse":
            dossier = services.dossier_refuse(actor=actors.approver, dossier=dossier, reason=reason)
        elif action == "stop":
            dossier = services.dossier_stop(actor=actors.receiver, dossier=dossier, reason=reason)
        else:
            raise ValueError(f"{DOSSIERS_FILE.name}: unknown action {action!r}")
    if spec.get("rating"):
        dossier_rate(
            actor=actors.citizen,
            dossier=dossier,
            score=spec["rating"]["score"],
            comment=spec["rating"].get("comment", ""),
        )
    return dossier


def _result_pdf(spec: dict[str, Any], dossier: Dossier) -> bytes:
    title = (spec.get("result") or {}).get("title", "KET QUA GIAI QUYET THU TUC HANH CHINH")
    return sample_pdf(
        title,
        f"Ma ho so: {dossier.code}",
        f"Thu tuc: {dossier.procedure.code}",
        "Ban trinh dien - du lieu minh hoa, khong co gia tri phap ly.",
    )
