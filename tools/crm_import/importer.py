"""Reads CSV exports row by row into per-deal patches, then merges each patch into the deal's
file under its lock and writes it atomically only when it changed.

Why patches merged at write time: a re-import must update what an earlier import wrote (keyed
by the CRM's ids: the opportunity id names the deal folder, contacts and activities keep their
ids) and keep what the team added since (notes, upstream sections, a debrief's changes), and
another process (`coach debrief --apply`) may write the same file: reading and writing under
one lock (agent/files.py) loses neither.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError

from agent.contracts.deal import Activity, Contact, Deal
from agent.errors import InvalidInput
from agent.files import lock_for, write_atomic
from tools.crm_import.mapping import FIELDS, REQUIRED, TABLE_ORDER, Lookup, Mapping, Table
from tools.crm_import.values import Cell, RowError, slug
from tools.sources import DEAL_ID, DEAL_ID_RULE, read_document

MAX_LISTED = 1000  # skipped rows kept in the report; all are counted
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
Progress = Callable[[int], None]


class SkippedRow(BaseModel):
    file: str
    line: int
    field: str
    problem: str


class ImportReport(BaseModel):
    """What an import did: written as JSON with --report, summarised on the terminal."""

    workspace: str
    mapping: str
    files: dict[str, str] = Field(default_factory=dict, description="file -> table")
    ignored_files: list[str] = Field(default_factory=list)
    rows: dict[str, int] = Field(default_factory=dict, description="rows read per table")
    imported: dict[str, int] = Field(default_factory=dict, description="rows used per table")
    deals_created: int = 0
    deals_updated: int = 0
    deals_unchanged: int = 0
    skipped_count: int = 0
    skipped: list[SkippedRow] = Field(default_factory=list)
    seconds: float = 0.0
    rows_per_second: float = 0.0

    def skip(self, error: RowError) -> None:
        self.skipped_count += 1
        if len(self.skipped) < MAX_LISTED:
            self.skipped.append(SkippedRow(**error.__dict__))


@dataclass
class Patch:
    """What the import says about one deal; applied over the deal's file when written."""

    file: str
    line: int
    fields: dict[str, Any] = field(default_factory=dict)
    account: dict[str, Any] = field(default_factory=dict)
    team: list[dict[str, str]] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    activities: dict[str, dict[str, Any]] = field(default_factory=dict)
    stages: list[dict[str, Any]] = field(default_factory=list)
    fill_created: bool = False
    fill_close: bool = False


# -- files -----------------------------------------------------------------------------------


def _header(path: Path) -> list[str]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return [h.strip() for h in next(csv.reader(handle), [])]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidInput(
            f"cannot read it: {exc}", where=str(path), fix="Pass a CSV file"
        ) from None


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line where the row starts, row) for each data row; a quoted newline spans lines."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames:
                reader.fieldnames = [h.strip() for h in reader.fieldnames]
            for row in reader:
                spanned = sum(v.count("\n") for v in row.values() if isinstance(v, str))
                yield reader.line_num - spanned, row
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InvalidInput(
            f"cannot read it: {exc}", where=str(path), fix="Save it as UTF-8 CSV"
        ) from None


def _classify(
    sources: list[Path], mapping: Mapping, report: ImportReport
) -> tuple[dict[Table, list[Path]], list[tuple[Lookup, Path]]]:
    """Which table (or lookup) each file is, by its header. A file named on the command line
    that matches nothing is unusable input; one found in a named folder is ignored."""
    tables: dict[Table, list[Path]] = {}
    lookups: list[tuple[Lookup, Path]] = []
    for source in sources:
        if source.is_dir():
            files, explicit = sorted(source.glob("*.csv")), False
        elif source.is_file():
            files, explicit = [source], True
        else:
            raise InvalidInput("no such file or folder", where=str(source), fix="Check the path")
        for path in files:
            header = set(_header(path))
            candidates: list[tuple[int, Table | Lookup]] = [
                (len(spec.detect), name)
                for name, spec in mapping.tables.items()
                if set(spec.detect) <= header
            ]
            candidates += [
                (len(lk.detect), lk) for lk in mapping.lookups if set(lk.detect) <= header
            ]
            if not candidates:
                if explicit:
                    raise InvalidInput(
                        f"its header matches no table of mapping '{mapping.name}'",
                        where=str(path),
                        fix="Check --preset/--mapping: each table's `detect` columns must "
                        f"be in the header (found: {', '.join(sorted(header)[:12])})",
                    )
                report.ignored_files.append(str(path))
                continue
            best = max(candidates, key=lambda c: c[0])[1]
            if isinstance(best, Lookup):
                lookups.append((best, path))
                report.files[str(path)] = f"lookup on {best.key}"
            else:
                _check_columns(path, header, mapping, best)
                tables.setdefault(best, []).append(path)
                report.files[str(path)] = best
    if "opportunities" not in tables and not tables:
        raise InvalidInput(
            "no file to import", where="SOURCE", fix="Pass CSV exports (files or folders)"
        )
    return tables, lookups


def _check_columns(path: Path, header: set[str], mapping: Mapping, table: Table) -> None:
    """A required field whose only column is absent makes every row bad: say so once."""
    for name in REQUIRED[table]:
        spec = mapping.tables[table].fields[name]
        if spec.default is None and not set(spec.source_columns()) & (
            header | _lookup_cols(mapping)
        ):
            raise InvalidInput(
                f"no column for the required field '{name}' "
                f"(expected {', '.join(repr(c) for c in spec.source_columns())})",
                where=str(path),
                fix="Map the field to a column of this file in the mapping",
            )


def _lookup_cols(mapping: Mapping) -> set[str]:
    return {c for lk in mapping.lookups for c in lk.columns}


def _load_lookups(
    found: list[tuple[Lookup, Path]],
) -> list[tuple[Lookup, dict[str, dict[str, str]]]]:
    loaded = []
    for lookup, path in found:
        table = {(row.get(lookup.key) or "").strip(): row for _, row in _rows(path)}
        loaded.append((lookup, table))
    return loaded


def count_rows(paths: list[Path]) -> int:
    """Lines in the files (an upper bound on rows), for the progress bar's total."""
    total = 0
    for path in paths:
        with path.open("rb") as handle:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    return total


# -- rows ------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, mapping: Mapping, root: Path) -> None:
        self.mapping = mapping
        self.root = root
        self.patches: dict[str, Patch] = {}
        self.latest: dt.date | None = None
        self._existing: dict[str, dict[str, Any] | None] = {}

    def _date(
        self, cell: Cell, name: str, fields: dict[str, Any], required: bool = False
    ) -> dt.date | None:
        value = cell.date(name, fields.get(name), self.mapping.date_formats, required)
        if value is not None and (self.latest is None or value > self.latest):
            self.latest = value
        return value

    def opportunity(self, cell: Cell) -> None:
        f = self.mapping.tables["opportunities"].fields
        deal_id = cell.text("id", f["id"], required=True) or ""
        if DEAL_ID.fullmatch(deal_id) is None:
            raise cell.error("id", f"{deal_id!r} is not usable as a deal id ({DEAL_ID_RULE})")
        owner = cell.text("owner", f["owner"], required=True) or ""
        created = self._date(cell, "created", f, required=self.mapping.open_deal_days is None)
        close = self._date(cell, "expected_close", f, required=self.mapping.open_deal_days is None)
        if created and close and close < created:
            raise cell.error("expected_close", f"{close} is before the created date {created}")
        amount = cell.number("amount", f.get("amount"))
        patch = Patch(cell.file, cell.line)
        patch.fill_created, patch.fill_close = created is None, close is None
        values = {
            "id": deal_id,
            "name": cell.text("name", f.get("name")),
            "owner": {"id": cell.text("owner_id", f.get("owner_id")) or f"rep-{slug(owner)}",
                      "name": owner, "role": "account_executive"},
            "amount": amount if amount is not None else 0.0,
            "currency": (cell.text("currency", f.get("currency")) or self.mapping.currency).upper(),
            "stage": cell.text("stage", f["stage"], required=True),
            "created": created,
            "expected_close": close,
            "next_step": cell.text("next_step", f.get("next_step")),
            "next_step_date": self._date(cell, "next_step_date", f),
            "source": cell.text("source", f.get("source")),
        }  # fmt: skip
        patch.fields = {k: v for k, v in values.items() if v is not None}
        account = cell.text("account", f.get("account")) or "(no account recorded)"
        patch.fields.setdefault("name", f"{account} - {deal_id}")
        patch.account = {
            "name": account,
            "industry": cell.text("industry", f.get("industry")),
            "employees": _int(cell.number("employees", f.get("employees"))),
            "annual_revenue": cell.number("annual_revenue", f.get("annual_revenue")),
            "region": cell.text("region", f.get("region")),
            "website": cell.text("website", f.get("website")),
        }
        manager = cell.text("manager", f.get("manager"))
        if manager:
            patch.team.append(
                {"id": f"mgr-{slug(manager)}", "name": manager, "role": "sales_manager"}
            )
        product = cell.text("product", f.get("product"))
        patch.products = [p.strip() for p in (product or "").split(";") if p.strip()]
        competitors = cell.text("competitors", f.get("competitors"))
        if competitors:
            patch.fields["competitors"] = [c.strip() for c in competitors.split(";") if c.strip()]
        self.patches[deal_id] = patch

    def _deals_of(self, cell: Cell, fields: dict[str, Any]) -> list[str]:
        """The deal ids a child row belongs to (a cell may list several, ';'-separated); each
        must be imported now or already be in the workspace."""
        ids = [d.strip() for d in (cell.text("deal_id", fields["deal_id"], True) or "").split(";")]
        for deal_id in ids:
            if deal_id and deal_id not in self.patches and self.existing(deal_id) is None:
                raise cell.error(
                    "deal_id", f"no opportunity {deal_id!r} in this import or the workspace"
                )
            if deal_id and deal_id not in self.patches:
                self.patches[deal_id] = Patch(cell.file, cell.line)
        return [d for d in ids if d]

    def existing(self, deal_id: str) -> dict[str, Any] | None:
        if deal_id not in self._existing:
            path = deal_file(self.root, deal_id)
            data = read_document(path) if DEAL_ID.fullmatch(deal_id) and path.is_file() else None
            self._existing[deal_id] = data if isinstance(data, dict) else None
        return self._existing[deal_id]

    def contact(self, cell: Cell) -> None:
        f = self.mapping.tables["contacts"].fields
        deals = self._deals_of(cell, f)
        contact: dict[str, Any] = {
            "id": cell.text("id", f["id"], True),
            "name": cell.text("name", f["name"], True),
            "title": cell.text("title", f.get("title")) or "(no title recorded)",
            "email": cell.text("email", f.get("email")),
            "dmu_role": cell.text("dmu_role", f.get("dmu_role")),
            "influence": cell.text("influence", f.get("influence")),
            "sentiment": cell.text("sentiment", f.get("sentiment")),
            "last_contact": self._date(cell, "last_contact", f),
            "notes": cell.text("notes", f.get("notes")),
        }
        contact = _validated(cell, Contact, {k: v for k, v in contact.items() if v is not None})
        for deal_id in deals:
            self.patches[deal_id].contacts[contact["id"]] = contact

    def activity(self, cell: Cell) -> None:
        f = self.mapping.tables["activities"].fields
        deals = self._deals_of(cell, f)
        when = self._date(cell, "date", f, required=True)
        kind = cell.text("type", f.get("type")) or "other"
        people = cell.text("participants", f.get("participants")) or ""
        activity: dict[str, Any] = {
            "id": cell.text("id", f["id"], True),
            "type": kind,
            "date": when,
            "participants": [p.strip() for p in people.replace(",", ";").split(";") if p.strip()],
            "summary": cell.text("summary", f.get("summary")) or f"{kind} on {when}",
            "outcome": cell.text("outcome", f.get("outcome")),
            "next_step": cell.text("next_step", f.get("next_step")),
        }
        activity = _validated(cell, Activity, {k: v for k, v in activity.items() if v is not None})
        for deal_id in deals:
            known = self._people(deal_id)
            unknown = [p for p in activity["participants"] if p not in known]
            if unknown:
                raise cell.error(
                    "participants", f"{', '.join(unknown)} is not a contact of deal {deal_id}"
                )
            self.patches[deal_id].activities[activity["id"]] = activity

    def _people(self, deal_id: str) -> set[Any]:
        patch = self.patches[deal_id]
        old = self.existing(deal_id) or {}
        people: set[Any] = set(patch.contacts) | {m["id"] for m in patch.team}
        people |= {c.get("id") for c in old.get("contacts") or [] if isinstance(c, dict)}
        people |= {m.get("id") for m in old.get("team") or [] if isinstance(m, dict)}
        owner = patch.fields.get("owner") or old.get("owner") or {}
        return people | {owner.get("id")} if isinstance(owner, dict) else people

    def stage_change(self, cell: Cell) -> None:
        f = self.mapping.tables["stage_history"].fields
        deals = self._deals_of(cell, f)
        change = {
            "stage": cell.text("stage", f["stage"], True),
            "entered": self._date(cell, "entered", f, True),
        }
        for deal_id in deals:
            self.patches[deal_id].stages.append(change)


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


def _validated(cell: Cell, model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "row"
        raise cell.error(where, f"{first.get('msg')} (got {first.get('input')!r})") from None
    return data


# -- writing ---------------------------------------------------------------------------------


def deal_file(root: Path, deal_id: str) -> Path:
    """The deal's file: an existing deal.yaml, deal.yml or deal.json, else a new deal.yaml."""
    folder = root / "deals" / deal_id
    for suffix in (".yaml", ".yml", ".json"):
        if (folder / f"deal{suffix}").is_file():
            return folder / f"deal{suffix}"
    return folder / "deal.yaml"


def _by_id(old: Any, new: dict[str, dict[str, Any]]) -> list[Any]:
    """Old entries with the same id replaced in place (keeping fields the import does not
    set), new ones appended."""
    merged: list[Any] = []
    for item in old if isinstance(old, list) else []:
        key = item.get("id") if isinstance(item, dict) else None
        merged.append({**item, **new[key]} if key in new else item)
    seen = {item.get("id") for item in merged if isinstance(item, dict)}
    return merged + [item for key, item in new.items() if key not in seen]


def apply(old: dict[str, Any] | None, patch: Patch) -> dict[str, Any]:
    doc = dict(old or {})
    doc.update(patch.fields)
    account = dict(doc.get("account") or {})
    account.update({k: v for k, v in patch.account.items() if v is not None})
    account.setdefault("industry", "(no industry recorded)")
    doc["account"] = account
    team = list(doc.get("team") or [])
    ids = {m.get("id") for m in team if isinstance(m, dict)}
    team += [m for m in patch.team if m["id"] not in ids]
    if team:
        doc["team"] = team
    products = list(doc.get("products") or [])
    doc["products"] = products + [p for p in patch.products if p not in products]
    doc["contacts"] = _by_id(doc.get("contacts"), patch.contacts)
    doc["activities"] = _by_id(doc.get("activities"), patch.activities)
    history = list(doc.get("stage_history") or [])
    for change in patch.stages:
        if not any(_same_change(h, change) for h in history):
            history.append(change)
    doc["stage_history"] = sorted(history, key=lambda h: str(h.get("entered", "")))
    return doc


def _same_change(a: Any, b: dict[str, Any]) -> bool:
    return (
        isinstance(a, dict)
        and a.get("stage") == b["stage"]
        and str(a.get("entered")) == str(b["entered"])
    )


def render(deal: Deal, path: Path) -> str:
    data = deal.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
    data = {"id": deal.id, **data}
    if path.suffix == ".json":
        return json.dumps(deal.model_dump(mode="json", exclude_none=True), indent=2) + "\n"
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _fill_dates(patch: Patch, as_of: dt.date, days: int | None, old: dict[str, Any] | None) -> None:
    """An open deal's missing dates, when the mapping allows it: the old file's dates first,
    then created = as_of and expected close = created + open_deal_days, with a note saying so."""
    if not (patch.fill_created or patch.fill_close) or "stage" not in patch.fields:
        return
    old = old or {}
    filled = []
    if patch.fill_created:
        patch.fields["created"] = old.get("created") or as_of
        filled.append("created")
    created = patch.fields["created"]
    created = created if isinstance(created, dt.date) else dt.date.fromisoformat(str(created))
    if patch.fill_close:
        patch.fields["expected_close"] = old.get("expected_close") or created + dt.timedelta(
            days=days or 90
        )
        filled.append("expected close")
    text = f"The CRM export had no {' or '.join(filled)} date; the import set it."
    note = {"date": as_of, "author": "coach import", "text": text}
    notes = [
        n
        for n in old.get("notes") or []
        if not (isinstance(n, dict) and n.get("author") == "coach import")
    ]
    patch.fields["notes"] = [*notes, note]


def write_deals(
    root: Path, reader: _Reader, as_of: dt.date, report: ImportReport, progress: Progress
) -> None:
    for deal_id, patch in reader.patches.items():
        path = deal_file(root, deal_id)
        with lock_for(path):
            before = path.read_text(encoding="utf-8") if path.is_file() else None
            old = read_document(path) if before is not None else None
            old = old if isinstance(old, dict) else None
            _fill_dates(patch, as_of, reader.mapping.open_deal_days, old)
            try:
                deal = Deal.model_validate(apply(old, patch))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first.get("loc", ())) or "deal"
                report.skip(RowError(patch.file, patch.line, where, str(first.get("msg"))))
                progress(1)
                continue
            text = render(deal, path)
            if text == before:
                report.deals_unchanged += 1
            else:
                write_atomic(path, text)
                if before is None:
                    report.deals_created += 1
                else:
                    report.deals_updated += 1
        progress(1)


def run_import(
    sources: list[Path], root: Path, mapping: Mapping, progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ImportReport:  # fmt: skip
    """Import the files into the workspace at `root` (created when missing)."""
    started = time.perf_counter()
    report = ImportReport(workspace=str(root), mapping=mapping.name)
    tables, found = _classify(sources, mapping, report)
    advance = progress or (lambda _n: None)
    files = [p for t in TABLE_ORDER for p in tables.get(t, [])]
    lookups = _load_lookups(found)
    if on_total is not None:
        on_total(count_rows(files) * 2)  # rows read, then deals written (at most one per row)
    (root / "deals").mkdir(parents=True, exist_ok=True)
    reader = _Reader(mapping, root)
    handlers = {"opportunities": reader.opportunity, "contacts": reader.contact,
                "activities": reader.activity, "stage_history": reader.stage_change}  # fmt: skip
    for table in TABLE_ORDER:
        for path in tables.get(table, []):
            for line, row in _rows(path):
                report.rows[table] = report.rows.get(table, 0) + 1
                advance(1)
                if table == "opportunities":
                    _enrich(row, lookups)
                try:
                    handlers[table](Cell(row, str(path), line))
                except RowError as error:
                    report.skip(error)
                    continue
                report.imported[table] = report.imported.get(table, 0) + 1
    as_of = _as_of(root, mapping, reader.latest)
    write_deals(root, reader, as_of, report, advance)
    _refresh_catalogue(root)
    report.seconds = round(time.perf_counter() - started, 3)
    total = sum(report.rows.values())
    report.rows_per_second = round(total / report.seconds, 1) if report.seconds else 0.0
    return report


def _enrich(row: dict[str, str], lookups: list[tuple[Lookup, dict[str, dict[str, str]]]]) -> None:
    for lookup, table in lookups:
        key = (row.get(lookup.key) or "").strip()
        match = table.get(lookup.aliases.get(key, key))
        if match is not None:
            for column in lookup.columns:
                if not (row.get(column) or "").strip():
                    row[column] = match.get(column) or ""


def _as_of(root: Path, mapping: Mapping, latest: dt.date | None) -> dt.date:
    """The workspace's as-of date; workspace.yaml is written when missing, never overwritten."""
    chosen = (
        mapping.as_of
        if isinstance(mapping.as_of, dt.date)
        else (latest or dt.date.today())
        if mapping.as_of == "latest"
        else dt.date.today()
    )
    meta = root / "workspace.yaml"
    if meta.is_file():
        data = read_document(meta)
        existing = data.get("as_of") if isinstance(data, dict) else None
        return existing if isinstance(existing, dt.date) else chosen
    doc: dict[str, Any] = {"name": f"Imported from {mapping.name}"}
    if mapping.as_of != "today":
        doc["as_of"] = chosen
    with lock_for(meta):
        write_atomic(meta, yaml.dump(doc, Dumper=_Dumper, sort_keys=False))
    return chosen


def _refresh_catalogue(root: Path) -> None:
    """The catalogue re-reads the changed deal files now, so the next listing is current."""
    from tools.sources import WorkspaceSource

    WorkspaceSource(root).catalogue.refresh()


__all__ = ["FIELDS", "ImportReport", "run_import"]
