"""Thai dictionary order (smartcity.collation.sort_key), on the names of cities/data/provinces.csv."""

import csv
from pathlib import Path

import pytest

from smartcity.collation import sort_key

CSV_PATH = Path(__file__).resolve().parents[2] / "cities" / "data" / "provinces.csv"

# The 77 provinces as a Thai dictionary lists them (the order of the Royal Institute; Thai Wikipedia's
# list of provinces in alphabetical order is the same).
THAI_ORDER = [
    "กระบี่", "กรุงเทพมหานคร", "กาญจนบุรี", "กาฬสินธุ์", "กำแพงเพชร", "ขอนแก่น", "จันทบุรี", "ฉะเชิงเทรา",
    "ชลบุรี", "ชัยนาท", "ชัยภูมิ", "ชุมพร", "เชียงราย", "เชียงใหม่", "ตรัง", "ตราด", "ตาก", "นครนายก",
    "นครปฐม", "นครพนม", "นครราชสีมา", "นครศรีธรรมราช", "นครสวรรค์", "นนทบุรี", "นราธิวาส", "น่าน",
    "บึงกาฬ", "บุรีรัมย์", "ปทุมธานี", "ประจวบคีรีขันธ์", "ปราจีนบุรี", "ปัตตานี", "พระนครศรีอยุธยา",
    "พะเยา", "พังงา", "พัทลุง", "พิจิตร", "พิษณุโลก", "เพชรบุรี", "เพชรบูรณ์", "แพร่", "ภูเก็ต",
    "มหาสารคาม", "มุกดาหาร", "แม่ฮ่องสอน", "ยโสธร", "ยะลา", "ร้อยเอ็ด", "ระนอง", "ระยอง", "ราชบุรี",
    "ลพบุรี", "ลำปาง", "ลำพูน", "เลย", "ศรีสะเกษ", "สกลนคร", "สงขลา", "สตูล", "สมุทรปราการ",
    "สมุทรสงคราม", "สมุทรสาคร", "สระแก้ว", "สระบุรี", "สิงห์บุรี", "สุโขทัย", "สุพรรณบุรี",
    "สุราษฎร์ธานี", "สุรินทร์", "หนองคาย", "หนองบัวลำภู", "อ่างทอง", "อำนาจเจริญ", "อุดรธานี",
    "อุตรดิตถ์", "อุทัยธานี", "อุบลราชธานี",
]  # fmt: skip


def csv_names(column):
    with CSV_PATH.open(encoding="utf-8", newline="") as f:
        return [row[column] for row in csv.DictReader(f)]


def test_the_77_provinces_sort_as_a_thai_dictionary_lists_them():
    names = csv_names("name_th")
    assert sorted(THAI_ORDER) == sorted(names)  # the same 77 names
    assert sorted(names, key=sort_key) == THAI_ORDER


def test_code_point_order_would_put_every_leading_vowel_last():
    # What sorting by the stored text (the database's name_th ordering) gives instead: every leading vowel
    # last, and the tone mark of อ่างทอง counted as a letter.
    by_code_point = sorted(csv_names("name_th"))
    assert by_code_point[-8:] == [
        "อ่างทอง", "เชียงราย", "เชียงใหม่", "เพชรบุรี", "เพชรบูรณ์", "เลย", "แพร่", "แม่ฮ่องสอน",
    ]  # fmt: skip
    assert by_code_point != THAI_ORDER


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("ชุมพร", "เชียงราย"),  # เชียง… is ordered under ช, after ชุ…
        ("เชียงใหม่", "ตรัง"),
        ("เชียงใหม่", "อ่างทอง"),
        ("เชียงราย", "เชียงใหม่"),  # ร before ห: the ใ of ใหม่ does not count either
        ("พิษณุโลก", "เพชรบุรี"),
        ("เพชรบูรณ์", "แพร่"),  # เ before แ once the consonants are equal
        ("มุกดาหาร", "แม่ฮ่องสอน"),
        ("ยโสธร", "ยะลา"),  # ย + ส before ย + ะ
        ("ลำพูน", "เลย"),
        ("สิงห์บุรี", "สุโขทัย"),
        ("สุโขทัย", "สุพรรณบุรี"),  # สุ + ข (the โ moved after it) before สุ + พ
        ("กระบี่", "กรุงเทพมหานคร"),
    ],
)
def test_leading_vowels_do_not_decide_the_order(before, after):
    assert sort_key(before) < sort_key(after)


def test_a_word_is_ordered_by_its_first_consonant_then_the_rest():
    words = ["ไก", "ใก", "โก", "แก", "เก", "กู", "กา", "กะ", "กก", "ขา"]
    assert sorted(words, key=sort_key) == ["กก", "กะ", "กา", "กู", "เก", "แก", "โก", "ใก", "ไก", "ขา"]


def test_tone_marks_are_secondary():
    # The letters decide first (ขาย before ข้าว: ย before ว), the marks only between equal letters.
    assert sorted(["ข้าว", "ขาย", "ข่า", "ขา", "ข้า"], key=sort_key) == ["ขา", "ข่า", "ข้า", "ขาย", "ข้าว"]
    # Without a mark before with one; ่ before ้.
    assert sort_key("ขา") < sort_key("ข่า") < sort_key("ข้า")
    assert sort_key("น่าน") > sort_key("นราธิวาส")  # the mark does not make น่าน come before นร…


def test_thai_digits_and_sara_am_typed_in_two_characters():
    assert sort_key("เขต ๒")[:2] == sort_key("เขต 2")[:2]
    assert sort_key("ลํา")[0] == sort_key("ลำ")[0]  # nikhahit + sara aa is sara am


def test_other_text_is_compared_without_case():
    names = csv_names("name_en")
    expected = sorted(names, key=str.casefold)
    assert sorted(names, key=sort_key) == expected
    assert expected[:4] == ["Amnat Charoen", "Ang Thong", "Bangkok", "Bueng Kan"]
    assert sorted(["bangkok", "Ayutthaya", "Chiang Mai"], key=sort_key) == [
        "Ayutthaya", "bangkok", "Chiang Mai",
    ]  # fmt: skip


def test_empty_and_none():
    assert sort_key(None) == sort_key("") == ("", "", "")
    assert sorted(["ก", "", "A"], key=sort_key) == ["", "A", "ก"]
