"""Applying what an import says about a deal (a Patch) over the deal's file, and writing it.

Why merged at write time, under the file's lock: a re-import must update what an earlier
import wrote (keyed by the CRM's ids) and keep what the team added since (notes, upstream
sections, a debrief's changes), and another process (`coach debrief --apply`) may write the
same file; reading and writing under one lock (agent/files.py) loses neither. A deal whose
content did not change is not rewritten, so its file, comments and catalogue entry stay.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError

from agent.contracts.deal import Deal
from agent.files import lock_for, write_atomic
from tools.crm_import.values import RowError
from tools.workspace_files import read_document

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
    stages: dict[str, int] = Field(
        default_factory=dict, description="the imported deals per stage (the CRM's names)"
    )
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


def _same(old: dict[str, Any], deal: Deal) -> bool:
    try:
        return Deal.model_validate(old) == deal
    except ValidationError:
        return False


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
    root: Path,
    patches: dict[str, Patch],
    open_deal_days: int | None,
    as_of: dt.date,
    report: ImportReport,
    progress: Progress,
) -> None:
    """Each patched deal merged, validated (a deal that does not validate is a skipped row at
    its opportunity's line) and written when it changed."""
    for deal_id, patch in patches.items():
        path = deal_file(root, deal_id)
        with lock_for(path):
            before = path.read_text(encoding="utf-8") if path.is_file() else None
            old = read_document(path) if before is not None else None
            old = old if isinstance(old, dict) else None
            _fill_dates(patch, as_of, open_deal_days, old)
            try:
                deal = Deal.model_validate(apply(old, patch))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first.get("loc", ())) or "deal"
                report.skip(RowError(patch.file, patch.line, where, str(first.get("msg"))))
                progress(1)
                continue
            report.stages[deal.stage] = report.stages.get(deal.stage, 0) + 1
            if old is not None and _same(old, deal):
                report.deals_unchanged += 1  # the file (and its comments) left as it is
            else:
                text = render(deal, path)
                write_atomic(path, text)
                if before is None:
                    report.deals_created += 1
                else:
                    report.deals_updated += 1
        progress(1)
