"""The column mapping of a CRM export: which file is which table, which column feeds which
field, how values translate, which date formats and currency apply.

Why a mapping and not code per CRM: every CRM lets its admins rename stages and add columns,
so the preset for a CRM is a starting point a team copies and edits (`extends: salesforce` in
its own file keeps everything it does not override).
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from agent.errors import InvalidInput, describe_validation_error
from agent.intake import parse_document, read_text

Table = Literal["opportunities", "contacts", "activities", "stage_history"]
TABLE_ORDER: tuple[Table, ...] = ("opportunities", "contacts", "activities", "stage_history")
PRESETS = ("salesforce", "hubspot", "maven")
MAPPING_FILE_LIMIT = 256 * 1024

# The fields each table can fill, and those a row must have.
FIELDS: dict[str, tuple[str, ...]] = {
    "opportunities": (
        "id", "name", "account", "industry", "employees", "annual_revenue", "region", "website",
        "owner", "owner_id", "manager", "amount", "currency", "stage", "created",
        "expected_close", "product", "competitors", "next_step", "next_step_date", "source",
    ),
    "contacts": (
        "deal_id", "id", "name", "title", "email", "dmu_role", "influence", "sentiment",
        "last_contact", "notes",
    ),
    "activities": (
        "deal_id", "id", "type", "date", "summary", "outcome", "participants", "next_step",
    ),
    "stage_history": ("deal_id", "stage", "entered"),
}  # fmt: skip
REQUIRED: dict[str, tuple[str, ...]] = {
    "opportunities": ("id", "stage", "owner"),
    "contacts": ("deal_id", "id", "name"),
    "activities": ("deal_id", "id", "date"),
    "stage_history": ("deal_id", "stage", "entered"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldSpec(_Strict):
    """Where one field comes from. A plain string in the YAML is `column`."""

    column: str | None = None
    columns: list[str] = Field(default_factory=list, description="Joined with a space.")
    fallback: list[str] = Field(default_factory=list, description="Tried when column is empty.")
    default: str | None = None
    values: dict[str, str] = Field(default_factory=dict, description="Source value -> value.")
    strict: bool = Field(default=False, description="A value not in `values` is an error.")

    @model_validator(mode="before")
    @classmethod
    def _plain_column(cls, data: Any) -> Any:
        return {"column": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _has_source(self) -> FieldSpec:
        if not (self.column or self.columns or self.fallback or self.default is not None):
            raise ValueError("name a column, columns, fallback or a default")
        return self

    def source_columns(self) -> list[str]:
        return [c for c in [self.column, *self.columns, *self.fallback] if c]


class TableMapping(_Strict):
    detect: list[str] = Field(min_length=1, description="Header columns that identify the file.")
    fields: dict[str, FieldSpec]


class Lookup(_Strict):
    """A side file whose columns enrich the opportunity rows, joined on `key` (Maven's
    accounts, products and sales teams)."""

    detect: list[str] = Field(min_length=1)
    key: str
    columns: list[str] = Field(min_length=1)
    aliases: dict[str, str] = Field(default_factory=dict, description="Row key -> lookup key.")


class Mapping(_Strict):
    name: str
    seller: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="The selling company, written to workspace.yaml when the import creates it: "
        "the shipped knowledge's proof points and battle cards are another seller's.",
    )
    date_formats: list[str] = Field(default_factory=lambda: ["%Y-%m-%d"], min_length=1)
    currency: str = Field(default="USD", min_length=3, max_length=3)
    as_of: Literal["today", "latest"] | dt.date = Field(
        default="today",
        description="The workspace's as-of date when the import creates workspace.yaml: "
        "'latest' (the latest date in the data, for a historical export) or a date.",
    )
    open_deal_days: int | None = Field(
        default=None,
        ge=1,
        le=3650,
        description="An opportunity without a close date is expected to close this many days "
        "after it was created (without a created date: the as-of date); None makes it a bad row.",
    )
    tables: dict[Table, TableMapping] = Field(min_length=1)
    lookups: list[Lookup] = Field(default_factory=list)

    @field_validator("tables")
    @classmethod
    def _known_fields(cls, tables: dict[str, TableMapping]) -> dict[str, TableMapping]:
        for table, spec in tables.items():
            unknown = sorted(set(spec.fields) - set(FIELDS[table]))
            if unknown:
                raise ValueError(
                    f"{table}: unknown field(s) {', '.join(unknown)} "
                    f"(known: {', '.join(FIELDS[table])})"
                )
            missing = [f for f in REQUIRED[table] if f not in spec.fields]
            if missing:
                raise ValueError(f"{table}: required field(s) {', '.join(missing)} not mapped")
        return tables


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _preset_data(name: str, where: str) -> dict[str, Any]:
    if name not in PRESETS:
        raise InvalidInput(
            f"unknown preset '{name}'", where=where, fix=f"Use one of: {', '.join(PRESETS)}"
        )
    text = resources.files("tools.crm_import").joinpath("presets", f"{name}.yaml").read_text()
    data = parse_document(text, f"preset {name}")
    assert isinstance(data, dict)  # noqa: S101 - shipped file
    return data


def load_mapping(preset: str | None = None, path: Path | None = None) -> Mapping:
    """The mapping from a preset, a file, or a file that `extends` a preset (or both given:
    the file overrides the preset). Every problem is one InvalidInput naming the file."""
    if preset is None and path is None:
        raise InvalidInput(
            "no mapping given", where="coach import", fix="Pass --preset or --mapping FILE.yaml"
        )
    data: dict[str, Any] = _preset_data(preset, "--preset") if preset else {}
    where = f"preset {preset}"
    if path is not None:
        where = str(path)
        if not path.is_file():
            raise InvalidInput("no such file", where=where, fix="Check the --mapping path")
        own = parse_document(read_text(path, MAPPING_FILE_LIMIT, "mapping file"), where)
        if not isinstance(own, dict):
            raise InvalidInput(
                "a mapping file holds one mapping of keys", where=where, fix="See the README"
            )
        base = own.pop("extends", None)
        if base is not None:
            data = _merge(data, _preset_data(str(base), f"{where}: extends"))
        data = _merge(data, own)
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            describe_validation_error(exc.errors()),
            where=where,
            fix="Correct the mapping (README: 'Importing from a CRM')",
        ) from None
