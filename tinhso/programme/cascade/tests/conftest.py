from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tinhso.org.models import AdministrativeUnit
from tinhso.org.roles import Role
from tinhso.programme import services
from tinhso.programme.access import programme_scope
from tinhso.programme.models import Milestone, Pillar, PillarCode, Target, Task

# The demo's commune UBNDs: three in the territory of former Thái Bình (two succeeded communes
# of its district 336, Thành phố Thái Bình; one of its district 342, Tiền Hải), three in that of
# the former Hưng Yên.
TB_COMMUNES = ("hy.ubndx.thai_binh", "hy.ubndx.tran_hung_dao", "hy.ubndx.tien_hai")
HY_COMMUNES = ("hy.ubndx.pho_hien", "hy.ubndx.my_hao", "hy.ubndx.van_giang")


@pytest.fixture
def cascade(demo_agencies: dict[str, Any], make_person: Any, clock: Any) -> dict[str, Any]:
    """Thái Bình's 2022 scheme, carried by Hưng Yên, with tasks for groups and targets by level,
    a 2026-H1 round open, and people in each role (the clock: 2 March 2026)."""
    a = demo_agencies
    scheme = services.programme_create(
        actor=None,
        title="Đề án chuyển đổi số tỉnh Thái Bình",
        owner=a["hy.ubnd"],
        province=AdministrativeUnit.objects.get(level="province", code="34"),
        period_start=2021,
        period_end=2030,
        decision_number="54/QĐ-UBND",
        decision_date=dt.date(2022, 3, 17),
        issuer="UBND tỉnh Thái Bình",
    )
    government = Pillar.objects.create(programme=scheme, code=PillarCode.DIGITAL_GOVERNMENT, order=1)
    communes_task = Task.objects.create(
        programme=scheme,
        pillar=government,
        code="CQS2",
        order=1,
        appendix="01",
        name="Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        lead_agency_text="UBND các xã, phường",
        timeline_start=2022,
        timeline_end=2030,
    )
    dost_task = Task.objects.create(
        programme=scheme,
        pillar=government,
        code="CQS1",
        order=2,
        appendix="01",
        name="Nền tảng tích hợp, chia sẻ dữ liệu",
        lead_agency=a["hy.skhcn"],
        lead_agency_text="Sở TT&TT",
        partner_agencies_text=["Các sở, ban, ngành"],
        timeline_start=2022,
        timeline_end=2030,
    )
    finished = Task.objects.create(
        programme=scheme,
        code="CQS3",
        order=3,
        appendix="01",
        name="Hội nghị triển khai (đã xong năm 2023)",
        lead_agency_text="UBND cấp xã",
        timeline_start=2022,
        timeline_end=2023,
    )
    district_task = Task.objects.create(
        programme=scheme,
        code="XHS1",
        order=4,
        appendix="01",
        name="Thí điểm xã số ven biển",
        lead_agency_text="UBND huyện Tiền Hải",
        timeline_start=2024,
        timeline_end=2027,
    )
    online = Target.objects.create(
        programme=scheme,
        pillar=government,
        code="MT1",
        order=1,
        unit="%",
        text="Tỷ lệ dịch vụ công trực tuyến toàn trình: cấp tỉnh 90%, cấp huyện 80%",
        tracking_agency=a["hy.skhcn"],
        tracking_agency_text="Sở TT&TT",
    )
    Milestone.objects.create(target=online, year=2030, comparator=">=", value=Decimal(90), unit="%", level="province")
    Milestone.objects.create(target=online, year=2030, comparator=">=", value=Decimal(80), unit="%", level="district")
    digitised = Target.objects.create(
        programme=scheme,
        pillar=government,
        code="MT2",
        order=2,
        unit="%",
        text="Tỷ lệ số hóa hồ sơ cấp xã",
        tracking_agency=a["hy.skhcn"],
    )
    Milestone.objects.create(target=digitised, year=2026, comparator=">=", value=Decimal(70), unit="%", level="commune")
    dx = make_person("cds", Role.DX_OFFICE, a["hy.skhcn"])
    round_ = services.round_open(actor=dx, scope=programme_scope(dx, scheme), programme=scheme, period="2026-H1")
    return {
        "scheme": scheme,
        "communes_task": communes_task,
        "dost_task": dost_task,
        "finished": finished,
        "district_task": district_task,
        "online": online,
        "digitised": digitised,
        "round": round_,
        "dx": dx,
        "dx_thanh_hoa": make_person("cds.th", Role.DX_OFFICE, a["th.skhcn"]),
        "leader": make_person("ld", Role.LEADER, a["hy.ubnd"]),
        "focal_tien_hai": make_person("dm.tienhai", Role.FOCAL_POINT, a["hy.ubndx.tien_hai"]),
        "focal_pho_hien": make_person("dm.phohien", Role.FOCAL_POINT, a["hy.ubndx.pho_hien"]),
        "focal_finance": make_person("dm.tc", Role.FOCAL_POINT, a["hy.stc"]),
        "agencies": a,
    }
