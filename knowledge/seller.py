"""Whose knowledge the shipped documents are, and which of them only that seller may cite.

The shipped knowledge is the sample seller's enablement: its proof points name its customers and
their figures, its battle cards its competitors. Told to a rep of another company they would be
invented proof, so a workspace that names another seller (`seller:` in workspace.yaml) does not
see them. Methods, objection scripts and plays stay: their technique holds for anyone, and a
warning says that their product names are the sample seller's. A workspace that names no seller
is read as the sample seller's, as before; a user's own knowledge folder is never hidden.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from knowledge.corpus import KNOWLEDGE_ROOT, corpus

SELLER_FILE = KNOWLEDGE_ROOT / "seller.yaml"
# Document types that state facts about one seller (its customers, its competitors).
SELLER_FACTS = ("proof_point", "battle_card")
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


@lru_cache(maxsize=64)  # a request asks about six times, for the same seller and folders
def hidden_documents(workspace_seller: str | None, folders: tuple[Path, ...]) -> frozenset[str]:
    """Ids of the shipped documents a workspace of another seller may not cite (a user folder's
    document of the same id replaces the shipped one and is the user's own: it stays)."""
    if foreign_seller(workspace_seller) is None:
        return frozenset()
    return _shipped_facts(folders)
