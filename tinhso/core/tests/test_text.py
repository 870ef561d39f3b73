import unicodedata

import pytest

from tinhso.core.text import clean, fold, has_diacritics, match_key


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Thanh Hoá", "Thanh Hóa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("Hoà Bình", "Hòa Bình"),
        ("Thuỷ Nguyên", "Thủy Nguyên"),
    ],
)
def test_old_and_new_tone_placement_give_one_key(old: str, new: str) -> None:
    assert match_key(old) == match_key(new)


@pytest.mark.parametrize("word", ["quý", "hoàng", "thuyền", "Khoa"])
def test_tone_stays_where_a_final_consonant_or_qu_fixes_it(word: str) -> None:
    assert match_key(word) == clean(word).lower()


def test_keys_differ_when_the_words_differ() -> None:
    assert match_key("Hòa") != match_key("Hóa")
    assert fold("Hòa") == fold("Hóa") == "hoa"


def test_fold_drops_diacritics_and_d_stroke() -> None:
    assert fold("  Thái   Bình ") == "thai binh"
    assert fold("ĐÔNG HƯNG") == "dong hung"


def test_clean_composes_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", "Thái Bình")
    assert decomposed != "Thái Bình"
    assert clean(decomposed) == "Thái Bình"
    assert match_key(decomposed) == match_key("thái bình")


def test_has_diacritics() -> None:
    assert has_diacritics("Thái Bình")
    assert not has_diacritics("thai binh")
