"""The knowledge corpus: every authored file, validated by its type, shipped plus the user's.

Folders are read in order; a later folder's file with the same id overrides the earlier one,
so a team can replace a shipped battle card or add its own objections without forking. Each
override is listed (`Corpus.overrides`), warned at ingest and shown by `coach kb stats`, since a
silent one could replace what reps quote to customers.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, model_validator

from agent.contracts.upstream import FigureSource, ProcessStandards
from agent.errors import InvalidInput, clip
from agent.intake import LIMITS, read_text
from agent.resources import knowledge_dir
from knowledge.documents import Document, FrontMatter, load_document, parse_front_matter
from knowledge.plays import PLAY_SECTIONS, PlayFrontMatter
from knowledge.trust import absent, unsourced

log = logging.getLogger(__name__)
# The shipped knowledge, wherever the package is installed (agent/resources.py).
KNOWLEDGE_ROOT = knowledge_dir()


class ObjectionFrontMatter(FrontMatter):
    type: Literal["objection"]
    category: Literal[
        "price",
        "timing",
        "authority",
        "need",
        "competitor",
        "status_quo",
        "security",
        "contract",
        "implementation",
        "trust",
    ]
    phrasings: list[str] = Field(min_length=1)


class TrustedFrontMatter(FrontMatter):
    """What a rep quotes to a customer (battle cards, proof points) says who keeps it true,
    when it was last checked and where each of its figures comes from, so the coach can say
    when it is stale and never repeat a figure nobody can trace (load_typed checks that every
    figure in the text is listed under a source)."""

    owner: str = Field(
        min_length=2,
        description="The role or team that keeps it true ('Competitive intelligence team'), "
        "not a person: people move on, the role stays answerable.",
    )
    last_verified: dt.date = Field(description="When its content was last checked.")
    sources: list[FigureSource] = Field(default_factory=list)


class ProofPointFrontMatter(TrustedFrontMatter):
    type: Literal["proof_point"]
    industry: str
    segment: Literal["SMB", "mid-market", "enterprise"]
    products: list[str] = Field(default_factory=list)


class ProcessFrontMatter(FrontMatter):
    type: Literal["process"]
    standard: ProcessStandards


class MethodologyFrontMatter(FrontMatter):
    type: Literal["methodology"]

    @model_validator(mode="after")
    def _named(self) -> MethodologyFrontMatter:
        if not self.methodology:
            raise ValueError("methodology: name the methodology this guide teaches")
        return self


class BattleCardFrontMatter(TrustedFrontMatter):
    """`competitors` names the one competitor; `aliases` are other ways people say it in a call
    ("build it ourselves" for an in-house build). Both are how calls recognise the competitor
    (agent/reading/competitors.py): adding a card teaches the coach a new rival, no code."""

    type: Literal["battle_card"]
    aliases: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_competitor(self) -> BattleCardFrontMatter:
        if len(self.competitors) != 1 or not self.competitors[0].strip():
            raise ValueError("competitors: a battle card is about exactly one competitor")
        if any(not a.strip() for a in self.aliases):
            raise ValueError("aliases: an alias cannot be empty")
        return self


class SkillFrontMatter(FrontMatter):
    type: Literal["skill"]


@dataclass(frozen=True)
class DocType:
    schema: type[FrontMatter]
    sections: tuple[str, ...]


_OBJECTION = (
    "where-it-shows-up",
    "root-cause-questions",
    "acknowledge-reframe-respond",
    "feel-felt-found",
    "proof-points",
    "bridge-back-to-value",
    "if-they-are-still-not-satisfied",
    "when-and-how-to-escalate",
    "for-the-economic-buyer",
    "for-the-technical-evaluator",
    "for-the-end-user",
    "for-procurement",
)
DOC_TYPES: dict[str, DocType] = {
    "play": DocType(PlayFrontMatter, PLAY_SECTIONS),
    "methodology": DocType(
        MethodologyFrontMatter,
        (
            "elements",
            "when-it-fits",
            "questions-by-element",
            "stage-by-stage",
            "common-mistakes",
            "worked-example",
        ),
    ),
    "objection": DocType(ObjectionFrontMatter, _OBJECTION),
    "battle_card": DocType(
        BattleCardFrontMatter,
        (
            "overview",
            "strengths",
            "weaknesses",
            "landmines-to-lay",
            "traps-they-set",
            "talking-points",
            "counters-to-their-claims",
            "win-stories",
            "loss-stories",
        ),
    ),
    "proof_point": DocType(
        ProofPointFrontMatter,
        ("situation", "what-they-did", "results", "why-it-s-relevant", "quote"),
    ),
    "skill": DocType(
        SkillFrontMatter,
        (
            "what-good-looks-like",
            "signals-it-needs-work",
            "practice-exercises",
            "training-material",
            "coaching-questions",
        ),
    ),
    "process": DocType(ProcessFrontMatter, ()),  # one section per stage, checked below
}


def _declared_type(path: Path) -> str:
    try:
        raw = read_text(path, LIMITS.knowledge_file, "knowledge file")
        meta = parse_front_matter(raw).metadata
    except (InvalidInput, yaml.YAMLError, ValueError):
        return ""  # load_document reports it properly
    if not meta:
        return ""  # empty file or no front matter: load_document names the problem
    value = meta.get("type")
    if not isinstance(value, str) or value not in DOC_TYPES:
        raise InvalidInput(
            f"type: '{clip(str(value))}' is not a knowledge type",
            where=f"{path} front matter",
            fix="Use one of: " + ", ".join(DOC_TYPES),
        )
    return str(value)


def load_typed(path: Path) -> Document:
    kind = _declared_type(path)
    doc_type = DOC_TYPES.get(kind, DOC_TYPES["skill"])
    doc = load_document(path, doc_type.schema)
    required = doc_type.sections
    if kind == "process":
        standard = ProcessStandards.model_validate(doc.meta["standard"])
        names = [s.name for s in standard.stages]
        headings = [s.heading for s in doc.sections]
        if headings != names:
            raise InvalidInput(
                f"sections {headings} must be one '## <stage>' per stage, in order: {names}",
                where=str(path),
            )
    missing = [a for a in required if doc.section(a) is None]
    if missing:
        raise InvalidInput(
            f"missing section(s) {', '.join(missing)}",
            where=str(path),
            fix=f"A {kind} needs the sections: " + ", ".join(required),
        )
    if issubclass(doc_type.schema, TrustedFrontMatter):
        _check_sources(doc, path)
    return doc


def _check_sources(doc: Document, path: Path) -> None:
    """Every figure the title or a section states is covered by a source, and every sourced
    figure still occurs in the text (an edit that drops a figure must drop its source too)."""
    sources = [FigureSource.model_validate(s) for s in doc.meta.get("sources", [])]
    sourced = [f for s in sources for f in s.figures]
    parts = [("the title", doc.title), *((f"section '{s.heading}'", s.text) for s in doc.sections)]
    for where, text in parts:
        for figure in unsourced(text, sourced):
            raise InvalidInput(
                f"sources: figure '{figure.text}' in {where} has no source",
                where=f"{path} front matter",
                fix="List it under sources with where it comes from "
                "({source: ..., figures: [...]}), or take it out of the text",
            )
    whole = "\n".join(text for _, text in parts)
    for i, source in enumerate(sources):
        for j, phrase in enumerate(source.figures):
            if absent(whole, [phrase]):
                raise InvalidInput(
                    f"sources[{i}].figures[{j}]: '{phrase}' does not occur in the text",
                    where=f"{path} front matter",
                    fix="Write the figure as the text does, or remove a source left behind",
                )


@dataclass(frozen=True)
class Override:
    """A document of a later (user) folder that replaces an earlier (shipped) one by id."""

    id: str
    path: Path  # the file that wins
    replaces: Path  # the file it hides

    def describe(self, folders: tuple[Path, ...]) -> str:
        return f"{_shown(self.path, folders)} overrides shipped {_shown(self.replaces, folders)}"


def _shown(path: Path, folders: tuple[Path, ...]) -> str:
    """A file as its folder's name plus its place inside it: user/x.md, objections/y.md."""
    for i, folder in enumerate(folders):
        if path.is_relative_to(folder):
            inside = path.relative_to(folder).as_posix()
            return inside if i == 0 else f"{folder.name}/{inside}"
    return str(path)


@dataclass(frozen=True)
class Corpus:
    docs: dict[str, Document]
    folders: tuple[Path, ...]
    # Documents of a later folder that replace earlier ones by id: listed, never silent.
    overrides: tuple[Override, ...] = ()
    # Files of a later folder that did not validate: one message each, the file left out.
    skipped: tuple[str, ...] = ()

    def of_type(self, kind: str) -> list[Document]:
        return [d for d in self.docs.values() if d.meta["type"] == kind]


def load_corpus(
    folders: Iterable[Path] = (KNOWLEDGE_ROOT,),
    on_file: Callable[[int, int], None] | None = None,
) -> Corpus:
    """Every *.md under each folder (recursively); later folders override earlier ones by id,
    and each override is listed. The first folder (the shipped knowledge) must be valid as a
    whole: a problem there is one message and nothing is indexed. A later folder is the
    user's: a file there that does not validate (bad front matter, a repeated heading, an id
    used twice) is reported with its file and line and left out, so one broken file never
    takes the index or the other documents with it.
    `on_file(done, total)` hears each file parsed (for a progress bar)."""
    docs: dict[str, Document] = {}
    chosen = tuple(folders)
    per_folder: list[list[Path]] = []
    for folder in chosen:
        if not folder.is_dir():
            raise InvalidInput(
                "knowledge folder not found",
                where=str(folder),
                fix="Check COACH_KNOWLEDGE_DIRS or --knowledge",
            )
        per_folder.append(
            [p for p in sorted(folder.rglob("*.md")) if p.name.lower() != "readme.md"]
        )
    total, done = sum(len(paths) for paths in per_folder), 0
    overrides: list[Override] = []
    skipped: list[str] = []
    for position, paths in enumerate(per_folder):  # ids unique within a folder
        seen: dict[str, Path] = {}
        for path in paths:
            done += 1
            if on_file is not None:
                on_file(done, total)
            try:
                doc = _load_new(path, seen)
            except InvalidInput as exc:
                if position == 0:
                    raise
                skipped.append(str(exc))
                log.warning("knowledge file left out: %s", exc)
                continue
            seen[doc.id] = path
            if doc.id in docs:
                overrides.append(Override(doc.id, path, docs[doc.id].path))
            docs[doc.id] = doc
    return Corpus(docs, chosen, tuple(overrides), tuple(skipped))


def _load_new(path: Path, seen: dict[str, Path]) -> Document:
    doc = load_typed(path)
    if doc.id in seen:
        raise InvalidInput(
            f"duplicate id '{doc.id}' (also in {seen[doc.id]})",
            where=str(path),
            fix="Give each knowledge file its own id",
        )
    return doc


@lru_cache(maxsize=8)
def corpus(folders: tuple[Path, ...] = (KNOWLEDGE_ROOT,)) -> Corpus:
    """Cached per process: knowledge changes with ingests and releases, not per request."""
    return load_corpus(folders)
