"""Vietnamese text: one place that decides when two spellings are the same word.

Text arrives in several spellings of the same word: composed or decomposed Unicode, old or new
tone-mark placement ("Thanh Hoá" / "Thanh Hóa", "thuỷ" / "thủy"), or no diacritics at all
("thai binh"). Everything stored goes through :func:`clean`; every search and name match
compares :func:`fold` keys (diacritics-insensitive) or :func:`match_key` keys (diacritics
kept, tone placement made canonical).
"""

from __future__ import annotations

import re
import unicodedata

_TONE_MARKS = {
    "\u0300",  # huyền
    "\u0301",  # sắc
    "\u0303",  # ngã
    "\u0309",  # hỏi
    "\u0323",  # nặng
}
_SPACES = re.compile(r"\s+")
# oa, oe, uy closing a syllable (no final consonant, not the "qu" of "quý"): the old
# placement marks the first vowel (hòa, khỏe, thủy), the new one the second (hoà, khoẻ, thuỷ).
_OPEN_PAIR = re.compile(r"(?<![qQ])([oO][aAeE]|[uU][yY])(?![^\W\d_])")


def clean(text: str | None) -> str:
    """NFC, trimmed, inner whitespace collapsed: the form every stored text takes."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def match_key(text: str | None) -> str:
    """Lower-case key with diacritics kept and the tone mark always on the first vowel of a
    closing oa/oe/uy: "Thanh Hoá" and "Thanh Hóa" give the same key."""
    decomposed = unicodedata.normalize("NFD", clean(text).lower())
    # Pull the tone marks out of each letter, remember them, and put them back where the
    # canonical placement wants them.
    out: list[str] = []
    letters: list[list[str]] = []  # base letter followed by its non-tone marks
    tones: list[str | None] = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            if not letters:
                out.append(ch)
                continue
            if ch in _TONE_MARKS:
                tones[-1] = ch
            else:
                letters[-1].append(ch)
        else:
            letters.append([ch])
            tones.append(None)
    bases = "".join(group[0] if len(group) == 1 else "\x00" for group in letters)
    for match in _OPEN_PAIR.finditer(bases):
        first, second = match.start(), match.start() + 1
        if tones[second] is not None and tones[first] is None:
            tones[first], tones[second] = tones[second], None
    for group, tone in zip(letters, tones, strict=True):
        out.extend(group)
        if tone:
            out.append(tone)
    return unicodedata.normalize("NFC", "".join(out))


def fold(text: str | None) -> str:
    """Lower-case key without diacritics ("Thái Bình" → "thai binh", "Đông" → "dong")."""
    decomposed = unicodedata.normalize("NFD", clean(text).lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")


def has_diacritics(text: str) -> bool:
    return fold(text) != clean(text).lower()
