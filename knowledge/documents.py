"""Authored knowledge files: YAML front matter plus markdown split into anchored sections.

A passage is cited as `kb:<document id>#<section anchor>`; anchors are stable slugs of the
section headings, so citations survive edits elsewhere in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.errors import InvalidInput, describe_validation_error

KB_PREFIX = "kb:"
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


def slugify(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")


class FrontMatter(BaseModel):
    """Fields every knowledge file carries; types of document add their own."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    type: str
    title: str
    version: int | str = 1
    stages: list[str] = Field(default_factory=list)
    personas: list[str] = Field(default_factory=list)
    competitors: list[str] = Field(default_factory=list)
    methodology: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Section:
    anchor: str
    heading: str
    text: str


@dataclass(frozen=True)
class Document:
    meta: dict[str, Any]
    path: Path
    sections: tuple[Section, ...] = field(default_factory=tuple)

    @property
    def id(self) -> str:
        return str(self.meta["id"])

    @property
    def title(self) -> str:
        return str(self.meta["title"])

    def section(self, anchor: str) -> Section | None:
        return next((s for s in self.sections if s.anchor == anchor), None)

    def ref(self, anchor: str) -> str:
        return f"{KB_PREFIX}{self.id}#{anchor}"


def split_sections(body: str) -> tuple[Section, ...]:
    matches = list(_HEADING.finditer(body))
    sections = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        heading = match.group(1)
        sections.append(Section(slugify(heading), heading, body[match.end() : end].strip()))
    return tuple(sections)


def load_document(path: Path, schema: type[FrontMatter] = FrontMatter) -> Document:
    """Reads one file; every problem names the file and the field."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("not UTF-8 text", where=str(path), fix="Save it as UTF-8") from None
    if not raw.strip():
        raise InvalidInput("the file is empty", where=str(path), fix="Add content or remove it")
    try:
        post = frontmatter.loads(raw)
    except yaml.YAMLError as exc:
        raise InvalidInput(
            f"front matter is not valid YAML ({getattr(exc, 'problem', exc)})",
            where=str(path),
            fix="Fix the block between the --- lines",
        ) from None
    if not post.metadata:
        raise InvalidInput(
            "no front matter", where=str(path), fix="Start the file with a --- YAML block ---"
        )
    try:
        meta = schema.model_validate(post.metadata)
    except ValidationError as exc:
        raise InvalidInput(
            describe_validation_error(exc.errors()),
            where=f"{path} front matter",
            fix="Correct the field",
        ) from None
    sections = split_sections(post.content)
    if not sections:
        raise InvalidInput("no '## ' sections in the body", where=str(path))
    return Document(meta.model_dump(), path, sections)


def load_folder(folder: Path, schema: type[FrontMatter] = FrontMatter) -> list[Document]:
    docs = [load_document(p, schema) for p in sorted(folder.glob("*.md"))]
    seen: dict[str, Path] = {}
    for doc in docs:
        if doc.id in seen:
            raise InvalidInput(
                f"duplicate id '{doc.id}' (also in {seen[doc.id]})",
                where=str(doc.path),
                fix="Give each knowledge file its own id",
            )
        seen[doc.id] = doc.path
    return docs
