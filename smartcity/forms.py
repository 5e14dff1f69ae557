"""Form fields shared by every app: numbers typed with Thai digits or thousands separators."""

from django import forms

from .thaidate import to_arabic_digits


def _normalise_number(value):
    if isinstance(value, str):
        return to_arabic_digits(value).replace(",", "").replace("\u00a0", "").replace(" ", "").strip()
    return value


class ThaiIntegerField(forms.IntegerField):
    """Accepts ``๒๕๖๖`` and ``1,250,000`` as well as ``2566`` and ``1250000``."""

    def to_python(self, value):
        return super().to_python(_normalise_number(value))


class ThaiDecimalField(forms.DecimalField):
    def to_python(self, value):
        return super().to_python(_normalise_number(value))
