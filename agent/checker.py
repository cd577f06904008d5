"""Grounding checks: every citation resolves, and every name, number and date in the output
comes from the input, the computed analysis, or the knowledge the agent drew on.

The template composer passes by construction; the checks exist for what a model writes, and
as a regression net for the templates themselves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from agent.citations import build_citations, collect_refs
from agent.contracts.context import SECTION_PURPOSE, DealContext
from agent.contracts.response import CheckFinding, CheckReport, Citation
from knowledge.documents import Document

_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_ROOTS = "|".join(["deal", *SECTION_PURPOSE])
_REF = re.compile(rf"kb:[\w#.-]+|\b(?:{_ROOTS})(?:\.\w+|\[\d+\])+")
_IDENT = re.compile(r"\b[A-Za-z]+[\w]*-[\w-]*\d[\w-]*\b|\b[A-Za-z]+\d\w*\b")
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’&-]*")
_SPLIT = re.compile(r"['’&-]")
_MARKERS = re.compile(r"\[\d+\]|^\s*\d+\.\s", re.MULTILINE)
_CAPITAL = re.compile(r"(?<![\w'’-])[A-Z][a-zA-Z'’&-]+")
_SENTENCE_START = re.compile(r"(^|[.!?:;>•*#|(\"“]|\d[.)]|-)\s*$")


def leaves(value: Any) -> tuple[list[str], list[float]]:
    """All strings and numbers in a value, models dumped once to plain data (fast, in Rust)."""
    texts: list[str] = []
    numbers: list[float] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, BaseModel):
            stack.append(item.model_dump(mode="json"))
        elif isinstance(item, str):
            texts.append(item)
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int | float):
            numbers.append(float(item))
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
        elif isinstance(item, dt.date):
            texts.append(item.isoformat())
    return texts, numbers


def numbers_in_text(text: str) -> list[float]:
    return [float(m.group().replace(",", "")) for m in _NUMBER.finditer(_DATE.sub(" ", text))]


def _number_forms(values: Iterable[float]) -> set[float]:
    """A fraction may be written as a percentage, and any number rounded."""
    forms: set[float] = set()
    for v in values:
        forms.update({v, round(v), round(v, 1), round(v, 2), abs(v), round(abs(v))})
        if -1 <= v <= 1:
            forms.update({round(v * 100), round(v * 100, 1), round(abs(v) * 100)})
    return forms


def _words(text: str) -> set[str]:
    words = {w.lower() for w in _WORD.findall(text)}
    return words | {p for w in words if _SPLIT.search(w) for p in _SPLIT.split(w) if p}


@dataclass(frozen=True)
class Grounds:
    vocabulary: frozenset[str]
    numbers: frozenset[float]
    dates: frozenset[str]

    def __or__(self, other: Grounds) -> Grounds:
        return Grounds(
            self.vocabulary | other.vocabulary,
            self.numbers | other.numbers,
            self.dates | other.dates,
        )


def grounds_of(values: list[Any]) -> Grounds:
    texts, numbers = leaves(values)
    joined = "\n".join(texts)
    return Grounds(
        vocabulary=frozenset(_words(joined)),
        numbers=frozenset(_number_forms([*numbers, *numbers_in_text(joined)])),
        dates=frozenset(_DATE.findall(joined)),
    )


_STATIC: dict[int, tuple[Mapping[str, Document], str, Grounds]] = {}


def static_grounds(knowledge: Mapping[str, Document], boilerplate: str) -> Grounds:
    """Knowledge and template text change with releases, not requests: computed once."""
    cached = _STATIC.get(id(knowledge))
    if cached and cached[0] is knowledge and cached[1] == boilerplate:
        return cached[2]
    texts = [s.heading + " " + s.text for d in knowledge.values() for s in d.sections]
    texts += [d.title for d in knowledge.values()] + [boilerplate]
    grounds = grounds_of(texts)
    _STATIC[id(knowledge)] = (knowledge, boilerplate, grounds)
    return grounds


class GroundingChecker:
    """Built per request from everything the output may legitimately draw on."""

    def __init__(
        self,
        ctx: DealContext,
        computed: Iterable[Any],
        knowledge: Mapping[str, Document],
        boilerplate: str,
    ) -> None:
        self.ctx = ctx
        self.knowledge = knowledge
        sources: list[Any] = [ctx, *computed]
        own = grounds_of(sources)
        grounds = own | static_grounds(knowledge, boilerplate)
        self.vocabulary = grounds.vocabulary
        self.numbers = grounds.numbers
        self.dates = grounds.dates

    def _entities(self, text: str, where: str) -> tuple[int, list[CheckFinding]]:
        findings, checked = [], 0
        for match in _CAPITAL.finditer(text):
            before = text[max(0, match.start() - 4) : match.start()]
            if _SENTENCE_START.search(before) or match.start() == 0:
                continue
            checked += 1
            word = match.group()
            parts = [p for p in _SPLIT.split(word) if p]
            if any(p.lower() not in self.vocabulary for p in parts):
                findings.append(
                    CheckFinding(
                        kind="entity",
                        where=where,
                        detail=f"'{word}' does not appear in the input or knowledge",
                    )
                )
        return checked, findings

    def _numbers(self, text: str, where: str) -> tuple[int, list[CheckFinding]]:
        findings, checked = [], 0
        for date in _DATE.findall(text):
            checked += 1
            if date not in self.dates:
                findings.append(
                    CheckFinding(
                        kind="number", where=where, detail=f"date {date} is not in the input"
                    )
                )
        cleaned = _MARKERS.sub(" ", _IDENT.sub(" ", _REF.sub(" ", _DATE.sub(" ", text))))
        for match in _NUMBER.finditer(cleaned):
            checked += 1
            value = float(match.group().replace(",", ""))
            if value not in self.numbers:
                findings.append(
                    CheckFinding(
                        kind="number",
                        where=where,
                        detail=f"number {match.group()} is not in the input, analysis or knowledge",
                    )
                )
        return checked, findings

    def check(self, result: BaseModel, markdown: str) -> tuple[CheckReport, list[Citation]]:
        refs = list(collect_refs(result))
        citations, broken = build_citations(refs, self.ctx, self.knowledge)
        findings = [
            CheckFinding(
                kind="citation",
                where="result",
                detail=f"'{ref}' does not resolve to the input or knowledge",
            )
            for ref in broken
        ]
        n_entities = n_numbers = 0
        for where, text in (("result", "\n".join(leaves(result)[0])), ("markdown", markdown)):
            count, found = self._entities(text, where)
            n_entities += count
            findings += found
            count, found = self._numbers(text, where)
            n_numbers += count
            findings += found
        report = CheckReport(
            passed=not findings,
            checked_citations=len(set(refs)),
            checked_entities=n_entities,
            checked_numbers=n_numbers,
            findings=findings[:50],
        )
        return report, citations


def checker_for_draft(
    ctx: DealContext,
    analysis: BaseModel,
    missing: list[Any],
    draft: BaseModel,
    knowledge: Mapping[str, Document],
    boilerplate: str,
) -> GroundingChecker:
    """The checker every composer uses: grounds are the input, the computed analysis, the
    missing-input notes and the draft's numeric fields (code computed them, not a model)."""
    return GroundingChecker(ctx, [analysis, missing, leaves(draft)[1]], knowledge, boilerplate)
