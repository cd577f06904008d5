"""Authored knowledge files: YAML front matter plus markdown split into anchored sections.

A passage is cited as `kb:<document id>#<section anchor>`; anchors are stable slugs of the
section headings, so citations survive edits elsewhere in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.errors import InvalidInput, clip, describe_validation_error
from agent.intake import LIMITS, YamlLoader, read_text

KB_PREFIX = "kb:"
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


class _FrontMatterHandler(YAMLHandler):
    """Front matter read by the one safe loader (agent/intake.py): an impossible date is a
    YAML error with its line, like every other problem in the block."""

    def load(self, fm: str, **kwargs: object) -> Any:
        return yaml.load(fm, Loader=YamlLoader)  # noqa: S506 - a safe loader


FRONT_MATTER = _FrontMatterHandler()


def parse_front_matter(raw: str) -> Any:
    """The file's front matter and body (python-frontmatter's Post)."""
    return frontmatter.loads(raw, handler=FRONT_MATTER)


def slugify(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")


class FrontMatter(BaseModel):
    """Fields every knowledge file carries; types of document add their own. Each type's
    validator is built when a file of that type is first read (`defer_build`): a next best
    action reads only plays, and building the other seven at import cost it about 10 ms."""

    model_config = ConfigDict(extra="allow", defer_build=True)

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
        return self._by_anchor.get(anchor)

    @cached_property
    def _by_anchor(self) -> dict[str, Section]:
        """The sections by anchor, built once per loaded document (anchors are unique:
        `split_sections` refuses a repeat), so resolving a citation is one lookup."""
        return {s.anchor: s for s in self.sections}

    def ref(self, anchor: str) -> str:
        return f"{KB_PREFIX}{self.id}#{anchor}"


def split_sections(
    body: str, where: str = "the document", first_line: int = 1
) -> tuple[Section, ...]:
    """The '## ' sections of a body. Two headings with one anchor are refused, naming both
    lines: an anchor is a citation target (`kb:id#anchor`) and a chunk id in the index, so a
    repeat would make citations ambiguous and the index reject the whole ingest."""
    matches = list(_HEADING.finditer(body))
    sections = []
    lines: dict[str, int] = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        heading = match.group(1)
        anchor = slugify(heading)
        line = first_line + body.count("\n", 0, match.start())
        if anchor in lines:
            raise InvalidInput(
                f"heading '{clip(heading, 80)}' repeats the section of line {lines[anchor]}",
                where=f"{where}:{line}",
                fix="Give each '## ' heading its own wording, or merge the two sections",
            )
        lines[anchor] = line
        sections.append(Section(anchor, heading, body[match.end() : end].strip()))
    return tuple(sections)


def load_document(path: Path, schema: type[FrontMatter] = FrontMatter) -> Document:
    """Reads one file; every problem names the file and the field."""
    raw = read_text(path, LIMITS.knowledge_file, "knowledge file")
    if not raw.strip():
        raise InvalidInput("the file is empty", where=str(path), fix="Add content or remove it")
    try:
        post = parse_front_matter(raw)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date like 2026-02-30
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""  # the block keeps its first newline
        raise InvalidInput(
            f"front matter is not valid YAML ({clip(str(getattr(exc, 'problem', exc)))})",
            where=f"{path}{line}",
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
    body_at = raw.find(post.content) if post.content else -1
    sections = split_sections(post.content, str(path), raw.count("\n", 0, max(body_at, 0)) + 1)
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
