"""Whose knowledge the shipped documents are, and which of them only that seller may cite.

The shipped knowledge is the sample seller's enablement: its proof points name its customers and
their figures, its battle cards its competitors. Told to a rep of another company they would be
invented proof, so a workspace that names another seller (`seller:` in workspace.yaml) does not
see them. Methods, objection scripts and plays stay: their technique holds for anyone, and a
warning says that their product names are the sample seller's. A workspace that names no seller
is read as the sample seller's, as before; a user's own knowledge folder is never hidden.

Which documents those are is read from the index when its ingest recorded it (ORIGINS, beside
the version's sections: each document's type and whether its file is shipped), since only the
index's documents can be found or cited; parsing the whole corpus to find out cost about 0.13 s
of every process that answers for another seller. An index from before that record falls back to
parsing the corpus once per process; `coach kb ingest` (a new version) gives the faster path.
Nothing is written into the index here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from knowledge.corpus import KNOWLEDGE_ROOT, corpus
from knowledge.documents import Document
from knowledge.store import current_folder, read_record

SELLER_FILE = KNOWLEDGE_ROOT / "seller.yaml"
# Document types that state facts about one seller (its customers, its competitors).
SELLER_FACTS = ("proof_point", "battle_card")
# Written by `coach kb ingest` into each index version's folder: {"format": 1, "documents":
# {id: {"type": ..., "shipped": true|false}}} for the documents the version holds.
ORIGINS = "origins.json"
ORIGINS_FORMAT = 1
_SUFFIX = re.compile(r"\b(inc|ltd|llc|gmbh|plc|corp|corporation|company|co|sa|ag|bv)\b")


class ShippedSeller(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    seller: str = Field(min_length=1)
    products: tuple[str, ...] = ()


@cache
def shipped_seller() -> ShippedSeller:
    return ShippedSeller.model_validate(yaml.safe_load(SELLER_FILE.read_text(encoding="utf-8")))


def same_seller(a: str, b: str) -> bool:
    """Company names compared without case, punctuation or a legal suffix ("Inc.", "GmbH")."""

    def key(name: str) -> str:
        words = re.sub(r"[\W_]+", " ", name.casefold())
        return " ".join(_SUFFIX.sub(" ", words).split())

    return key(a) == key(b)


def foreign_seller(workspace_seller: str | None) -> str | None:
    """The workspace's seller when it is not the shipped knowledge's; None otherwise."""
    if not workspace_seller or not workspace_seller.strip():
        return None
    return None if same_seller(workspace_seller, shipped_seller().seller) else workspace_seller


@cache
def _shipped_facts(folders: tuple[Path, ...]) -> frozenset[str]:
    root = KNOWLEDGE_ROOT.resolve()
    return frozenset(
        d.id
        for d in corpus(folders).docs.values()
        if d.meta.get("type") in SELLER_FACTS and d.path.resolve().is_relative_to(root)
    )


def origins(docs: Iterable[Document]) -> dict[str, object]:
    """What an ingest records of its documents for `hidden_documents`: each one's type and
    whether its file is shipped (a user folder's document of the same id is the user's)."""
    root = KNOWLEDGE_ROOT.resolve()
    return {
        "format": ORIGINS_FORMAT,
        "documents": {
            d.id: {"type": str(d.meta.get("type")), "shipped": _under(d.path, root)} for d in docs
        },
    }


def _under(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root)


class _Origin(BaseModel):
    model_config = ConfigDict(frozen=True)

    type: str
    shipped: bool


class _Origins(BaseModel):
    model_config = ConfigDict(frozen=True)

    format: int
    documents: dict[str, _Origin]


@lru_cache(maxsize=8)  # a version's folder never changes once it is current
def _version_facts(folder: Path) -> frozenset[str] | None:
    record = read_record(folder, ORIGINS, ORIGINS_FORMAT)
    if record is None:  # an index from before the record, or a damaged one: parse the corpus
        return None
    try:
        data = _Origins.model_validate(record)
    except ValueError:  # pydantic's ValidationError is a ValueError
        return None
    return frozenset(i for i, o in data.documents.items() if o.shipped and o.type in SELLER_FACTS)


def _indexed_facts(index: Path) -> frozenset[str] | None:
    """The shipped seller's facts among the current index version's documents, when its ingest
    recorded them."""
    folder = current_folder(index)
    return None if folder is None else _version_facts(folder)


def hidden_documents(
    workspace_seller: str | None, folders: tuple[Path, ...], index: Path | None = None
) -> frozenset[str]:
    """Ids of the shipped documents a workspace of another seller may not cite (a user folder's
    document of the same id replaces the shipped one and is the user's own: it stays). Read
    from `index` (the knowledge index's folder) when its ingest recorded its documents' origins,
    else from the parsed folders."""
    if foreign_seller(workspace_seller) is None:
        return frozenset()
    if index is not None and (facts := _indexed_facts(index)) is not None:
        return facts
    return _shipped_facts(folders)
