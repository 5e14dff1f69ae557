"""Form fields shared by every app: numbers typed with Thai digits or thousands separators, and dates
typed and shown in the Buddhist Era on Thai pages."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .thaidate import BE_OFFSET, ENGLISH_MONTHS, THAI_MONTHS, format_numeric_date, to_arabic_digits


def _normalise_number(value):
    if isinstance(value, str):
        return to_arabic_digits(value).replace(",", "").replace("\u00a0", "").replace(" ", "").strip()
    return value


class ThaiIntegerField(forms.IntegerField):
    """Accepts ``๒๕๖๖`` and ``1,250,000`` as well as ``2566`` and ``1250000``.

    A text input (with a numeric keyboard on phones), since a browser's number input would refuse Thai
    digits and separators, and would drop what it refuses instead of letting the server say why.
    """

    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "numeric"}

    def to_python(self, value):
        return super().to_python(_normalise_number(value))


class BuddhistYearField(ThaiIntegerField):
    """A year of the Buddhist Era (``2569``, ``๒๕๖๙``), between ``min_value`` and ``max_value``; a year
    of the Common Era typed instead gets a message that gives the year meant."""

    default_error_messages = {
        "common_era": _("%(year)s is a year of the Common Era: type the Buddhist Era year, %(intended)s."),
    }

    def validate(self, value):
        super().validate(value)
        if value is not None and self.min_value is not None and value < self.min_value:
            intended = value + BE_OFFSET
            if self.min_value <= intended <= (self.max_value or intended):
                message = self.error_messages["common_era"]
                params = {"year": value, "intended": intended}
                raise forms.ValidationError(message, code="common_era", params=params)


class ThaiDecimalField(forms.DecimalField):
    widget = forms.TextInput

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal"}

    def to_python(self, value):
        return super().to_python(_normalise_number(value))


# --- Dates: B.E. on Thai pages, C.E. on English ones.
#
# A Thai reader types and reads 31/12/2569; an English one 31/12/2026. A date written day first is read
# in the era of the page: 2569 on a Thai page is B.E. 2569 (C.E. 2026), never C.E. 2569. Years are
# accepted between C.E. 1900 and 2100 only, so that a year typed in the other era (2026 on a Thai page,
# 2569 on an English one) is refused with the year it was probably meant to be, instead of being
# stored 543 years off. An ISO 8601 date (2026-12-31, year first: what browsers and scripts send) is
# C.E., as ISO 8601 defines it; on a Thai page 2569-12-31 is read as B.E. too, since the two ranges of
# years do not overlap.

FIRST_YEAR, LAST_YEAR = 1900, 2100
EXAMPLE_DATE = datetime.date(2026, 12, 31)

_THAI_MONTH_ABBREVIATIONS = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip


def _month_word(word):
    return re.sub(r"[\s.]", "", word).casefold()


MONTHS_BY_NAME = {
    _month_word(name): number
    for names in (THAI_MONTHS, _THAI_MONTH_ABBREVIATIONS, ENGLISH_MONTHS, [m[:3] for m in ENGLISH_MONTHS])
    for number, name in enumerate(names, start=1)
} | {"sept": 9}

_SEPARATED = re.compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d+)")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WORDS = re.compile(r"(\d{1,2})\s*([^\d]+?)\s*(\d+)")
_ERA_PREFIX = re.compile(r"(?:พ\.?\s*ศ\.?)$")


def is_thai(language=None):
    return (language or get_language() or "th").startswith("th")


class ThaiDateInput(forms.TextInput):
    """A text input that shows a date as ``31/12/2569`` on Thai pages and ``31/12/2026`` on English
    ones, with the format as its placeholder. Not Django's calendar, which writes C.E. dates."""

    template_name = "django/forms/widgets/text.html"

    def __init__(self, attrs=None):
        attrs = {"size": "12", "autocomplete": "off", "placeholder": _("dd/mm/yyyy"), **(attrs or {})}
        super().__init__(attrs)

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return format_numeric_date(value, language=get_language())
        return super().format_value(value)


class ThaiDateHiddenInput(ThaiDateInput):
    input_type = "hidden"
    template_name = "django/forms/widgets/hidden.html"


class ThaiDateField(forms.DateField):
    """A date typed ``31/12/2569`` (day/month/year in the page's era), with Thai or Arabic digits;
    also ``31 ธันวาคม 2569`` / ``31 ธ.ค. พ.ศ. 2569`` (``31 December 2026`` in English) and ISO 8601
    ``2026-12-31``. Errors say what to type, with an example in the page's era."""

    widget = ThaiDateInput
    hidden_widget = ThaiDateHiddenInput
    default_error_messages = {
        "invalid": _("Enter the date as day/month/year, for example %(example)s."),
        "short_year": _("Type the year with four digits, for example %(example)s."),
        "common_era": _("%(year)s is a year of the Common Era: type the Buddhist Era year, %(intended)s."),
        "buddhist_era": _("%(year)s is a year of the Buddhist Era: type the Common Era year, %(intended)s."),
        "year_range": _("Type a year between %(first)s and %(last)s."),
        "no_such_date": _("There is no such date: %(value)s."),
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if isinstance(value, datetime.date):
            return value
        return self.parse(str(value))

    def parse(self, text, language=None):
        """The date ``text`` names, in the era of ``language`` (the active language if None)."""
        thai = is_thai(language)
        typed = " ".join(text.split())
        plain = to_arabic_digits(typed)
        example = format_numeric_date(EXAMPLE_DATE, language="th" if thai else "en")
        parts = self._parts(plain)
        if parts is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"example": example})
        day, month, year_text, iso = parts
        if len(year_text) != 4:
            raise ValidationError(
                self.error_messages["short_year"], code="short_year", params={"example": example}
            )
        year = int(year_text)
        # Read in the page's era, but an ISO date with a C.E. year is C.E. on any page.
        in_page_era = not (iso and FIRST_YEAR <= year <= LAST_YEAR)
        year_ce = year - BE_OFFSET if thai and in_page_era else year
        if not FIRST_YEAR <= year_ce <= LAST_YEAR:
            self._wrong_era(year, thai)
        try:
            return datetime.date(year_ce, month, day)
        except ValueError:
            raise ValidationError(
                self.error_messages["no_such_date"], code="no_such_date", params={"value": typed}
            ) from None

    @staticmethod
    def _parts(text):
        """(day, month, year as typed, whether it is an ISO date) or None."""
        if match := _SEPARATED.fullmatch(text):
            return int(match[1]), int(match[3]), match[4], False
        if match := _ISO.fullmatch(text):
            return int(match[3]), int(match[2]), match[1], True
        if match := _WORDS.fullmatch(text):
            word = _ERA_PREFIX.sub("", match[2].strip()).strip()
            month = MONTHS_BY_NAME.get(_month_word(word))
            if month:
                return int(match[1]), month, match[3], False
        return None

    def _wrong_era(self, year, thai):
        if thai and FIRST_YEAR <= year <= LAST_YEAR:
            message, code, intended = self.error_messages["common_era"], "common_era", year + BE_OFFSET
        elif not thai and FIRST_YEAR + BE_OFFSET <= year <= LAST_YEAR + BE_OFFSET:
            message, code, intended = self.error_messages["buddhist_era"], "buddhist_era", year - BE_OFFSET
        else:
            offset = BE_OFFSET if thai else 0
            raise ValidationError(
                self.error_messages["year_range"],
                code="year_range",
                params={"first": FIRST_YEAR + offset, "last": LAST_YEAR + offset},
            )
        raise ValidationError(message, code=code, params={"year": year, "intended": intended})


class ThaiTimeField(forms.TimeField):
    """``14:30``, ``14.30`` or ``14.30 น.``, with Thai or Arabic digits."""

    input_formats = ["%H:%M", "%H:%M:%S", "%H.%M"]

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"\s*น\.?$", "", to_arabic_digits(value).strip())
        return super().to_python(value)


class ThaiSplitDateTimeWidget(forms.MultiWidget):
    """The date (``ThaiDateInput``) and the time (``14:30``) of a moment, in the project's time zone."""

    supports_microseconds = False
    template_name = "django/forms/widgets/splitdatetime.html"
    date_widget, time_input_type = ThaiDateInput, "text"

    def __init__(self, attrs=None):
        time_attrs = {"size": "6", "placeholder": _("hh:mm"), **(attrs or {})}
        time = forms.TimeInput(attrs=time_attrs, format="%H:%M")
        time.input_type = self.time_input_type
        super().__init__((self.date_widget(attrs), time))

    def decompress(self, value):
        if value:
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            return [value.date(), value.time()]
        return [None, None]


class ThaiSplitHiddenDateTimeWidget(ThaiSplitDateTimeWidget):
    template_name = "django/forms/widgets/splithiddendatetime.html"
    date_widget, time_input_type = ThaiDateHiddenInput, "hidden"


class ThaiDateTimeField(forms.SplitDateTimeField):
    """A moment typed as a date (``ThaiDateField``: B.E. on Thai pages) and a time."""

    widget = ThaiSplitDateTimeWidget
    hidden_widget = ThaiSplitHiddenDateTimeWidget

    def __init__(self, *, input_date_formats=None, input_time_formats=None, **kwargs):
        invalid_time = {**self.default_error_messages, **kwargs.get("error_messages", {})}["invalid_time"]
        time = ThaiTimeField(input_formats=input_time_formats, error_messages={"invalid": invalid_time})
        fields = (ThaiDateField(), time)
        forms.MultiValueField.__init__(self, fields, **kwargs)
