from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest

from tinhso.org.models import AdministrativeUnit
from tinhso.org.roles import Role
from tinhso.programme import services
from tinhso.programme.models import Budget, Milestone, Pillar, PillarCode, Target, Task


def evidence_pdf(text: str = "Bien ban nghiem thu") -> bytes:
    """A real one-page PDF (uploads are read as PDFs, not only by their first bytes)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    writer = PdfFileWriter()
    stream = generic.StreamObject(stream_data=f"BT 72 760 Td ({text}) Tj ET".encode("ascii"))
    writer.insert_page(
        PageObject(
            contents=writer.add_object(stream),
            media_box=generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 595, 842)]),
        )
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def scheme(demo_agencies: dict[str, Any], make_person: Any) -> dict[str, Any]:
    """A small scheme of Thái Bình carried by Hưng Yên, with people in each role."""
    a = demo_agencies
    programme = services.programme_create(
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
    government = Pillar.objects.create(programme=programme, code=PillarCode.DIGITAL_GOVERNMENT, order=1)
    economy = Pillar.objects.create(programme=programme, code=PillarCode.DIGITAL_ECONOMY, order=2)
    online = Target.objects.create(
        programme=programme,
        pillar=government,
        code="MT1",
        order=1,
        unit="%",
        text="Tỷ lệ dịch vụ công trực tuyến toàn trình: cấp tỉnh 90%, cấp xã 60%",
        tracking_agency=a["hy.skhcn"],
        tracking_agency_text="Sở TT&TT",
    )
    Milestone.objects.create(target=online, year=2025, comparator=">=", value=Decimal(90), unit="%", level="province")
    Milestone.objects.create(target=online, year=2025, comparator=">=", value=Decimal(60), unit="%", level="commune")
    economy_share = Target.objects.create(
        programme=programme,
        pillar=economy,
        code="MT2",
        order=2,
        unit="%",
        text="Kinh tế số chiếm trên 20% GRDP",
        tracking_agency=a["hy.stc"],
        tracking_agency_text="Sở KH&ĐT",
    )
    Milestone.objects.create(target=economy_share, year=2025, comparator=">", value=Decimal(20), unit="%")
    Milestone.objects.create(target=economy_share, year=2030, comparator=">", value=Decimal(30), unit="%")
    platform = Task.objects.create(
        programme=programme,
        pillar=government,
        code="CQS1",
        order=1,
        appendix="01",
        name="Nền tảng tích hợp, chia sẻ dữ liệu",
        lead_agency=a["hy.skhcn"],
        lead_agency_text="Sở TT&TT",
        timeline_start=2022,
        timeline_end=2023,
    )
    platform.partner_agencies.add(a["hy.stc"])
    Budget.objects.create(task=platform, phase="2021-2025", amount_million_vnd=Decimal("15000"))
    finance_task = Task.objects.create(
        programme=programme,
        pillar=economy,
        code="KTS1",
        order=2,
        appendix="01",
        name="Thanh toán không dùng tiền mặt",
        lead_agency=a["hy.stc"],
        lead_agency_text="Sở Tài chính",
        timeline_start=2022,
        timeline_end=2025,
    )
    Budget.objects.create(task=finance_task, phase="2021-2025", amount_million_vnd=Decimal("2500.5"))
    people = {
        "dx": make_person("cds", Role.DX_OFFICE, a["hy.skhcn"], email="cds@hungyen.gov.vn"),
        "focal_dost": make_person("dm.khcn", Role.FOCAL_POINT, a["hy.skhcn"], email="khcn@hungyen.gov.vn"),
        "focal_finance": make_person("dm.tc", Role.FOCAL_POINT, a["hy.stc"], email="tc@hungyen.gov.vn"),
        "focal_health": make_person("dm.yt", Role.FOCAL_POINT, a["hy.syt"], email="yt@hungyen.gov.vn"),
        "leader": make_person("ld", Role.LEADER, a["hy.ubnd"], email="ld@hungyen.gov.vn"),
        "dx_thanh_hoa": make_person("cds.th", Role.DX_OFFICE, a["th.skhcn"]),
    }
    return {
        "programme": programme,
        "online": online,
        "economy_share": economy_share,
        "platform": platform,
        "finance_task": finance_task,
        **people,
    }
