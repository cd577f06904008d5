"""Grounding checks: every citation resolves, and every name, number and date in the output
comes from the input, the computed analysis, or the knowledge the agent drew on.

Grounds are the input, the computed analysis, the knowledge the output cites, and a short,
explicit list of the agent's own words (vocabulary.py): never the agent's source code, so a
number or a name that nothing supplied is flagged, whoever wrote it: a model, or a template.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import chain
from operator import attrgetter
from typing import Any, NamedTuple

from pydantic import BaseModel

from agent.contracts.context import INPUT_ROOTS, DealContext
from agent.contracts.rep import RepContext
from agent.contracts.response import CheckFinding, CheckReport, Citation
from agent.grounding.citations import build_citations, refs_of
from agent.grounding.vocabulary import AGENT_WORDS
from agent.memo import PerObject, content_of
from knowledge.documents import KB_PREFIX, Document
from knowledge.trust import trust_texts

# Patterns that start with a character class are scanned for that character first: "a digit
# not after a word character" is written as a digit, then a look back past it, which matches
# exactly what `\b\d` or `(?<![\w.])\d` would, two to three times faster.
_DATE = re.compile(r"\d(?<!\w\d)\d{3}-\d{2}-\d{2}\b")
_ROOTS = "|".join(INPUT_ROOTS)
_REF = re.compile(rf"kb:[\w#.-]+|\b(?:{_ROOTS})(?:\.\w+|\[\d+\])+")
_IDENT = re.compile(r"\b[A-Za-z]+[\w]*-[\w-]*\d[\w-]*\b|\b[A-Za-z]+\d\w*\b")
_DIGIT = re.compile(r"\d")
_RUN = re.compile(r"[\w-]*")  # word characters and hyphens: where an id can be
_NUMBER = re.compile(r"\d(?<![\w.]\d)[\d,]*(?:\.\d+)?")
_PERCENT = re.compile(r"(\d(?<![\w.]\d)[\d,]*(?:\.\d+)?)\s?(?:%|percent\b|per cent\b|points?\b)")
_PERCENT_AFTER = re.compile(r"\s?(?:%|percent\b|per cent\b|points?\b)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’&-]*")
_SPLIT = re.compile(r"['’&-]")
_MARKERS = re.compile(r"\[\d+\]|^\s*\d+\.\s", re.MULTILINE)
_CAPITAL = re.compile(r"[A-Z](?<![\w'’-][A-Z])[a-zA-Z'’&-]+")
# What may come right before a capitalised word that starts a sentence, a list item or a line.
_SENTENCE_START = re.compile(r"(^|\n|[.!?:;>•*#|(\"“]|\d[.)]|-)[ \t]*$")


@lru_cache(maxsize=8192)
def _opens(before: str) -> bool:
    """Whether the few characters before a capitalised word start a sentence, an item or a
    line: the same short contexts recur all through an answer, so each is matched once."""
    return _SENTENCE_START.search(before) is not None


def leaves(value: Any, percents: list[float] | None = None) -> tuple[list[str], list[float]]:
    """All strings and numbers in a value, models dumped once to plain data (fast, in Rust).
    With `percents`, numbers held in a field that says it is a percentage ('roi_percent: 289')
    are also collected there. Dumped data holds only a few exact types, tested first (this
    walk is a good part of checking a new answer); any other value takes the general test."""
    texts: list[str] = []
    numbers: list[float] = []
    stack = [value]
    pop, push, extend = stack.pop, stack.append, stack.extend
    text, number = texts.append, numbers.append
    while stack:
        item = pop()
        kind = type(item)
        if kind is str:
            text(item)
        elif kind is dict:
            extend(item.keys())
            extend(item.values())
            if percents is not None and _may_name_percents(item):
                percents.extend(_percent_fields(item))
        elif kind is list:
            extend(item)
        elif kind is float or kind is int:
            number(float(item))
        elif kind is bool or item is None:
            continue
        elif isinstance(item, BaseModel):
            push(item.model_dump(mode="json"))
        elif isinstance(item, str):
            text(item)
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int | float):
            number(float(item))
        elif isinstance(item, dict):
            extend(item.keys())
            extend(item.values())
            if percents is not None:
                percents.extend(_percent_fields(item))
        elif isinstance(item, list | tuple | set | frozenset):
            extend(item)
        elif isinstance(item, dt.date):
            text(item.isoformat())
    return texts, numbers


def _may_name_percents(item: dict[Any, Any]) -> bool:
    """Whether a key of the dict may say its value is a percentage: one test of the keys
    together, so most dicts skip `_percent_fields`."""
    try:
        keys = "\0".join(item) + "\0"
    except TypeError:  # a key that is not a string
        return True
    return "percent" in keys or "_pct\0" in keys


def _percent_fields(item: dict[Any, Any]) -> list[float]:
    return [
        float(v)
        for k, v in item.items()
        if isinstance(k, str)
        and ("percent" in k or k.endswith("_pct"))
        and isinstance(v, int | float)
        and not isinstance(v, bool)
    ]


def numbers_in_text(text: str) -> list[float]:
    return [float(m.group().replace(",", "")) for m in _NUMBER.finditer(_DATE.sub(" ", text))]


def _number_forms(values: Iterable[float]) -> set[float]:
    """Any number may be written rounded or without its sign."""
    forms: set[float] = set()
    for v in values:
        forms.update(_forms_of(v))
    return forms


@lru_cache(maxsize=65536)
def _forms_of(v: float) -> tuple[float, ...]:
    """The forms of one number: the same few values recur on every request about a deal."""
    return (
        v,
        round(v),
        round(v, 1),
        round(v, 2),
        abs(v),
        round(abs(v)),
        round(abs(v), 1),
        round(abs(v), 2),
    )


def _percent_forms(ratios: Iterable[float]) -> set[float]:
    """A ratio (0.37, an ROI of 2.89) written as a percentage (37%, 289%)."""
    return _number_forms(v * 100 for v in ratios if -100 <= v <= 100)


def percents_in_text(text: str) -> list[float]:
    """Numbers a text writes as percentages or percentage points ('37%', '5 points')."""
    return [float(m.group(1).replace(",", "")) for m in _PERCENT.finditer(text)]


def _words(text: str) -> set[str]:
    words = {w.lower() for w in _WORD.findall(text)}
    return words | {p for w in words if _SPLIT.search(w) for p in _SPLIT.split(w) if p}


@dataclass(frozen=True)
class Grounds:
    """Words, numbers, percentages and dates a text may use. A percentage must match a
    fraction or a percentage the sources hold, not any number that happens to be there: a
    deal with a 37-day stage does not ground "37% faster"."""

    vocabulary: frozenset[str]
    numbers: frozenset[float]
    dates: frozenset[str]
    percents: frozenset[float] = frozenset()

    def __or__(self, other: Grounds) -> Grounds:
        return Grounds(
            self.vocabulary | other.vocabulary,
            self.numbers | other.numbers,
            self.dates | other.dates,
            self.percents | other.percents,
        )


def grounds_of(values: list[Any]) -> Grounds:
    """The grounds a list of values supplies: walked once, and the text scanned only when this
    exact content was not seen lately (a warm request about the same deal computes the same
    analysis, so its words are not read again)."""
    named: list[float] = []
    texts, numbers = leaves(values, named)
    return _grounds_of_content("\n".join(texts), tuple(numbers), tuple(named))


@lru_cache(maxsize=256)
def _grounds_of_content(
    joined: str, numbers: tuple[float, ...], named: tuple[float, ...]
) -> Grounds:
    """Read line by line, each line kept per content (the texts of a new deal's analysis are
    mostly lines other deals had): no pattern crosses a line break, except a percent sign or
    word opening a line after a number, which is read across it as before."""
    lines = [_line_grounds(line) for line in joined.split("\n")]
    if any(line[4] for line in lines[1:]):
        lines = [_line_grounds(joined)]
    written = [n for line in lines for n in line[1]]
    return Grounds(
        vocabulary=frozenset().union(*(line[0] for line in lines)),
        numbers=frozenset(_number_forms([*numbers, *written])),
        dates=frozenset(d for line in lines for d in line[2]),
        percents=frozenset(
            _percent_forms([*numbers, *written])
            | _number_forms([*(p for line in lines for p in line[3]), *named])
        ),
    )


_LineGrounds = tuple[frozenset[str], tuple[float, ...], tuple[str, ...], tuple[float, ...], bool]


@lru_cache(maxsize=16384)
def _line_grounds(text: str) -> _LineGrounds:
    """A line's words, numbers, dates and percentages, and whether it opens with a percent
    sign or word (which a number ending the line before would take)."""
    return (
        frozenset(_words(text)),
        tuple(numbers_in_text(text)),
        tuple(_DATE.findall(text)),
        tuple(percents_in_text(text)),
        _JOINS.match(text) is not None,
    )


def ungrounded_numbers(text: str, grounds: Grounds | Layers) -> tuple[int, list[str]]:
    """(numbers checked, those the grounds do not hold) in a text; dates, citation refs, ids
    and list markers are not numbers. One written as a percentage must be a ratio or a
    percentage of the sources."""
    numbers = _scan(text).numbers
    unsupported = [
        written
        for written, value, percent in numbers
        if value not in (grounds.percents if percent else grounds.numbers)
    ]
    return len(numbers), unsupported


@dataclass(frozen=True)
class _Scan:
    """What the check looks up from one text, in order: the capitalised words that do not open
    a sentence, the dates, and the numbers (as written, their value, whether written as a
    percentage). They depend on the text alone, not on the grounds."""

    capitals: tuple[str, ...]
    dates: tuple[str, ...]
    numbers: tuple[tuple[str, float, bool], ...]


@lru_cache(maxsize=512)
def _scan(text: str) -> _Scan:
    """The text's scan, kept per content: an answer's result and markdown are scanned once, and
    the same answer checked again (a warm request about an unchanged deal, a re-check after a
    repair) looks its words and numbers up without reading the text again.

    A new answer is mostly lines other answers had too (a play's steps, a template's headings,
    a knowledge passage), so it is scanned line by line and each line's scan is kept per
    content: what a line yields does not depend on the lines around it (no pattern crosses a
    line break, and what comes before a word or a number at the start of a line reads the
    same as the start of a text), except in the two cases `_Line` names; a text with one of
    those is scanned whole, as before."""
    if "\n" not in text:
        return _scan_whole(text)
    lines = list(map(_line, text.split("\n")))
    if lines[0].dangling or any(map(_BOUND, lines[1:])):
        return _scan_whole(text)
    return _Scan(
        tuple(chain.from_iterable(map(_CAPITALS, lines))),
        tuple(chain.from_iterable(map(_DATES, lines))),
        tuple(chain.from_iterable(map(_NUMBERS, lines))),
    )


class _Line(NamedTuple):
    """One line's scan, and whether the line break around it could change what the whole text
    yields: `dangling`, a list marker ending the line ('3.'), which in a whole text takes the
    line break as the space after it (so is not a number there); `joins`, a line that starts
    with a percent sign or word, which in a whole text makes a number ending the line before
    it a percentage. `bound`: either (what a line after the first must not be)."""

    capitals: tuple[str, ...]
    dates: tuple[str, ...]
    numbers: tuple[tuple[str, float, bool], ...]
    dangling: bool
    bound: bool


_CAPITALS, _DATES, _NUMBERS, _BOUND = (
    attrgetter(f) for f in ("capitals", "dates", "numbers", "bound")
)
_DANGLING = re.compile(r"\s*\d+\.")
_JOINS = re.compile(r"%|percent\b|per cent\b|points?\b")


@lru_cache(maxsize=16384)
def _line(line: str) -> _Line:
    unmarked = _without_ids(_REF.sub(" ", _DATE.sub(" ", line)))
    scan, cleaned = _scanned(line, unmarked)
    dangling = _DANGLING.fullmatch(unmarked) is not None
    joins = _JOINS.match(cleaned) is not None
    return _Line(scan.capitals, scan.dates, scan.numbers, dangling, dangling or joins)


def _scan_whole(text: str) -> _Scan:
    """The capitalised words that do not open a sentence, the dates and the numbers of a text,
    read in one piece."""
    return _scanned(text, _without_ids(_REF.sub(" ", _DATE.sub(" ", text))))[0]


def _scanned(text: str, unmarked: str) -> tuple[_Scan, str]:
    """The scan of `text`, given it without dates, refs and ids; and that without list markers."""
    capitals = tuple(
        m.group()
        for m in _CAPITAL.finditer(text)
        if (at := m.start()) != 0 and not _opens(text[max(0, at - 4) : at])
    )
    cleaned = _MARKERS.sub(" ", unmarked)
    numbers = []
    for match in _NUMBER.finditer(cleaned):
        percent = _PERCENT_AFTER.match(cleaned, match.end()) is not None
        written = match.group()
        value = float(written.replace(",", ""))
        numbers.append((written + ("%" if percent else ""), value, percent))
    return _Scan(capitals, tuple(_DATE.findall(text)), tuple(numbers)), cleaned


def _without_ids(text: str) -> str:
    """`_IDENT.sub(" ", text)`, applied only to the runs of word characters and hyphens that
    hold a digit. An id lies inside one such run, and what borders a run is no word character
    (as the start and end of a text are not), so the result is the same; but the id pattern,
    tried at every word of a long answer, took most of the grounding check's time."""
    parts: list[str] = []
    last = 0
    backwards = ""
    while (digit := _DIGIT.search(text, last)) is not None:
        at = digit.start()
        backwards = backwards or text[::-1]
        start = at - (_run_end(backwards, len(text) - at) - (len(text) - at))
        end = _run_end(text, at)
        run = text[start:end]
        parts += [text[last:start], run if run.isdigit() else _IDENT.sub(" ", run)]
        last = end
    return "".join(parts) + text[last:] if parts else text


def _run_end(text: str, at: int) -> int:
    run = _RUN.match(text, at)  # always matches, if only the empty string
    return run.end() if run is not None else at


class _AnyOf(Container[Any]):
    """Membership in any of several sets, without copying them into one."""

    __slots__ = ("sets",)

    def __init__(self, sets: tuple[frozenset[Any], ...]) -> None:
        self.sets = sets

    def __contains__(self, item: object) -> bool:
        return any(item in s for s in self.sets)


class Layers:
    """Several grounds read as their union: the input's (kept per context object), this
    request's computed values, the cited knowledge (kept per set of documents) and the agent's
    own words. A word or a number is looked up in each; nothing is copied per request."""

    __slots__ = ("layers", "vocabulary", "numbers", "dates", "percents")

    def __init__(self, *layers: Grounds) -> None:
        self.layers = layers
        self.vocabulary = _AnyOf(tuple(g.vocabulary for g in layers))
        self.numbers = _AnyOf(tuple(g.numbers for g in layers))
        self.dates = _AnyOf(tuple(g.dates for g in layers))
        self.percents = _AnyOf(tuple(g.percents for g in layers))


_DOC_GROUNDS: dict[int, tuple[Document, Grounds]] = {}
_TEXT_GROUNDS: dict[str, Grounds] = {}


def document_grounds(doc: Document) -> Grounds:
    """A knowledge document's words, numbers and dates, with what its front matter says about
    where they come from (owner, last verified, sources); computed once per loaded document."""
    cached = _DOC_GROUNDS.get(id(doc))
    if cached and cached[0] is doc:
        return cached[1]
    texts = [doc.title, *(s.heading + " " + s.text for s in doc.sections)]
    grounds = grounds_of([*texts, *trust_texts(doc.meta)])
    _DOC_GROUNDS[id(doc)] = (doc, grounds)
    return grounds


_CITED: OrderedDict[tuple[int, ...], tuple[tuple[Document, ...], Grounds]] = OrderedDict()
_CITED_LOCK = threading.Lock()
_EMPTY = Grounds(frozenset(), frozenset(), frozenset())


def cited_grounds(docs: Iterable[Document]) -> Grounds:
    """The union of some documents' grounds, kept per set of loaded documents: an index
    version loads each document once, so the same citations reuse the same union."""
    held = tuple(sorted(docs, key=lambda d: d.id))
    key = tuple(id(d) for d in held)
    with _CITED_LOCK:
        cached = _CITED.get(key)
        if cached is not None and all(a is b for a, b in zip(cached[0], held, strict=True)):
            _CITED.move_to_end(key)
            return cached[1]
    grounds = _EMPTY
    for doc in held:
        grounds = grounds | document_grounds(doc)
    with _CITED_LOCK:  # the documents are held with it, so their ids are not reused meanwhile
        _CITED[key] = (held, grounds)
        while len(_CITED) > 256:
            _CITED.popitem(last=False)
    return grounds


def text_grounds(text: str) -> Grounds:
    if text not in _TEXT_GROUNDS:
        _TEXT_GROUNDS[text] = grounds_of([text])
    return _TEXT_GROUNDS[text]


# The agent's own wording (vocabulary.py): a short explicit list, never its source code.
_AGENT = Grounds(frozenset(_words(" ".join(AGENT_WORDS))), frozenset(), frozenset())


# Kept per context and reading object, and on disk beside them in a batch run (the deal
# cache, tools/deal_cache.py): a deal unchanged since the last run is not walked again.
_INPUT_GROUNDS: PerObject[Grounds] = PerObject(kept="input_grounds", kind=Grounds)
_READING_GROUNDS: PerObject[Grounds] = PerObject(kept="reading_grounds", kind=Grounds)


def _input_grounds(ctx: DealContext | RepContext) -> tuple[Grounds, ...]:
    """The input's grounds: a deal's kept per context object; a rep's material is made anew
    on every request, but each of its deals is the workspace's object for that deal version,
    so each deal's grounds are kept with it and only the rest (the rep, analytics, history,
    calls) is walked."""
    if not isinstance(ctx, RepContext):
        return (_INPUT_GROUNDS.get(ctx, None, lambda: grounds_of([ctx])),)
    deals = tuple(_INPUT_GROUNDS.get(d, None, partial(grounds_of, [d])) for d in ctx.deals)
    return (*deals, grounds_of(["deals", ctx.model_dump(mode="json", exclude={"deals"})]))


class GroundingChecker:
    """Built per request from everything the output may legitimately draw on."""

    def __init__(
        self,
        ctx: DealContext | RepContext,
        computed: Iterable[Any],
        knowledge: Mapping[str, Document],
        kept: tuple[Grounds, ...] = (),
        draft: tuple[BaseModel, list[str]] | None = None,
    ) -> None:
        """`kept`: grounds already built (kept per object by the caller); `draft`: a result
        whose leaf texts were already collected, so checking it does not walk it again."""
        self.ctx = ctx
        self.knowledge = knowledge
        self._draft = draft
        # The input's grounds are kept per context object (agent/memo.py); what was computed
        # for this request is read beside them, not merged into a copy.
        self._own = (*_input_grounds(ctx), grounds_of(list(computed)), *kept, _AGENT)
        self._use(Layers(*self._own))

    def _use(self, grounds: Layers) -> None:
        self.grounds = grounds
        self._known: dict[str, bool] = {}  # capitalised word -> grounded, for these grounds
        self.vocabulary = grounds.vocabulary
        self.numbers = grounds.numbers
        self.dates = grounds.dates
        self.percents = grounds.percents

    def _draw_on(self, refs: list[str]) -> None:
        """Only knowledge the output cites may supply its names and numbers."""
        ids = {r.removeprefix(KB_PREFIX).split("#")[0] for r in refs if r.startswith(KB_PREFIX)}
        docs = [d for d in (self.knowledge.get(i) for i in ids) if d is not None]
        self._use(Layers(*self._own, cited_grounds(docs)) if docs else Layers(*self._own))

    def _entities(self, text: str, where: str) -> tuple[int, list[CheckFinding]]:
        findings = []
        known = self._known
        capitals = _scan(text).capitals
        for word in capitals:
            ok = known.get(word)
            if ok is None:
                parts = [p for p in _SPLIT.split(word) if p] if _SPLIT.search(word) else [word]
                ok = known[word] = all(p.lower() in self.vocabulary for p in parts)
            if not ok:
                findings.append(
                    CheckFinding(
                        kind="entity",
                        where=where,
                        detail=f"'{word}' does not appear in the input or knowledge",
                    )
                )
        return len(capitals), findings

    def _numbers(self, text: str, where: str) -> tuple[int, list[CheckFinding]]:
        dates = _scan(text).dates
        findings = [
            CheckFinding(kind="number", where=where, detail=f"date {date} is not in the input")
            for date in dates
            if date not in self.dates
        ]
        count, unsupported = ungrounded_numbers(text, self.grounds)
        findings += [
            CheckFinding(
                kind="number",
                where=where,
                detail=f"number {n} is not in the input, analysis or knowledge",
            )
            for n in unsupported
        ]
        return len(dates) + count, findings

    def check(self, result: BaseModel, markdown: str) -> tuple[CheckReport, list[Citation]]:
        refs = refs_of(result)
        self._draw_on(refs)
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
        drafted = self._draft
        texts = drafted[1] if drafted is not None and drafted[0] is result else leaves(result)[0]
        for where, text in (("result", "\n".join(texts)), ("markdown", markdown)):
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
    ctx: DealContext | RepContext,
    analysis: Any,
    missing: list[Any],
    draft: BaseModel,
    knowledge: Mapping[str, Document],
    extra: list[Any] | None = None,
) -> GroundingChecker:
    """The checker every composer uses: grounds are the input, the computed analysis, the
    missing-input notes and the draft's numeric fields and list lengths (code computed them,
    not a model). The analysis carries the deal's reading, which is kept per deal version: its
    grounds are kept with it, and only the rest of the analysis is walked per request."""
    texts, numbers, counts, dates, _ = _draft_values(draft)
    kept: tuple[Grounds, ...] = ()
    reading = getattr(analysis, "reading", None)
    if isinstance(analysis, BaseModel) and isinstance(reading, BaseModel):
        rest = analysis
        kept = (
            _READING_GROUNDS.get(reading, None, lambda: grounds_of([{"reading": reading}])),
            _KEPT_GROUNDS.get(
                rest,
                "without reading",
                lambda: grounds_of([rest.model_dump(mode="json", exclude={"reading"})]),
            ),
        )
        analysis = None
    # models a capability drew on (the analyses of a rep's deals): each kept per object
    models = [e for e in extra or [] if isinstance(e, BaseModel)]
    kept += tuple(_KEPT_GROUNDS.get(m, None, partial(grounds_of, [m])) for m in models)
    rest_extra = [e for e in extra or [] if not isinstance(e, BaseModel)]
    return GroundingChecker(
        ctx,
        [analysis, missing, list(numbers), list(counts), list(dates), *rest_extra],
        knowledge,
        kept,
        (draft, list(texts)),
    )


# An analysis is kept per deal version and date (agent/analysis/kept.py): its grounds with it.
_KEPT_GROUNDS: PerObject[Grounds] = PerObject()


# leaf texts, numbers, list lengths, typed dates, and how many entries the largest mapping holds
_DraftValues = tuple[tuple[str, ...], tuple[float, ...], tuple[float, ...], tuple[str, ...], int]
_DRAFTS: OrderedDict[tuple[type[BaseModel], str], _DraftValues] = OrderedDict()
_DRAFTS_LOCK = threading.Lock()


def _draft_values(draft: BaseModel) -> _DraftValues:
    """A draft's leaf texts and numbers, its list lengths and its typed dates, kept per content
    (its type and JSON): a builder makes a new result object on every request, but a warm
    request about an unchanged deal makes an equal one, so it is walked once."""
    key = (type(draft), content_of(draft))
    with _DRAFTS_LOCK:
        kept = _DRAFTS.get(key)
        if kept is not None:
            _DRAFTS.move_to_end(key)
            return kept
    lengths, dates, widest = _shape(draft.model_dump(mode="python"))
    texts, numbers = leaves(draft)
    values = (
        tuple(texts),
        tuple(numbers),
        tuple(float(n) for n in lengths),
        tuple(v.isoformat() for v in dates),
        widest,
    )
    with _DRAFTS_LOCK:
        _DRAFTS[key] = values
        while len(_DRAFTS) > 128:
            _DRAFTS.popitem(last=False)
    return values


def longest_list(model: BaseModel) -> int:
    """How many items the longest list anywhere in a model holds (0 for none)."""
    return int(max(_draft_values(model)[2], default=0))


def texts_and_width(model: BaseModel) -> tuple[tuple[str, ...], int]:
    """Every string of a model's JSON form (its keys too), and how many items its longest list
    or entries its largest mapping (a nested model's fields included) holds: what the output
    sanitiser would clean and cut, from the walk the check made of the same result."""
    texts, _, lengths, _, widest = _draft_values(model)
    return texts, max(int(max(lengths, default=0)), widest)


def _shape(value: Any) -> tuple[list[int], list[dt.date], int]:
    """How many items each list of the draft holds (a count a template may write) and the
    dates the code put in typed fields (plans, deadlines: computed, so trusted), in one walk
    of its plain data, in the order of a depth-first walk; and the most entries a mapping of
    it holds."""
    lengths: list[int] = []
    dates: list[dt.date] = []
    widest = 0
    stack = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is str or kind is int or kind is float or kind is bool or item is None:
            continue
        if kind is dict or (kind is not list and isinstance(item, dict)):
            widest = max(widest, len(item))
            extend(reversed(item.values()))
        elif kind is list or isinstance(item, list | tuple):
            lengths.append(len(item))
            extend(reversed(item))
        elif isinstance(item, dt.date):
            dates.append(item)
    return lengths, dates, widest
