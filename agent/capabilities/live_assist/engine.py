"""Real-time in-meeting assist: utterances in, cue cards out, inside a 50 ms budget.

Built once per meeting: every card body (objection answers by library entry, battle cards by
competitor, negotiation, closing, de-escalation and discovery questions, what the deal record
holds about each contact) is read from the knowledge, filled with the deal's facts and frozen
at construction. Per utterance the work is the detectors (regular expressions), dict lookups,
and for objections and technical questions one lexical search (about 1-2 ms, cached by the
index) to pick the closest library entry. Nothing waits for a model: a model may refine a card
afterwards, never before it is shown. Cards are de-duplicated and rate-limited so the rep is
not flooded (detectors.Throttle documents the numbers). The card bodies are built in
card_bodies.py, from the cues and knowledge reader of cue_library.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from agent.analysis.model import Analysis
from agent.capabilities.common.battle_card import has_card
from agent.capabilities.common.competition import NoCard, no_card
from agent.capabilities.common.playbook import deal_values
from agent.capabilities.live_assist.card_bodies import TECHNICAL_CATEGORIES, CardBodies
from agent.capabilities.live_assist.contract import CueCard, CueTrigger
from agent.capabilities.live_assist.cue_library import Cue, Library
from agent.capabilities.objection_guide.build import ROLE_SECTIONS
from agent.capabilities.objection_guide.ranking import has_value
from agent.contracts.context import DealContext
from agent.contracts.conversation import Utterance
from agent.model.injection import Suspect, scan
from agent.reading.competitors import Competitors, deal_competitors, knowledge_competitors
from agent.reading.contacts import contact_for
from agent.reading.detectors import Moment, Recent, Throttle, Trigger, detect
from agent.reading.objection_phrases import classify_objection
from agent.reading.talk_tables import compile_talk_patterns
from agent.reading.utterances import utterance_classifier
from knowledge.meaning import closest_documents
from knowledge.retriever import KnowledgeIndex, SearchFilters
from knowledge.sections import flag

OBJECTIONS = SearchFilters(type=["objection"])


@dataclass
class LiveAssist(CardBodies):
    """One per meeting: `feed` each utterance as it arrives and show the cards it returns."""

    ctx: DealContext
    analysis: Analysis
    index: KnowledgeIndex
    cards: list[CueCard] = field(default_factory=list)
    # Utterances that read like instructions to a model: shown to the rep as a warning, and
    # never the reason for a card (a card's words come from knowledge and the deal).
    suspected: list[Suspect] = field(default_factory=list)

    def __post_init__(self) -> None:
        deal, kb = self.ctx.deal, Library(self.index, deal_values(self.ctx, self.analysis))
        self.kb, self.contact_index = kb, {c.id: i for i, c in enumerate(deal.contacts)}
        # Who the meeting may name: the deal's, the competitive agent's and the knowledge's.
        known = knowledge_competitors(self.index.folders)
        self.known_competitors: Competitors = deal_competitors(self.ctx, known)
        classifier = utterance_classifier()
        self.recent = Recent(competitors=self.known_competitors, classifier=classifier)
        phase = flag("stages", self.analysis.phase or "")
        docs = sorted(kb.docs, key=lambda d: phase not in kb.docs[d].meta.get("flags", ()))
        self.category = {
            d: str(kb.meta[d].get("category"))
            for d in docs
            if kb.meta.get(d, {}).get("type") == "objection"
        }
        # An objection about one competitor (obj-build-on-helixor) fits only when it is in play.
        self.about = {
            d: c
            for d in self.category
            for c in self.known_competitors.names
            if c.lower().replace(" ", "-") in d
        }
        self.objections = {d: self._objection(d) for d in self.category}
        tech = [d for d, c in self.category.items() if c in TECHNICAL_CATEGORIES]
        self.technical = {d: self._technical(d) for d in tech}
        self.angles = {(d, r): self._angle(d, r) for d in self.category for r in ROLE_SECTIONS}
        self.competitors = {
            n: c for n in self.known_competitors.names if (c := self._competitor(n))
        }
        self.people = {c.id: self._person(i) for i, c in enumerate(deal.contacts)}
        self.stalls = self._stalls()
        self.frustration = {k: self._frustration(k) for k in ("", *set(self.category.values()))}
        self.fixed = {"pricing": self._pricing(), "decision": self._decision()}
        # ranked here, not read from disk, so BM25 is loaded before the call: its lines are
        # ranked in memory (`lasting=False`, in `_pick`)
        self.index.search(
            "warm up the lexical index", k=10, filters=OBJECTIONS, mode="lexical", lasting=False
        )
        classifier.prepare(["warm up the utterance classifier"])  # load the model before the call
        compile_talk_patterns()  # and the detectors' phrase patterns
        self.throttle = Throttle()
        self._stall_turn = 0

    def feed(self, utterance: Utterance) -> list[CueCard]:
        """Detect, de-duplicate, rate-limit and build at most one card for this utterance."""
        started = time.perf_counter()
        now: Moment = (utterance.index, utterance.start_s)
        if found := scan(utterance.text):
            ref = f"transcript.utterances[{utterance.index}].text"
            self.suspected.append(Suspect(ref, tuple(found)))
        triggers = detect(utterance, self.recent)
        self.recent.observe(utterance)
        for trigger in self.throttle.admit(triggers, now):
            if (cue := self._cue(trigger)) is not None:
                self.throttle.shown(trigger, now)
                self.cards.append(_card(cue, trigger, utterance, started))
                return [self.cards[-1]]
        return []

    def answer(self, text: str, category: str, speaker: str = "") -> tuple[str, list[str]] | None:
        """The library's answer to an objection heard in a call (for the debrief), or None;
        one written for the buying role of the `speaker` (a contact's id or name)."""
        deal = self.ctx.deal
        cid = speaker if speaker in self.contact_index else contact_for(deal, speaker, None)
        role = deal.contacts[self.contact_index[cid]].dmu_role if cid else ""
        doc = self._pick((category,), text, role, by_meaning=True)
        if doc is None:
            return None
        cue = self.objections[doc]
        return cue.say, list(cue.citations)

    def _cue(self, t: Trigger) -> Cue | None:
        """The prepared card for a trigger: dict lookups, plus one search for objections."""
        u = t.utterance
        cid = u.person_id if u.person_id in self.contact_index else None
        who = [f"deal.contacts[{self.contact_index[cid]}]"] if cid else []
        contact = self.ctx.deal.contacts[self.contact_index[cid]] if cid else None
        cue: Cue | None = None
        role = contact.dmu_role if contact else ""
        if t.kind == "objection" and (doc := self._pick((t.key,), u.text, role)):
            cue = self.objections[doc].add(*self.angles.get((doc, role), ("",)))
        elif t.kind == "technical" and (doc := self._pick(TECHNICAL_CATEGORIES, u.text)):
            cue = self.technical[doc]
        elif t.kind == "competitor":
            return self.competitors.get(t.key)
        elif t.kind == "new_participant":
            return self.people[cid] if cid else self._stranger(u.speaker)
        elif t.kind == "frustration":
            category = classify_objection(u.text, self.known_competitors.phrases)
            cue = self.frustration.get(category or "", self.frustration[""])
            if contact:
                cue = cue.add(f"{contact.name}'s sentiment on record: {contact.sentiment}")
        elif t.kind == "stall" and self.stalls:
            self._stall_turn += 1  # a new question each time the conversation stalls again
            return self.stalls[(self._stall_turn - 1) % len(self.stalls)]
        else:
            cue = self.fixed.get(t.kind)
        return cue.cite(*who) if cue else None

    def _pick(
        self, categories: tuple[str, ...], text: str, role: str = "", by_meaning: bool = False
    ) -> str | None:
        """The library objection closest to the words (one cached lexical search) within the
        categories the detector named, else the category's best fit for the deal's stage; one
        written for the speaker's buying `role` first, the closest such (an IT architect's "I
        cannot sign off" is "IT has to approve it", not "The CFO will never sign off").
        `by_meaning` (the debrief, which can spend an embedding where a live card cannot): when
        the words share none with the category's objections, the closest by meaning, so "he
        decides in the January budget round" is answered as "call us next quarter", not as the
        stage's first timing objection ("we're too busy with another project")."""

        def fits(doc: str) -> bool:
            about = self.about.get(doc)
            in_play = about is None or about in self.ctx.deal.competitors
            named = about is not None and about.lower() in text.lower()
            return self.category.get(doc) in categories and (in_play or named)

        searched = self.index.search(text, k=10, filters=OBJECTIONS, mode="lexical", lasting=False)
        close = list(dict.fromkeys(p.doc_id for p in searched if fits(p.doc_id)))
        if not close and by_meaning:
            close = [d for d in closest_documents(self.index, text, OBJECTIONS) if fits(d)]
        fitting = [d for d in self.category if fits(d)]  # in the stage's order
        if role:  # the closest written for their role, else the category's one that is
            theirs = [d for d in [*close, *fitting] if has_value(self.kb.docs[d], "personas", role)]
            close = theirs[:1] or close
        return next(iter(close or fitting), None)

    def no_card(self, name: str) -> NoCard | None:
        """For the debrief: a competitor named in the call that has no card anywhere."""
        if has_card(name, self.ctx, self.kb.docs):
            return None
        return no_card(name, self.kb.docs)


def _card(cue: Cue, t: Trigger, shown_on: Utterance, started: float) -> CueCard:
    i, u = t.utterance.index, t.utterance
    why = CueTrigger(utterance_index=i, speaker=u.speaker, excerpt=t.excerpt, detector=t.detector)
    refs = list(dict.fromkeys([*cue.citations, f"transcript.utterances[{i}]"]))
    return CueCard(
        id=f"{t.kind}:{t.key}@{i}",
        kind=t.kind,
        title=cue.title,
        say=cue.say,
        why=why,
        points=list(cue.points),
        citations=refs,
        utterance_index=shown_on.index,
        latency_ms=round((time.perf_counter() - started) * 1000, 3),
    )
