"""Reading a CRM export of past deals for calibration: the column mapping and the closed deals.

A mapping (YAML) names the columns, so any CRM's export works without reshaping it. Rows whose
outcome is neither a won nor a lost value are open deals and are left out. Every problem the user
can fix is one InvalidInput naming the file, the column or the line, and what to do.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field, ValidationError

from agent.contracts.base import Contract
from agent.contracts.probability import LiveField
from agent.errors import InvalidInput, describe_validation_error
from agent.intake import LIMITS, parse_document, read_text

CYCLE_COLUMN = "_cycle_days"  # derived: days from created to closed
MAPPING_FIX = "Pass --mapping FILE.yaml naming your columns (example: evals/maven_mapping.yaml)"


class OutcomeMapping(Contract):
    column: str = "outcome"
    won: list[str] = Field(default_factory=lambda: ["won", "closed won"], min_length=1)
    lost: list[str] = Field(default_factory=lambda: ["lost", "closed lost"], min_length=1)


class AmountMapping(Contract):
    column: str = "amount"
    leaks_outcome: bool = Field(
        default=False, description="True when the value is only set for won deals: dropped."
    )
    live_scale: float = 1.0


class ColumnFeature(Contract):
    column: str
    live: LiveField | None = Field(default=None, description="Live deal field that matches it.")
    live_scale: float = 1.0


class Join(Contract):
    file: str = Field(description="CSV next to the history file (or a path relative to it).")
    key: str = Field(description="Key column present in both files.")
    columns: list[str] = Field(min_length=1)
    aliases: dict[str, str] = Field(
        default_factory=dict, description="History key value -> key value in the joined file."
    )


class HistoryMapping(Contract):
    """Which columns of a CRM export hold what the calibration needs."""

    name: str = "history"
    id: str = "id"
    outcome: OutcomeMapping = Field(default_factory=OutcomeMapping)
    created: str = Field(default="created", description="Date the deal was created or engaged.")
    closed: str = "closed"
    date_format: str = "%Y-%m-%d"
    amount: AmountMapping | None = None
    categorical: list[ColumnFeature] = Field(default_factory=list)
    numeric: list[ColumnFeature] = Field(default_factory=list)
    joins: list[Join] = Field(default_factory=list)
    top_levels: int = Field(default=8, ge=1, le=50)
    l2: float | None = Field(
        default=None, gt=0, description="Ridge penalty; None: chosen on the training deals."
    )
    live_stages: list[str] = Field(default_factory=list)

    def digest(self) -> str:
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ClosedDeal:
    id: str
    won: bool
    created: dt.date
    closed: dt.date
    values: dict[str, str | float | None]


@dataclass
class History:
    deals: list[ClosedDeal]
    open_rows: int = 0
    warnings: list[str] = field(default_factory=list)


def load_mapping(path: Path) -> HistoryMapping:
    data = parse_document(read_text(path, LIMITS.deal_file, "mapping"), str(path))
    try:
        return HistoryMapping.model_validate(data or {})
    except ValidationError as exc:
        raise InvalidInput(describe_validation_error(exc.errors()), where=str(path)) from None


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (line number, row) pairs; line numbers count the header as line 1."""
    text = read_text(path, LIMITS.history, "history file")  # bounded: never /dev/zero
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = [(reader.line_num, {k: (v or "") for k, v in r.items() if k}) for r in reader]
        header = list(reader.fieldnames or [])
    except csv.Error as exc:
        raise InvalidInput(f"not a readable CSV file ({exc})", where=str(path)) from None
    return header, rows


def _require(path: Path, header: list[str], wanted: dict[str, str]) -> None:
    """wanted: column -> the mapping key that names it."""
    missing = [f"'{col}' ({key})" for col, key in wanted.items() if col not in header]
    if missing:
        raise InvalidInput(
            f"column(s) {', '.join(missing)} named in the mapping are not in the file",
            where=path.name,
            fix=f"Columns available: {', '.join(header)}. {MAPPING_FIX}",
        )


def _apply_joins(
    path: Path, header: list[str], rows: list[dict[str, str]], m: HistoryMapping
) -> list[str]:
    columns = list(header)
    for join in m.joins:
        _require(path, header, {join.key: "joins.key"})
        other = path.parent / join.file
        jheader, jrows = _read_csv(other)
        _require(
            other, jheader, {join.key: "joins.key", **{c: "joins.columns" for c in join.columns}}
        )
        clash = [c for c in join.columns if c in columns]
        if clash:
            raise InvalidInput(
                f"joined column(s) {', '.join(clash)} already exist",
                where=f"mapping joins ({join.file})",
                fix="Drop them from the join's columns",
            )
        table = {r[join.key].strip(): r for _, r in jrows}
        for row in rows:
            key = row.get(join.key, "").strip()
            match = table.get(join.aliases.get(key, key), {})
            row.update({c: match.get(c, "") for c in join.columns})
        columns += join.columns
    return columns


def _date(value: str, fmt: str, column: str, path: Path, line: int) -> dt.date:
    text = value.strip()
    try:
        return dt.datetime.strptime(text, fmt).date()
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise InvalidInput(
            f"{column} '{value}' is not a date",
            where=f"{path.name} line {line}",
            fix=f"Use the mapping's date_format ({fmt}) or ISO dates (YYYY-MM-DD)",
        ) from None


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "").strip())
    except ValueError:
        return None


def _outcomes(path: Path, m: HistoryMapping, rows: list[tuple[int, dict[str, str]]]) -> None:
    """Stops with one message when no row is won (or none lost): nothing to learn from."""
    seen = Counter(r[m.outcome.column].strip() for _, r in rows)
    found = ", ".join(f"{v or '(empty)'} ({n})" for v, n in seen.most_common(12))
    for kind, values in (("won", m.outcome.won), ("lost", m.outcome.lost)):
        wanted = {v.strip().lower() for v in values}
        if not any(v.lower() in wanted for v in seen):
            raise InvalidInput(
                f"no row of column '{m.outcome.column}' has a {kind} value ({', '.join(values)})",
                where=path.name,
                fix=f"Values found: {found}. Set outcome.{kind} in the mapping to the right ones",
            )


def load_history(path: Path, m: HistoryMapping) -> History:
    """The closed deals of a CRM export, with the derived cycle length and any joined columns."""
    header, numbered = _read_csv(path)
    wanted = {m.id: "id", m.outcome.column: "outcome.column", m.created: "created"}
    wanted[m.closed] = "closed"
    history = History(deals=[])
    if m.amount and not m.amount.leaks_outcome:
        wanted[m.amount.column] = "amount.column"
    elif m.amount:
        history.warnings.append(f"'{m.amount.column}' dropped: it leaks the outcome")
    _require(path, header, wanted)
    columns = _apply_joins(path, header, [r for _, r in numbered], m)
    features = {f.column: "categorical" for f in m.categorical}
    features.update({f.column: "numeric" for f in m.numeric})
    _require(path, columns, features)
    _outcomes(path, m, numbered)
    won = {v.strip().lower() for v in m.outcome.won}
    lost = {v.strip().lower() for v in m.outcome.lost}
    numeric = [f.column for f in m.numeric]
    if m.amount and not m.amount.leaks_outcome:
        numeric.append(m.amount.column)
    undated = backwards = 0
    for line, row in numbered:
        outcome = row[m.outcome.column].strip().lower()
        if outcome not in won and outcome not in lost:
            history.open_rows += 1
            continue
        if not row[m.created].strip() or not row[m.closed].strip():
            undated += 1
            continue
        created = _date(row[m.created], m.date_format, m.created, path, line)
        closed = _date(row[m.closed], m.date_format, m.closed, path, line)
        if closed < created:
            backwards += 1
            continue
        values: dict[str, str | float | None] = {c.column: row[c.column] for c in m.categorical}
        values.update({c: _number(row[c]) for c in numeric})
        values[CYCLE_COLUMN] = float((closed - created).days)
        history.deals.append(ClosedDeal(row[m.id], outcome in won, created, closed, values))
    if undated:
        history.warnings.append(f"{undated} closed row(s) without a created or closed date skipped")
    if backwards:
        history.warnings.append(f"{backwards} closed row(s) closed before created skipped")
    return history


__all__ = [
    "CYCLE_COLUMN",
    "ClosedDeal",
    "History",
    "HistoryMapping",
    "load_history",
    "load_mapping",
]
