"""The one CSV writer every export uses: the portfolio, the decision log and the barometer.

Two forms of the same rows:

- ``excel`` (the default): what Danish Excel opens by double-click: a UTF-8 BOM, ``;`` between
  cells, Danish headers and values (phase and outcome names, "ja"/"nej"), dates dd-mm-yyyy,
  decimals with a comma;
- ``rfc4180`` (``?format=rfc4180``): for machines: ``,`` between cells, the English column
  keys and stored values, ISO dates, no BOM.

In both, a text cell that a spreadsheet would read as a formula (it begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is prefixed with ``'``, so a title such as
``=HYPERLINK("http://...")`` is shown as text and never evaluated. Numbers are written as
numbers and are not touched.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import decimal
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.utils import timezone, translation

EXCEL = "excel"
RFC4180 = "rfc4180"
FORMATS = (EXCEL, RFC4180)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


class UnknownFormat(ValueError):
    """``?format=`` named neither form."""


@dataclasses.dataclass(frozen=True)
class Column:
    """A column: its machine key, its header (a lazy msgid, Danish in the Excel form) and,
    for stored choices, the labels shown instead of the stored value in the Excel form."""

    key: str
    label: Any
    choices: Mapping[str, Any] | None = None


def requested_format(params: Mapping[str, str]) -> str:
    """The form asked for in the query string; ``excel`` when none is named."""
    value = params.get("format") or EXCEL
    if value not in FORMATS:
        raise UnknownFormat(value)
    return value


def neutralise(text: str) -> str:
    """A text cell a spreadsheet would evaluate becomes plain text."""
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class Writer:
    """Turns typed rows into CSV lines of one form; ``lines()`` streams them."""

    def __init__(self, fmt: str, columns: list[Column] | None = None) -> None:
        if fmt not in FORMATS:
            raise UnknownFormat(fmt)
        self.fmt = fmt
        self.columns = columns
        self._line = _Line()
        self._writer = csv.writer(self._line, delimiter=";" if fmt == EXCEL else ",")

    @property
    def excel(self) -> bool:
        return self.fmt == EXCEL

    def header(self) -> str:
        assert self.columns is not None
        if self.excel:
            with translation.override("da"):
                return self.row([str(column.label) for column in self.columns])
        return self.row([column.key for column in self.columns])

    def row(self, values: Iterable[Any]) -> str:
        values = list(values)
        if self.columns is not None and len(values) == len(self.columns):
            values = [
                self._choice(column, value)
                for column, value in zip(self.columns, values, strict=True)
            ]
        self._writer.writerow([self.cell(value) for value in values])
        return self._line.value

    def _choice(self, column: Column, value: Any) -> Any:
        if self.excel and column.choices and isinstance(value, str) and value in column.choices:
            with translation.override("da"):
                return str(column.choices[value])
        return value

    def cell(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            if self.excel:
                return "ja" if value else "nej"
            return "yes" if value else "no"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float | decimal.Decimal):
            text = str(value)
            return text.replace(".", ",") if self.excel else text
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            if self.excel:
                return local.strftime("%d-%m-%Y %H:%M")
            return local.isoformat(timespec="seconds")
        if isinstance(value, datetime.date):
            return value.strftime("%d-%m-%Y") if self.excel else value.isoformat()
        return neutralise(str(value))

    def lines(self, rows: Iterable[Iterable[Any]], *, header: bool = True) -> Iterator[str]:
        if self.excel:
            yield BOM
        if header:
            yield self.header()
        for row in rows:
            yield self.row(row)


class _Line:
    """A file-like sink that keeps the last line ``csv.writer`` wrote."""

    value = ""

    def write(self, text: str) -> int:
        self.value = text
        return len(text)


def filename(stem: str, fmt: str) -> str:
    return f"{stem}.csv" if fmt == EXCEL else f"{stem}-{RFC4180}.csv"
