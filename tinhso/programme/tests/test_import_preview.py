"""Issue 14, item 3: the upload page's preview lists every row the import creates — tasks with
code, appendix, name, content, lead and partners with how each name was matched, timeline,
budget per phase and funding; targets with pillar, values per year, tracking and partner
agencies — from the same preview data as ``programme_import --dry-run --json``."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tinhso.programme.demo import SEEDS
from tinhso.programme.importing.preview import match_label
from tinhso.programme.models import Programme, Task

pytestmark = pytest.mark.django_db


def _cards(page: str, testid: str) -> list[str]:
    section = page.split(f'data-testid="{testid}"', 1)[1].split("</details>", 1)[0]
    return [unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card))).strip() for card in section.split("<li>")[1:]]


def test_the_preview_lists_every_task_and_target_with_how_agencies_were_matched(scheme: dict[str, Any]) -> None:
    client = Client()
    client.force_login(scheme["dx"])
    data = (SEEDS / "thai-binh-2022-de-an-chuyen-doi-so.txt").read_bytes()
    before = Programme.objects.count()
    response = client.post(reverse("programme:import"), {"file": SimpleUploadedFile("thai-binh.txt", data)})
    assert response.status_code == 200
    assert Programme.objects.count() == before  # a preview saves nothing
    outcome = response.context["outcome"]
    page = response.content.decode()

    tasks = _cards(page, "preview-tasks")
    assert len(tasks) == outcome.tasks == len(outcome.preview["tasks"])
    for card, item in zip(tasks, outcome.preview["tasks"], strict=True):
        assert card.startswith(f"{item['code']} · Phụ lục {item['appendix']}: {item['name'].split()[0]}")
        if item["lead"]:
            assert item["lead"]["text"] in card
            assert match_label(item["lead"]["match"])[0] in card
        for partner in (item["partners"] or {}).get("agencies", []):
            assert partner["name"] in card
        if item["funding"]:
            assert item["funding"] in card
    targets = _cards(page, "preview-targets")
    assert len(targets) == outcome.targets == len(outcome.preview["targets"]) == 16
    for card, item in zip(targets, outcome.preview["targets"], strict=True):
        assert card.startswith(f"{item['code']}: ")
        for milestone in item["milestones"]:
            assert f"{milestone['year']}: " in card
    # How names were matched, in words: at least exact names and collective phrases in this scheme.
    shown = set(re.findall(r'data-match="([a-z_]+)"', page))
    assert {"name", "collective"} <= shown
    assert "khớp đúng tên" in page


PASTED = (
    "PHỤ LỤC 5: DANH MỤC NHIỆM VỤ BỔ SUNG GIAI ĐOẠN 2026-2030\n"
    "Mã nhiệm vụ\tNhiệm vụ\tNội dung\tĐơn vị chủ trì\tĐơn vị phối hợp\tLộ trình\tKinh phí (triệu đồng)\tNguồn vốn\n"
    "CQS90\tNền tảng LGSP\t- Nâng cấp\n- Kết nối NDXP\tSở TT&TT\tSở Tài chính, Hợp tác xã Quang Minh\t"
    "2026-2027\t1.500,5\tNgân sách tỉnh\n"
)


def test_a_task_card_shows_each_field(scheme: dict[str, Any]) -> None:
    client = Client()
    client.force_login(scheme["dx"])
    response = client.post(reverse("programme:import"), {"text": PASTED, "programme": scheme["programme"].pk})
    assert response.status_code == 200
    [card] = _cards(response.content.decode(), "preview-tasks")
    assert card == (
        "CQS90 · Phụ lục 5: Nền tảng LGSP "
        "Nội dung Nâng cấp Kết nối NDXP "
        "Trụ cột Chính quyền số "
        "Chủ trì Sở TT&TT → Sở Khoa học và Công nghệ tỉnh Hưng Yên khớp đúng tên "
        "Phối hợp Sở Tài chính tỉnh Hưng Yên khớp đúng tên Hợp tác xã Quang Minh chưa khớp "
        "Thời gian 2026–2027 "
        "Kinh phí (triệu đồng) 2026-2030: 1.500,5 "
        "Nguồn vốn Ngân sách tỉnh "
        "Vị trí trong tệp Phụ lục 5, dòng 3"
    )
    assert Task.objects.filter(code="CQS90").count() == 0


def test_every_way_of_matching_has_vietnamese_words() -> None:
    for how in ("name", "abbreviation", "mapping", "commune", "collective", "not_agency", "ambiguous", "unmatched"):
        label, _tone = match_label(how)
        assert label != how
        assert not label.isascii()
