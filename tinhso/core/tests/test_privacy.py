import datetime as dt

import pytest

from tinhso.core.privacy import HIDDEN, mask_digits, mask_email, mask_name, mask_text, mask_value


def test_masks_keep_only_what_identifies_nobody() -> None:
    assert mask_digits("034201001234") == "********1234"
    assert mask_digits("12") == "**"
    assert mask_digits(None) == ""
    assert mask_name("Nguyễn Văn An") == "N. V. An"
    assert mask_email("an.nguyen@example.vn") == "a***@example.vn"


@pytest.mark.parametrize(
    ("kind", "value", "masked"),
    [
        ("personal_id", "033095001234", "********1234"),
        ("phone", "0912345678", "******5678"),
        ("email", "an.nguyen@example.vn", "a***@example.vn"),
        ("email", "not an address", HIDDEN),  # whatever was typed, nothing of it shows
        ("full_name", "Nguyễn Văn An", "N. V. An"),
        ("text", "Số 5 phố Nguyễn Trãi, phường Hiến Nam", HIDDEN),
        ("date", "1995-03-02", HIDDEN),
        ("select", "Nữ", HIDDEN),
        (None, 42, HIDDEN),
        ("number", 0, HIDDEN),
        ("text", "", ""),
        ("phone", None, ""),
    ],
)
def test_a_value_is_masked_by_its_kind(kind: str | None, value: object, masked: str) -> None:
    assert mask_value(kind, value) == masked


def test_hidden_values_give_away_neither_content_nor_length() -> None:
    assert mask_text("An") == mask_text("Số 5 phố Nguyễn Trãi, phường Hiến Nam, thành phố Hưng Yên") == HIDDEN
    assert mask_text(dt.date(1995, 3, 2)) == HIDDEN
    assert mask_text(None) == mask_text("") == ""
