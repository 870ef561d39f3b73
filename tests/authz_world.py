"""The world the authorisation matrix walks: two provinces with a person in every role, and one
of each kind of object belonging to Hưng Yên, all made through the real services."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import TEST_PASSWORD

# Identities: who signs in. Agency roles sit where the demo puts them, in each province.
PROVINCES = ("hy", "th")
ROLE_AGENCY = {
    "dx_office": "skhcn",
    "focal_point": "stc",
    "receiver": "ttpvhcc",
    "handler": "ttpvhcc",
    "approver": "ttpvhcc",
    "leader": "ubnd",
    "agency_admin": "ttpvhcc",  # officers' accounts of its subtree (tinhso.org.officers)
}
IDENTITIES = (
    "anonymous",
    "citizen",
    "citizen.other",
    "system_admin",
    *(f"{p}.{role}" for p in PROVINCES for role in ROLE_AGENCY),
)


@dataclass
class World:
    people: dict[str, Any] = field(default_factory=dict)
    args: dict[str, Any] = field(default_factory=dict)  # URL keyword → a Hưng Yên object's id
    markers: dict[str, str] = field(default_factory=dict)  # text that shows a Hưng Yên object in a response


def build_world() -> World:
    from tinhso.onestop.demo.samples import sample_pdf
    from tinhso.onestop.demo.services import DOSSIERS_FILE, demo_load
    from tinhso.onestop.dossiers import intake as dossier_intake
    from tinhso.onestop.dossiers import services as dossier_services
    from tinhso.onestop.files.services import dossier_file_add
    from tinhso.onestop.models import Procedure
    from tinhso.onestop.payments import services as payments
    from tinhso.org import services as org_services
    from tinhso.org.models import Agency
    from tinhso.org.roles import Role
    from tinhso.programme import services as programme_services
    from tinhso.programme.access import programme_scope
    from tinhso.programme.models import Pillar, PillarCode, Target, TargetReport, Task, TaskReport

    world = World()
    demo_load()  # the Hưng Yên catalogue and the agencies' electronic ids (no demo people: no dossiers)
    agencies = {a.key: a for a in Agency.objects.filter(key__regex=r"^(hy|th)\.")}

    def person(username: str, role: str | None, agency: Any, **extra: Any) -> Any:
        made = org_services.person_create(
            actor=None,
            username=username,
            full_name="Người Thử",
            password=TEST_PASSWORD,
            check_password=False,
            email=f"{username}@example.vn",
            **extra,
        )
        if role:
            org_services.role_grant(actor=None, person=made, role=role, agency=agency, valid_from=dt.date(2025, 1, 1))
        return made

    world.people["citizen"] = person("m.congdan", Role.CITIZEN, None)
    world.people["citizen.other"] = person("m.congdan2", Role.CITIZEN, None)
    world.people["system_admin"] = admin = person("m.admin", Role.SYSTEM_ADMIN, None)
    admin.is_staff = admin.is_superuser = True  # as the demo's admin: the Django admin is theirs
    admin.save(update_fields=["is_staff", "is_superuser"])
    for province in PROVINCES:
        for role, agency in ROLE_AGENCY.items():
            world.people[f"{province}.{role}"] = person(f"m.{province}.{role}", role, agencies[f"{province}.{agency}"])
    p = world.people

    # A dossier of the citizen at the Hưng Yên desk, received, with a component file and a payment.
    procedure = Procedure.objects.get(code="2.000488.000.00.00.H31")
    form = json.loads(DOSSIERS_FILE.read_text(encoding="utf-8"))["dossiers"][0]["form"]
    dossier = dossier_intake.dossier_submit_online(
        applicant=p["citizen"],
        procedure=procedure,
        agency=agencies["hy.ttpvhcc"],
        form_data=form,
        idempotency_key="matrix-1",
    )
    component = dossier_file_add(
        actor=p["citizen"],
        dossier=dossier,
        requirement=procedure.documents.order_by("order").first(),
        upload=SimpleUploadedFile("to-khai-ma-tran-quyen.pdf", sample_pdf(), content_type="application/pdf"),
    )
    dossier = dossier_services.dossier_receive(actor=p["hy.receiver"], dossier=dossier)
    payment, _url = payments.payment_start(actor=p["citizen"], dossier=dossier)

    # A programme of Hưng Yên with a task and a target led by its Sở Tài chính, a round, reports, evidence.
    from tinhso.org.models import AdministrativeUnit

    programme = programme_services.programme_create(
        actor=None,
        title="Kế hoạch chuyển đổi số tỉnh Hưng Yên",
        owner=agencies["hy.ubnd"],
        province=AdministrativeUnit.objects.get(level="province", code="33", valid_to__isnull=True),
        period_start=2026,
        period_end=2030,
        decision_number="1/QĐ-UBND",
        decision_date=dt.date(2026, 1, 5),
        issuer="UBND tỉnh Hưng Yên",
    )
    pillar = Pillar.objects.create(programme=programme, code=PillarCode.DIGITAL_GOVERNMENT, order=1)
    target = Target.objects.create(
        programme=programme,
        pillar=pillar,
        code="MT1",
        order=1,
        unit="%",
        text="Tỷ lệ hồ sơ trực tuyến",
        tracking_agency=agencies["hy.stc"],
        tracking_agency_text="Sở Tài chính",
    )
    task = Task.objects.create(
        programme=programme,
        pillar=pillar,
        code="CQS1",
        order=1,
        appendix="01",
        name="Thanh toán trực tuyến",
        lead_agency=agencies["hy.stc"],
        lead_agency_text="Sở Tài chính",
        timeline_start=2026,
        timeline_end=2027,
    )
    dx = p["hy.dx_office"]
    round_ = programme_services.round_open(
        actor=dx, scope=programme_scope(dx, programme), programme=programme, period="2026-H1"
    )
    task_report = TaskReport.objects.get(round=round_, task=task)
    target_report = TargetReport.objects.get(round=round_, target=target)
    focal = p["hy.focal_point"]
    evidence = programme_services.evidence_add(
        actor=focal,
        scope=programme_scope(focal, programme),
        report=task_report,
        upload=SimpleUploadedFile("minh-chung.pdf", sample_pdf(), content_type="application/pdf"),
    )

    # A procedure of Thanh Hóa's desk, imported by its own DX office (so its receiver has work too).
    from tinhso.onestop.catalogue.workbook import procedures_import_specs

    th_dx = p["th.dx_office"]
    outcome = procedures_import_specs(
        actor=th_dx,
        specs=[
            {
                "code": "1.000001.000.00.00.H56",
                "name": "Thủ tục mẫu của Thanh Hóa",
                "field": "Tư pháp",
                "authority_level": "Cấp tỉnh",
                "agencies": "th.ttpvhcc",
                "online_level": "Toàn trình",
                "processing_days": 5,
                "fee_vnd": 0,
                "result_type": "Giấy xác nhận",
                "_where": ("matrix", 1),
                "documents": [{"name": "Tờ khai", "required": True, "copies": 1}],
            }
        ],
    )
    assert outcome.saved, outcome.rejected
    _ = Decimal

    # A delegation the Hưng Yên approver gave the handler of the desk, starting tomorrow: seen by
    # those two only, and granting nothing today (the rows above keep their answers).
    from tinhso.org.delegation.services import delegation_create

    delegation = delegation_create(
        actor=p["hy.approver"],
        delegate=p["hy.handler"],
        agency=agencies["hy.ttpvhcc"],
        roles=[Role.APPROVER],
        valid_from=timezone.localdate() + dt.timedelta(days=1),
        valid_to=timezone.localdate() + dt.timedelta(days=5),
        reason="Ủy quyền của ma trận phân quyền",
    )

    # A notification of Hưng Yên's handler (only theirs to see and mark read).
    from django.db import transaction

    from tinhso.onestop.notices.people import ASSIGNED
    from tinhso.org.notifications.services import notify

    with transaction.atomic():
        notification = notify(p["hy.handler"], ASSIGNED, verb="Thông báo thử", object_label="Thông báo ma trận quyền")
    assert notification is not None

    world.args = {
        "code": procedure.code,
        "dossier_id": dossier.pk,
        "file_id": component.pk,
        "reference": payment.reference,
        "programme_id": programme.pk,
        "task_id": task.pk,
        "target_id": target.pk,
        "round_id": round_.pk,
        "task_report_id": task_report.pk,
        "target_report_id": target_report.pk,
        "evidence_id": evidence.pk,
        "agency_id": agencies["hy.stc"].pk,
        "person_id": p["hy.receiver"].pk,
        "unit_id": AdministrativeUnit.objects.get(level="province", code="34").pk,
        "desk_id": agencies["hy.ttpvhcc"].pk,
        "today": timezone.localdate().isoformat(),
        "delegation_id": delegation.pk,
        "notification_id": notification.pk,
    }
    component.refresh_from_db()
    world.markers = {
        "dossier": dossier.code,
        "programme": programme.title,
        "file": component.original_name,
        "procedure": procedure.code,
        "delegation": delegation.reason,
        "notification": "Thông báo ma trận quyền",
    }
    return world
