"""Form fields for what people type as Spor shows it: Danish amounts ("1.250.000,50")."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_amount(raw: str) -> str:
    """An amount as typed, in Danish or English notation, as a plain decimal string.

    "1.250.000,50", "1 250 000,50", "1250000,5", "1.250.000", "1,250,000.50" and
    "1250000.50" all read as 1250000.50; a lone comma is the Danish decimal comma.
    """
    text = _SPACES.sub("", raw.strip()).removesuffix("kr.").removesuffix("kr")
    text = text.removeprefix("DKK").removesuffix("DKK")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):  # Danish: dots group, the comma is decimal
            return text.replace(".", "").replace(",", ".")
        return text.replace(",", "")  # English: commas group
    if "," in text:
        if text.count(",") > 1:
            return text.replace(",", "")
        return text.replace(",", ".")
    if _GROUPED.match(text):  # "1.250.000": Danish thousands
        return text.replace(".", "")
    return text


class AmountInput(forms.TextInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class AmountField(forms.DecimalField):
    """A DecimalField that reads Danish and English notation and shows the Danish one."""

    widget = AmountInput
    default_error_messages = {"invalid": _("Enter an amount, for example 1.250.000,50.")}

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = parse_amount(value)
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            places = 0 if Decimal(value) == Decimal(value).to_integral_value() else 2
            return formats.number_format(
                value, decimal_pos=places, use_l10n=True, force_grouping=True
            )
        return value

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No min/max/step: the browser would refuse "1.250.000,50" in a number input.
        return {}
