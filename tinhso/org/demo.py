"""Demo data: Vietnam's units, the agencies of every province (the hand-typed ones of Hưng Yên,
former Thái Bình and Thanh Hóa in ``agencies_demo.json`` among them), and one demo account per
role. Loaded by ``manage.py demo_load`` through the same services as real data, so the ledger
records it too. Safe to run again: what exists is kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.core.errors import DomainError

from . import services
from .models import AdministrativeUnit, Agency, AgencyName, AgencySuccession, Person, RoleAssignment
from .roles import Role

AGENCIES_FILE = Path(__file__).parent / "data" / "agencies_demo.json"
PRE2025_LAST_DAY = dt.date(2025, 6, 30)
# Where the hand-typed agencies come from (the same text as the generated data's, build_agencies_data.py).
DEMO_SOURCE = "Danh mục nhập tay, đối chiếu văn bản (tinhso/org/data/AGENCIES_SOURCES.md)"

# Demo accounts: (username, full name, title, role, agency key or None). One password for all,
# printed by the run command; demo data only — never load it in production.
DEMO_PASSWORD = "TinhSo@2026"  # noqa: S105 - documented demo credential
DEMO_PEOPLE: list[tuple[str, str, str, str, str | None]] = [
    ("admin", "Quản trị hệ thống", "Quản trị viên", Role.SYSTEM_ADMIN, None),
    ("cds.hungyen", "Nguyễn Thị Minh Hà", "Chuyên viên Phòng Chuyển đổi số", Role.DX_OFFICE, "hy.skhcn"),
    ("daumoi.taichinh", "Trần Văn Hùng", "Chuyên viên Văn phòng Sở", Role.FOCAL_POINT, "hy.stc"),
    ("daumoi.yte", "Phạm Thu Trang", "Chuyên viên Văn phòng Sở", Role.FOCAL_POINT, "hy.syt"),
    ("motcua.hungyen", "Lê Thị Lan", "Công chức một cửa", Role.RECEIVER, "hy.ttpvhcc"),
    ("thuly.hungyen", "Đỗ Văn Nam", "Chuyên viên thụ lý", Role.HANDLER, "hy.ttpvhcc"),
    ("pheduyet.hungyen", "Vũ Quốc Khánh", "Phó Giám đốc Trung tâm", Role.APPROVER, "hy.ttpvhcc"),
    ("lanhdao.hungyen", "Hoàng Minh Tuấn", "Phó Chủ tịch UBND tỉnh", Role.LEADER, "hy.ubnd"),
    ("cds.thanhhoa", "Lê Văn Sơn", "Chuyên viên Sở Khoa học và Công nghệ", Role.DX_OFFICE, "th.skhcn"),
    ("congdan", "Nguyễn Văn An", "", Role.CITIZEN, None),
]


@dataclass
class DemoReport:
    units: dict[str, int] = field(default_factory=dict)
    agencies_created: int = 0
    successions_created: int = 0
    people_created: int = 0
    roles_granted: int = 0

    def describe(self) -> str:
        lines = [
            f"Đơn vị hành chính: {self.units}. Cơ quan mới: {self.agencies_created}, quan hệ kế thừa mới: "
            f"{self.successions_created}. Tài khoản mới: {self.people_created}, vai trò mới: {self.roles_granted}.",
            f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):",
        ]
        lines += [
            f"  {username:<18} {role:<13} {agency or '—':<12} {full_name}"
            for username, full_name, _title, role, agency in DEMO_PEOPLE
        ]
        return "\n".join(lines)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _unit(ref: dict[str, str]) -> AdministrativeUnit:
    units = AdministrativeUnit.objects.filter(level=ref["level"], code=ref["code"])
    units = (
        units.filter(valid_to__isnull=True)
        if ref.get("era", "current") == "current"
        else units.filter(valid_to=PRE2025_LAST_DAY)
    )
    unit = units.first()
    if unit is None:
        raise DomainError(
            _("Không tìm thấy đơn vị hành chính mã %(code)s (%(era)s).") % {"code": ref["code"], "era": ref.get("era")}
        )
    return unit


def agencies_load(*, actor: Person | None, data: dict[str, Any]) -> tuple[int, int]:
    """Create the agencies and successions of ``data`` (the format of agencies_demo.json)
    that do not exist yet, matched by key. All or nothing."""
    created = successions = 0
    with transaction.atomic():
        by_key = {agency.key: agency for agency in Agency.objects.exclude(key__isnull=True)}
        for item in data["agencies"]:
            if item["key"] in by_key:
                continue
            parent = by_key.get(item["parent"]) if item.get("parent") else None
            if item.get("parent") and parent is None:
                raise DomainError(_("Cơ quan cấp trên “%(key)s” chưa có.") % {"key": item["parent"]})
            agency = services.agency_create(
                actor=actor,
                key=item["key"],
                name=item["name"],
                short_name=item.get("short_name", ""),
                code=item.get("code", ""),
                kind=item["kind"],
                unit=_unit(item["unit"]),
                parent=parent,
                valid_from=_date(item.get("valid_from")),
                valid_to=_date(item.get("valid_to")),
                aliases=item.get("aliases", []),
                source=DEMO_SOURCE,
            )
            for former in item.get("names", []):
                AgencyName.objects.create(
                    agency=agency,
                    name=former["name"],
                    valid_from=_date(former.get("valid_from")),
                    valid_to=_date(former.get("valid_to")),
                )
            by_key[agency.key] = agency
            created += 1
        for link in data.get("successions", []):
            predecessor, successor = by_key[link["predecessor"]], by_key[link["successor"]]
            if AgencySuccession.objects.filter(predecessor=predecessor, successor=successor).exists():
                continue
            services.agency_merge(
                actor=actor,
                predecessor=predecessor,
                successor=successor,
                effective_date=dt.date.fromisoformat(link["effective_date"]),
                kind=link["kind"],
                source=link.get("source", ""),
            )
            successions += 1
    return created, successions


def people_load(*, actor: Person | None) -> tuple[int, int]:
    people = roles = 0
    with transaction.atomic():
        agencies = {agency.key: agency for agency in Agency.objects.exclude(key__isnull=True)}
        for username, full_name, title, role, agency_key in DEMO_PEOPLE:
            person = Person.objects.filter(username=username).first()
            if person is None:
                person = services.person_create(
                    actor=actor,
                    username=username,
                    full_name=full_name,
                    title=title,
                    email=f"{username}@demo.tinhso.local",
                    password=DEMO_PASSWORD,
                    check_password=False,
                )
                if role == Role.SYSTEM_ADMIN:
                    person.is_staff = person.is_superuser = True
                    person.save(update_fields=["is_staff", "is_superuser"])
                people += 1
            agency = agencies.get(agency_key) if agency_key else None
            if agency_key and agency is None:
                continue
            if not RoleAssignment.objects.active().filter(person=person, role=role, agency=agency).exists():
                services.role_grant(
                    actor=actor,
                    person=person,
                    role=role,
                    agency=agency,
                    valid_from=dt.date(2025, 7, 1),
                )
                roles += 1
    return people, roles


def demo_load() -> DemoReport:
    """Units, then the agencies of every province (``data/agencies/``, which carries the
    hand-typed agencies of ``agencies_demo.json`` under the same keys), then the demo people."""
    from .agencies import agencies_load as all_agencies_load
    from .units import units_load

    report = DemoReport()
    units = units_load(actor=None)
    report.units = {key: value for key, value in vars(units).items() if isinstance(value, int)}
    agencies = all_agencies_load(actor=None)
    report.agencies_created, report.successions_created = agencies.agencies_created, agencies.successions_created
    report.people_created, report.roles_granted = people_load(actor=None)
    return report
