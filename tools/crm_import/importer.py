"""Reads CSV exports row by row into per-deal patches; writer.py merges and writes them.

Why two passes: a file is matched to a table by its header, so the order of the files on the
command line does not matter; opportunities are read first, then contacts, activities and
stage history, which must name an opportunity of the import or of the workspace. A row that
does not fit is a RowError (file:line: field: problem), counted and skipped, never fatal; a
file no table matches, or one lacking a required column, is unusable input (InvalidInput).
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from agent.contracts.deal import Activity, Contact
from agent.errors import InvalidInput
from agent.files import lock_for, write_atomic
from tools.crm_import.mapping import REQUIRED, TABLE_ORDER, Lookup, Mapping, Table
from tools.crm_import.values import Cell, RowError, slug
from tools.crm_import.writer import ImportReport, Patch, Progress, deal_file, write_deals
from tools.deal_ids import DEAL_ID, DEAL_ID_RULE
from tools.workspace_files import read_document

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

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
    write_deals(root, reader.patches, mapping.open_deal_days, as_of, report, advance)
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
    if mapping.seller:
        doc["seller"] = mapping.seller
    if mapping.as_of != "today":
        doc["as_of"] = chosen
    with lock_for(meta):
        write_atomic(meta, yaml.dump(doc, Dumper=_Dumper, sort_keys=False))
    return chosen


def _refresh_catalogue(root: Path) -> None:
    """The catalogue re-reads the changed deal files now, so the next listing is current."""
    from tools.sources import WorkspaceSource

    WorkspaceSource(root).catalogue.refresh()


__all__ = ["ImportReport", "run_import"]
