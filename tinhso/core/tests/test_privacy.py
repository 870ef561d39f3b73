from tinhso.core.privacy import mask_digits, mask_email, mask_name


def test_masks_keep_only_what_identifies_nobody() -> None:
    assert mask_digits("034201001234") == "********1234"
    assert mask_digits("12") == "**"
    assert mask_digits(None) == ""
    assert mask_name("Nguyễn Văn An") == "N. V. An"
    assert mask_email("an.nguyen@example.vn") == "a***@example.vn"
