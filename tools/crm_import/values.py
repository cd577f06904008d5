"""One cell of an export turned into a typed value, or a RowError naming file, line and field.

Why strict: a date read the wrong way round (03/04 as 3 April when the CRM meant 4 March) or an
amount read with its thousands separator as a decimal point corrupts analysis silently, so a
cell that does not match the mapping's formats is a bad row, never a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tools.crm_import.mapping import FieldSpec

_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class RowError(Exception):
    """A bad row: where (file and line), which field, and what is wrong with it."""

    file: str
    line: int
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.problem}"


@dataclass(frozen=True)
class Cell:
    """Reads the fields of one row (the row's file and line, for the errors)."""

    row: dict[str, str]
    file: str
    line: int

    def error(self, field: str, problem: str) -> RowError:
        return RowError(self.file, self.line, field, problem)

    def text(self, field: str, spec: FieldSpec | None, required: bool = False) -> str | None:
        """The field's text after joins, fallbacks, defaults and the value map."""
        value = ""
        if spec is not None:
            if spec.columns:
                value = " ".join(p for c in spec.columns if (p := self._get(c)))
            if not value and spec.column:
                value = self._get(spec.column)
            for column in spec.fallback:
                value = value or self._get(column)
            if not value and spec.default is not None:
                value = spec.default
            if value and spec.values:
                mapped = spec.values.get(value)
                if mapped is None and spec.strict:
                    known = ", ".join(sorted(spec.values)[:12])
                    raise self.error(field, f"unknown value {value!r} (known: {known})")
                value = mapped if mapped is not None else value
        if not value and required:
            raise self.error(field, "missing" + _columns_hint(spec))
        return value or None

    def _get(self, column: str) -> str:
        return (self.row.get(column) or "").strip()

    def date(
        self, field: str, spec: FieldSpec | None, formats: list[str], required: bool = False
    ) -> dt.date | None:
        value = self.text(field, spec, required)
        if value is None:
            return None
        for fmt in formats:
            try:
                return dt.datetime.strptime(value, fmt).date()
            except ValueError:
                continue
        raise self.error(field, f"{value!r} is not a date in the format(s) {', '.join(formats)}")

    def number(self, field: str, spec: FieldSpec | None) -> float | None:
        """An amount or a count: currency signs, codes, spaces and thousands commas dropped."""
        value = self.text(field, spec)
        if value is None:
            return None
        cleaned = re.sub(r"[^\d.\-]", "", value.replace(",", ""))
        if not _NUMBER.fullmatch(cleaned):
            raise self.error(field, f"{value!r} is not a number")
        number = float(cleaned)
        if number < 0:
            raise self.error(field, f"{value!r} is negative")
        return number


def _columns_hint(spec: FieldSpec | None) -> str:
    columns = spec.source_columns() if spec is not None else []
    return f" (column {', '.join(repr(c) for c in columns)} is empty)" if columns else ""


def slug(text: str) -> str:
    """A stable id from a name ('Maya Okafor' -> 'maya-okafor'), for people the export names
    but gives no id to."""
    return _SLUG.sub("-", text.lower()).strip("-")[:48] or "unknown"
