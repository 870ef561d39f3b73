from __future__ import annotations

import pytest

from tinhso.programme.importing.agencies import split_agencies


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("Các sở, ban, ngành; UBND huyện, thành phố", ("Các sở, ban, ngành", "UBND huyện, thành phố")),
        (
            "Các sở, ban, ngành liên quan, UBND huyện, thành phố",
            ("Các sở, ban, ngành liên quan", "UBND huyện, thành phố"),
        ),
        ("Sở Văn hóa, Thể thao và Du lịch, Sở Tài chính", ("Sở Văn hóa, Thể thao và Du lịch", "Sở Tài chính")),
        (
            "Sở Lao động, Thương binh và Xã hội; UBND các huyện, thị xã, thành phố",
            ("Sở Lao động, Thương binh và Xã hội", "UBND các huyện, thị xã, thành phố"),
        ),
        ("Sở Tài chính, Sở Kế hoạch và Đầu tư", ("Sở Tài chính", "Sở Kế hoạch và Đầu tư")),
        ("Công an tỉnh, Sở Y tế, Sở Giáo dục và Đào tạo", ("Công an tỉnh", "Sở Y tế", "Sở Giáo dục và Đào tạo")),
        ("UBND huyện, thành phố, xã, phường, thị trấn", ("UBND huyện, thành phố, xã, phường, thị trấn",)),
        (
            "Bệnh Viện Đa khoa tỉnh Thái Bình, các sở, ngành, UBND huyện, thành phố",
            ("Bệnh Viện Đa khoa tỉnh Thái Bình", "các sở, ngành", "UBND huyện, thành phố"),
        ),
        ("Sở TT&TT, TNMT, NNPTNT, XD, KHĐT, ...", ("Sở TT&TT", "Sở TNMT", "Sở NNPTNT", "Sở XD", "Sở KHĐT")),
        ("Sở TT&TT\nCác doanh nghiệp viễn thông", ("Sở TT&TT", "Các doanh nghiệp viễn thông")),
        ("- Sở Nội vụ\n- Sở Tư pháp.", ("Sở Nội vụ", "Sở Tư pháp")),
        ("", ()),
    ],
)
def test_split(cell: str, names: tuple[str, ...]) -> None:
    assert split_agencies(cell) == names


def test_split_is_stable_on_its_own_output() -> None:
    """The Excel template writes one name per line and reads each line with the same splitter."""
    cell = "Báo Thái Bình, các đơn vị báo chí, Các sở, ban, ngành; UBND huyện, thành phố"
    names = split_agencies(cell)
    assert tuple(n for name in names for n in split_agencies(name)) == names
