"""Grounding checks: every citation resolves, and every name, number and date in the output
comes from the input, the computed analysis, or the knowledge the agent drew on.

Grounds are the input, the computed analysis, the knowledge the output cites, and a short,
explicit list of the agent's own words (vocabulary.py): never the agent's source code, so a
number or a name that nothing supplied is flagged, whoever wrote it: a model, or a template.

This module puts the check together per request; what a text writes is read in text_scan.py,
what may ground it in grounds.py, the grounds kept between requests in kept_grounds.py, and
the values code put in a draft in draft_values.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from pydantic import BaseModel

from agent.contracts.context import DealContext
from agent.contracts.rep import RepContext
from agent.contracts.response import CheckFinding, CheckReport, Citation
from agent.grounding.citations import build_citations, refs_of
from agent.grounding.draft_values import draft_values
from agent.grounding.grounds import Grounds, Layers, grounds_of, leaves, ungrounded_numbers
from agent.grounding.kept_grounds import (
    AGENT_GROUNDS,
    KEPT_GROUNDS,
    READING_GROUNDS,
    cited_grounds,
    input_grounds,
)
from agent.grounding.text_scan import SPLIT, scan
from agent.memo import Held
from knowledge.documents import KB_PREFIX, Document

# A capitalised word's verdict per set of steady layers (see `GroundingChecker.__init__`):
# the layers are held with it (agent/memo.Held), so a new deal version or index version (new
# objects) is judged anew.
_VERDICTS: Held[dict[str, bool]] = Held(maxsize=64)


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
        inputs = input_grounds(ctx)
        self._own = (*inputs, grounds_of(list(computed)), *kept, AGENT_GROUNDS)
        # The layers kept between requests (a deal's input per context object, what was kept
        # per object, the agent's words): a word's verdict against them is kept with them. A
        # rep's last input layer is made anew per request, so it is not among them.
        self._steady = (*(inputs[:-1] if isinstance(ctx, RepContext) else inputs), *kept)
        self._use(Layers(*self._own), ())

    def _use(self, grounds: Layers, cited: tuple[Grounds, ...]) -> None:
        self.grounds = grounds
        self._known: dict[str, bool] = {}  # capitalised word -> grounded, for these grounds
        steady = (*self._steady, AGENT_GROUNDS, *cited)
        self._steady_vocabulary = Layers(*steady).vocabulary
        self._verdicts = _VERDICTS.get(steady, dict)  # the same, by the steady layers alone
        self.vocabulary = grounds.vocabulary
        self.numbers = grounds.numbers
        self.dates = grounds.dates
        self.percents = grounds.percents

    def _draw_on(self, refs: list[str]) -> None:
        """Only knowledge the output cites may supply its names and numbers."""
        ids = {r.removeprefix(KB_PREFIX).split("#")[0] for r in refs if r.startswith(KB_PREFIX)}
        docs = [d for d in (self.knowledge.get(i) for i in ids) if d is not None]
        cited = (cited_grounds(docs),) if docs else ()
        self._use(Layers(*self._own, *cited), cited)

    def _entities(self, text: str, where: str) -> tuple[int, list[CheckFinding]]:
        findings = []
        known, verdicts = self._known, self._verdicts
        capitals = scan(text).capitals
        for word in capitals:
            ok = known.get(word)
            if ok is None:
                ok = verdicts.get(word)
                if not ok:
                    parts = [p for p in SPLIT.split(word) if p] if SPLIT.search(word) else [word]
                    if ok is None:
                        if len(verdicts) >= 8192:
                            verdicts.clear()
                        steady = self._steady_vocabulary
                        ok = verdicts[word] = all(p.lower() in steady for p in parts)
                    # not grounded by the steady layers alone: this request's may ground it
                    ok = ok or all(p.lower() in self.vocabulary for p in parts)
                known[word] = ok
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
        dates = scan(text).dates
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
    texts, numbers, counts, dates, _ = draft_values(draft)
    kept: tuple[Grounds, ...] = ()
    reading = getattr(analysis, "reading", None)
    if isinstance(analysis, BaseModel) and isinstance(reading, BaseModel):
        rest = analysis
        kept = (
            READING_GROUNDS.get(reading, None, lambda: grounds_of([{"reading": reading}])),
            KEPT_GROUNDS.get(
                rest,
                "without reading",
                lambda: grounds_of([rest.model_dump(mode="json", exclude={"reading"})]),
            ),
        )
        analysis = None
    # models a capability drew on (the analyses of a rep's deals): each kept per object
    models = [e for e in extra or [] if isinstance(e, BaseModel)]
    kept += tuple(KEPT_GROUNDS.get(m, None, partial(grounds_of, [m])) for m in models)
    rest_extra = [e for e in extra or [] if not isinstance(e, BaseModel)]
    return GroundingChecker(
        ctx,
        [analysis, missing, list(numbers), list(counts), list(dates), *rest_extra],
        knowledge,
        kept,
        (draft, list(texts)),
    )
