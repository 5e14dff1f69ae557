"""Form fields shared by every app: numbers typed with Thai digits or thousands separators."""

from django import forms

from .thaidate import to_arabic_digits


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


class ThaiDecimalField(forms.DecimalField):
    widget = forms.TextInput

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal"}

    def to_python(self, value):
        return super().to_python(_normalise_number(value))
