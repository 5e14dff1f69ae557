"""Thai dictionary order (the order of the Royal Institute's dictionary), for lists people read.

Sorting Thai text by its code points almost works — the consonants ก–ฮ and the vowels that follow a
consonant are encoded in dictionary order — but for two things:

- The leading vowels เ แ โ ใ ไ are written (and stored) before the consonant they follow in speech, and
  the dictionary orders a word by that consonant: เชียงใหม่ is found under ช, after ชุมพร and well before
  อ่างทอง, not after every word that starts with a consonant. The key swaps each leading vowel with the
  consonant after it (เชียงใหม่ → ชเียงหใม่), as ICU and glibc do for Thai.
- Tone marks and the other marks above or below a consonant (่ ้ ๊ ๋ ็ ์ ํ ฺ ๎) do not decide the order;
  they only separate words that are otherwise the same, a word without a mark first (ขา, ข่า, ข้า).

``sort_key`` gives a key for ``sorted``/``list.sort`` that applies both rules to Thai and compares any
other text case-insensitively, so it may be used on English names too.
"""

import unicodedata

LEADING_VOWELS = frozenset("เแโใไ")  # U+0E40–U+0E44
# Marks compared only when the letters are the same: mai taikhu, the four tone marks, thanthakhat,
# nikhahit, phinthu and yamakkan.
SECONDARY_MARKS = frozenset("\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e3a\u0e4e")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def is_thai_consonant(char: str) -> bool:
    return "\u0e01" <= char <= "\u0e2e"  # ก … ฮ


def _logical_order(text: str) -> str:
    """The text with each leading vowel moved after the consonant it precedes: ``เลย`` → ``ลเย``."""
    chars = list(text)
    i = 0
    while i < len(chars) - 1:
        if chars[i] in LEADING_VOWELS and is_thai_consonant(chars[i + 1]):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
            i += 2
        else:
            i += 1
    return "".join(chars)


def _normalise(text: str) -> str:
    # NFC keeps Thai as typed; SARA AM is sometimes typed as nikhahit + sara aa (ํ + า).
    text = unicodedata.normalize("NFC", str(text)).replace("\u0e4d\u0e32", "\u0e33")
    return _logical_order(text.translate(_THAI_DIGITS))


def sort_key(text) -> tuple[str, str, str]:
    """A key that sorts Thai text in dictionary order, and other text case-insensitively.

    First the letters (leading vowels after their consonant, marks left out, case folded), then the
    marks (a word without a mark before the same word with one; ่ before ้ before ๊ before ๋), then the
    text as written, so that the order is total.
    """
    text = "" if text is None else str(text)
    logical = _normalise(text).casefold()
    letters = "".join(char for char in logical if char not in SECONDARY_MARKS)
    return letters, logical, text
