"""Buddhist Era dates and Thai digits, in one place for pages and PDFs alike.

Thai pages and documents write ``9 มกราคม 2566`` (B.E. = C.E. + 543), or ``๙ มกราคม ๒๕๖๖`` with Thai
digits; English pages write ``9 January 2023``. Aware datetimes are shown in the project's time zone
first, so a moment late on 31 December UTC is already New Year's Day in Bangkok.
"""

import datetime

from django.utils import timezone, translation

BE_OFFSET = 543

THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

ARABIC_DIGITS = "0123456789"
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_THAI = str.maketrans(ARABIC_DIGITS, THAI_DIGITS)
_TO_ARABIC = str.maketrans(THAI_DIGITS, ARABIC_DIGITS)


def to_thai_digits(text) -> str:
    """``"2566"`` → ``"๒๕๖๖"``; other characters are kept."""
    return str(text).translate(_TO_THAI)


def to_arabic_digits(text) -> str:
    """``"๒๕๖๖"`` → ``"2566"``; lets forms accept numbers typed with Thai digits."""
    return str(text).translate(_TO_ARABIC)


def local_date(value: datetime.date) -> datetime.date:
    """The calendar date of ``value`` in the project's time zone (aware datetimes are converted)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def be_year(value) -> int:
    """The Buddhist Era year of a date, or of a Common Era year given as a number."""
    if isinstance(value, int):
        return value + BE_OFFSET
    return local_date(value).year + BE_OFFSET


def ce_year(be: int) -> int:
    """The Common Era year of a Buddhist Era year: ``ce_year(2566) == 2023``."""
    return be - BE_OFFSET


def format_date(
    value: datetime.date, *, language: str = "th", thai_digits: bool = False, era: bool = False
) -> str:
    """A date as written on Thai or English pages.

    ``language`` is ``"th"`` (Buddhist Era) or anything else for English (Common Era).
    ``thai_digits`` writes the Thai date with Thai digits; ``era`` puts ``พ.ศ.`` before the Thai year
    (``9 มกราคม พ.ศ. 2566``), as formal documents do. Both apply to Thai only.
    """
    day = local_date(value)
    if not (language or "th").startswith("th"):
        return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"
    year = f"พ.ศ. {be_year(day)}" if era else str(be_year(day))
    text = f"{day.day} {THAI_MONTHS[day.month - 1]} {year}"
    return to_thai_digits(text) if thai_digits else text


def format_numeric_date(value: datetime.date, *, language: str = "th") -> str:
    """A date as typed in a form: ``09/01/2569`` in Thai (day/month/B.E. year), ``09/01/2026`` in
    English (day first too, with the C.E. year). ``smartcity.forms.ThaiDateField`` reads it back."""
    day = local_date(value)
    year = be_year(day) if (language or "th").startswith("th") else day.year
    return f"{day.day:02d}/{day.month:02d}/{year}"


def format_datetime(value: datetime.datetime, *, language: str = "th") -> str:
    """``9 มกราคม 2566 14:30`` (or ``9 January 2023 14:30``), in the project's time zone."""
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{format_date(moment, language=language)} {moment:%H:%M}"


# --- Django's own date formatting (the admin, the |date filter) on Thai pages.


def thai_is_active() -> bool:
    language = translation.get_language()
    return bool(language) and language.startswith("th")


def install_buddhist_era_formats():
    """Makes the year characters of Django's date formats (``Y``, ``y``, ``o``) write the Buddhist Era
    year while Thai is active, and the Common Era year otherwise.

    Every date Django writes for people — the admin's lists and read-only fields
    (``display_for_field`` → ``formats.localize``), its history pages and date hierarchy, the ``|date``
    template filter — goes through ``django.utils.dateformat.DateFormat``, and no format character
    writes a B.E. year, so this is the one place that covers them all. Formats for machines keep the
    C.E. year: ``c`` (ISO 8601), ``r`` (RFC 5322), ``U``, and the values of form inputs (``strftime``).
    Called once from ``SmartCityConfig.ready``.
    """
    from django.utils.dateformat import DateFormat

    if getattr(DateFormat, "buddhist_era_installed", False):
        return

    def Y(self):
        "Year, 4 digits; B.E. on Thai pages: '2569'"
        year = self.data.year + BE_OFFSET if thai_is_active() else self.data.year
        return f"{year:04d}"

    def y(self):
        "Year, 2 digits; B.E. on Thai pages: '69'"
        year = self.data.year + BE_OFFSET if thai_is_active() else self.data.year
        return f"{year % 100:02d}"

    def o(self):
        "ISO 8601 year number matching the ISO week number (W); B.E. on Thai pages"
        year = self.data.isocalendar().year
        return year + BE_OFFSET if thai_is_active() else year

    DateFormat.Y, DateFormat.y, DateFormat.o = Y, y, o
    DateFormat.buddhist_era_installed = True
