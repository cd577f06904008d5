"""Real-time in-meeting assist: utterances in, cue cards out, inside a 50 ms budget.

Built once per meeting: every card body (objection answers by library entry, battle cards by
competitor, negotiation, closing, de-escalation and discovery questions, what the deal record
holds about each contact) is read from the knowledge, filled with the deal's facts and frozen
at construction. Per utterance the work is the detectors (regular expressions), dict lookups,
and for objections and technical questions one lexical search (about 1-2 ms, cached by the
index) to pick the closest library entry. Nothing waits for a model: a model may refine a card
afterwards, never before it is shown. Cards are de-duplicated and rate-limited so the rep is
not flooded (detectors.Throttle documents the numbers). Knowledge lines that put words in the
customer's mouth ("You told us ...") are left out: the deal may not hold them.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from agent.analysis.model import Analysis
from agent.capabilities.common.battle_card import has_card
from agent.capabilities.common.card_vetting import agent_card_view, library_card_view
from agent.capabilities.common.competition import NoCard, no_card
from agent.capabilities.common.playbook import deal_values, fill, list_items, paragraph, subsections
from agent.capabilities.live_assist.contract import CueCard, CueTrigger
from agent.capabilities.objection_guide.build import ROLE_SECTIONS
from agent.contracts.context import DealContext
from agent.contracts.conversation import Utterance
from agent.formatting import human, money
from agent.model.injection import Suspect, scan
from agent.reading.competitors import Competitors, deal_competitors, knowledge_competitors
from agent.reading.detectors import Moment, Recent, Throttle, Trigger, detect
from agent.reading.objection_phrases import classify_objection
from agent.reading.talk_cues import sentences
from agent.reading.talk_tables import compile_talk_patterns
from agent.reading.utterances import utterance_classifier
from knowledge.corpus import corpus
from knowledge.retriever import KnowledgeIndex, SearchFilters
from knowledge.sections import flag

OBJECTIONS = SearchFilters(type=["objection"])
TECHNICAL_CATEGORIES = ("security", "implementation")
# The MEDDICC element whose questions suit each buying role; others learn decision criteria.
ROLE_ELEMENT = {
    "economic_buyer": "Economic Buyer",
    "champion": "Champion",
    "user": "Identify Pain",
    "procurement": "Paper Process",
    "legal": "Paper Process",
}
STALL_ELEMENTS = ("Identify Pain", "Decision Process", "Metrics")  # after the deal's own gaps
_ATTRIBUTED = re.compile(r"^(?:You|Your team) (?:told|said|mentioned|chose|ranked)\b")


@dataclass(frozen=True)
class Cue:
    """A card body prepared before the meeting; only the trigger is added at run time."""

    title: str
    say: str
    points: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()

    def add(self, point: str, *refs: str) -> Cue:
        """The point with its sources, or the card unchanged when the knowledge had none."""
        if not point:
            return self
        return Cue(self.title, self.say, (*self.points, point), (*self.citations, *refs))

    def cite(self, *refs: str) -> Cue:
        return Cue(self.title, self.say, self.points, (*self.citations, *refs))


def _clean(text: str) -> str:
    """Markdown emphasis and quotes off; sentences attributing words to the customer out."""
    kept = [s for s in sentences(text.replace("**", "")) if not _ATTRIBUTED.match(s.strip('"“'))]
    return " ".join(kept).strip().strip('"“”').strip()


@dataclass
class _Library:
    """Knowledge sections by document id and anchor, deal facts filled into placeholders."""

    index: KnowledgeIndex
    values: dict[str, str]

    def __post_init__(self) -> None:
        self.docs = self.index.documents()
        self.meta = {d: f.meta for d, f in corpus(self.index.folders).docs.items()}

    def text(self, doc_id: str, anchor: str) -> str:
        doc = self.docs.get(doc_id)
        section = doc.section(anchor) if doc else None
        return fill(section.text, self.values) if section else ""

    def items(self, doc_id: str, anchor: str) -> list[str]:
        return [c for i in list_items(self.text(doc_id, anchor)) if (c := _clean(i))]

    def steps(self, doc_id: str) -> dict[str, str]:
        """Acknowledge / Reframe / Respond lines of an objection."""
        pairs = (i.partition(":") for i in self.items(doc_id, "acknowledge-reframe-respond"))
        return {k.strip().lower(): c for k, _, v in pairs if (c := _clean(v))}

    def find(self, doc_id: str, anchor: str, word: str) -> str:
        """The first list item or sentence of a section containing `word`, cleaned."""
        text = paragraph(self.text(doc_id, anchor))
        found = (p for p in [*self.items(doc_id, anchor), *sentences(text)] if word in p)
        return _clean(next(found, ""))

    def first_sentence(self, doc_id: str, anchor: str) -> str:
        return next(iter(sentences(paragraph(self.text(doc_id, anchor)))), "")


@dataclass
class LiveAssist:
    """One per meeting: `feed` each utterance as it arrives and show the cards it returns."""

    ctx: DealContext
    analysis: Analysis
    index: KnowledgeIndex
    cards: list[CueCard] = field(default_factory=list)
    # Utterances that read like instructions to a model: shown to the rep as a warning, and
    # never the reason for a card (a card's words come from knowledge and the deal).
    suspected: list[Suspect] = field(default_factory=list)

    def __post_init__(self) -> None:
        deal, kb = self.ctx.deal, _Library(self.index, deal_values(self.ctx, self.analysis))
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
        self.index.search("warm up the lexical index", k=10, filters=OBJECTIONS, mode="lexical")
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

    def answer(self, text: str, category: str) -> tuple[str, list[str]] | None:
        """The library's answer to an objection heard in a call (for the debrief), or None."""
        doc = self._pick((category,), text)
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
        if t.kind == "objection" and (doc := self._pick((t.key,), u.text)):
            role = contact.dmu_role if contact else ""
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

    def _pick(self, categories: tuple[str, ...], text: str) -> str | None:
        """The library objection closest to the words (one cached lexical search) within the
        categories the detector named, else the category's best fit for the deal's stage."""

        def fits(doc: str) -> bool:
            about = self.about.get(doc)
            in_play = about is None or about in self.ctx.deal.competitors
            named = about is not None and about.lower() in text.lower()
            return self.category.get(doc) in categories and (in_play or named)

        for passage in self.index.search(text, k=10, filters=OBJECTIONS, mode="lexical"):
            if fits(passage.doc_id):
                return passage.doc_id
        return next((d for d in self.category if fits(d)), None)

    # ---- card bodies, prepared at construction ----------------------------------------------

    def _objection(self, doc: str) -> Cue:
        steps, kb = self.kb.steps(doc), self.kb
        title = f"Objection ({human(self.category[doc])}): {kb.docs[doc].title}"
        say = " ".join(steps[k] for k in ("acknowledge", "reframe") if k in steps)
        cue = Cue(title, say, citations=(f"kb:{doc}#acknowledge-reframe-respond",))
        ask = next(iter(kb.items(doc, "root-cause-questions")), "")
        cue = cue.add(f"Respond: {steps['respond']}" if "respond" in steps else "")
        return cue.add(f"Ask: {ask}" if ask else "", f"kb:{doc}#root-cause-questions")

    def _angle(self, doc: str, role: str) -> tuple[str, ...]:
        """The objection's advice for a buying role ('For procurement: ...'), if it has one."""
        section = self.kb.docs[doc].section(ROLE_SECTIONS[role])
        angle = self.kb.first_sentence(doc, ROLE_SECTIONS[role])
        return (f"{section.heading}: {angle}", f"kb:{doc}#{section.anchor}") if section else ("",)

    def _technical(self, doc: str) -> Cue:
        steps, kb = self.kb.steps(doc), self.kb
        say = steps.get("respond") or steps.get("acknowledge", "")
        cue = Cue(f"Technical question: {kb.docs[doc].title}", say)
        cue = cue.cite(f"kb:{doc}#acknowledge-reframe-respond")
        angle = kb.first_sentence(doc, "for-the-technical-evaluator")
        cue = cue.add(angle, f"kb:{doc}#for-the-technical-evaluator")
        cue = cue.add(next(iter(kb.items(doc, "proof-points")), ""), f"kb:{doc}#proof-points")
        for i, m in [(i, m) for i, m in enumerate(self.ctx.deal.team) if "engineer" in m.role][:1]:
            cue = cue.add(f"Bring in {m.name} ({human(m.role)}) for the detail", f"deal.team[{i}]")
        return cue

    def _competitor(self, name: str) -> Cue | None:
        """The deal's own battle card first (competitive intel), then the library's, both as
        common/card_vetting.py vets them (a stale card says so; a line with an unsourced
        figure is left out); with no card anywhere, say so and what to ask."""
        kb, as_of = self.kb, self.analysis.as_of
        intel = agent_card_view(name, self.ctx, kb.docs, as_of)
        library = library_card_view(name, kb.docs, as_of)
        cue = Cue(f"Competitor mentioned: {name}", "")
        if intel is None and library is None:
            none = no_card(name, kb.docs)
            asks = tuple(f"Ask: {q}" for i in none.questions[:2] if (q := _clean(i)))
            if not asks:  # the library has no no-card guide: the methodology's questions
                return self._uncarded(name)
            deal = self.ctx.deal
            record = [f"deal.competitors[{i}]" for i, c in enumerate(deal.competitors) if c == name]
            return Cue(cue.title, none.statement, asks, (*none.citations, *record))
        if intel is not None and intel.lines["talking_points"]:
            cue = cue.add(intel.lines["talking_points"][0], intel.line_refs["talking_points"][0])
        if library is not None:
            for point in [p for i in library.lines["talking_points"] if (p := _clean(i))][:2]:
                cue = cue.add(point, *library.cite("talking_points"))
            mines = [m for i in library.lines["landmines"] if (m := _clean(i))]
            cue = cue.add(f"Ask: {mines[0]}" if mines else "", *library.cite("landmines"))
        for card in (c for c in (intel, library) if c is not None):
            for caution in card.cautions:
                cue = cue.add(caution)
        if not cue.points:
            return self._uncarded(name)
        return Cue(cue.title, cue.points[0], cue.points[1:], tuple(dict.fromkeys(cue.citations)))

    def _uncarded(self, name: str) -> Cue | None:
        """A competitor nobody wrote a card for (say, one only the deal names): the methodology's
        competition questions, so the rep learns what the customer sees in them."""
        questions, ref = self.questions_for("Competition")
        if not questions:  # the deal's framework has no competition element: MEDDICC's
            meddicc = subsections(self.kb.text("meth-meddicc", "questions-by-element"))
            questions = [_clean(q) for q in list_items(meddicc.get("Competition", ""))]
            ref = "kb:meth-meddicc#questions-by-element"
        if not questions:
            return None
        deal = self.ctx.deal
        record = [f"deal.competitors[{i}]" for i, c in enumerate(deal.competitors) if c == name]
        point = f"No battle card for {name} yet: learn what they value in it, then compare"
        return Cue(
            f"Competitor mentioned: {name}",
            questions[0],
            (*questions[1:2], point),
            (
                ref,
                *record,
            ),
        )

    def no_card(self, name: str) -> NoCard | None:
        """For the debrief: a competitor named in the call that has no card anywhere."""
        if has_card(name, self.ctx, self.kb.docs):
            return None
        return no_card(name, self.kb.docs)

    def _person(self, i: int) -> Cue:
        """Only what the deal record and the analysis hold about the person, nothing more."""
        c, ref = self.ctx.deal.contacts[i], f"deal.contacts[{i}]"
        messages = self.ctx.argumentation.messages if self.ctx.argumentation else []
        msg = next((j for j, m in enumerate(messages) if m.audience in (c.id, c.dmu_role)), None)
        say, source = (
            (messages[msg].message, f"argumentation.messages[{msg}]")
            if msg is not None
            else self._question(ROLE_ELEMENT.get(c.dmu_role, "Decision Criteria"))
        )
        level = next((p.level for p in self.analysis.engagement if p.contact_id == c.id), "")
        cue = Cue(f"{c.name} joined: {c.title}", say, citations=(ref, source))
        cue = cue.add(f"Role: {human(c.dmu_role)}, {c.influence} influence")
        cue = cue.add(f"Sentiment on record: {c.sentiment}")
        seen = f"Last contact: {c.last_contact.isoformat()}" if c.last_contact else ""
        cue = cue.add(seen or "No contact with them on record")
        cue = cue.add(f"Engagement: {level}" if level else "")
        return cue.add(f"Note: {c.notes}" if c.notes else "")

    def _stranger(self, speaker: str) -> Cue:
        point = f"{speaker} is not in the deal record: ask their role and add them as a contact"
        say, ref = self._question("Decision Criteria")
        return Cue(f"New participant: {speaker}", say, (point,), (ref,))

    def questions_for(self, element: str) -> tuple[list[str], str]:
        """A methodology guide's questions for one element (the deal's framework, else MEDDICC)."""
        gaps = self.analysis.methodology_gaps
        doc = f"meth-{gaps[0].framework.lower()}" if gaps else "meth-meddicc"
        doc = doc if doc in self.kb.docs else "meth-meddicc"
        by_element = subsections(self.kb.text(doc, "questions-by-element"))
        found = [_clean(q) for q in list_items(by_element.get(element, ""))]
        return found, f"kb:{doc}#questions-by-element"

    def _question(self, element: str) -> tuple[str, str]:
        found, ref = self.questions_for(element)
        return (found or [""])[0], ref

    def _stalls(self) -> list[Cue]:
        """Questions for the deal's open methodology gaps first, then to reopen the pain."""
        gaps = sorted(self.analysis.methodology_gaps, key=lambda g: g.status == "partial")
        elements = [(g.element, g.citations) for g in gaps]
        elements += [(e, []) for e in STALL_ELEMENTS if e not in {g.element for g in gaps}]
        skill = "skill-discovery-questioning"
        tip = self.kb.find(skill, "what-good-looks-like", "one question")
        cues = []
        for element, refs in elements:
            questions, ref = self.questions_for(element)
            if questions:
                cue = Cue(f"Conversation stalled: reopen {element}", questions[0])
                cue = cue.cite(ref, *refs).add(next(iter(questions[1:]), ""))
                cues.append(cue.add(tip, f"kb:{skill}#what-good-looks-like"))
        return cues

    def _pricing(self) -> Cue:
        """Value first (the library's bridge line, the deal's value case), then trading rules."""
        kb, price = self.kb, [d for d, c in self.category.items() if c == "price"]
        bridge = next(
            ((d, q) for d in price if (q := kb.find(d, "bridge-back-to-value", '"'))), None
        )
        cue = Cue("Pricing moment: keep value in the conversation", bridge[1] if bridge else "")
        cue = cue.cite(f"kb:{bridge[0]}#bridge-back-to-value") if bridge else cue
        if (value := self.ctx.value) and (r := value.roi):
            payback = f", payback in {r.payback_months:g} months" if r.payback_months else ""
            case = f"{money(r.annual_benefit, r.currency)} a year for "
            case += f"{money(r.investment, r.currency)}{payback}"
            cue = cue.add(f"Value case ({value.status}): {case}", "value.roi")
        trade = kb.find("skill-negotiation", "what-good-looks-like", "traded").partition(":")[0]
        cue = cue.add(f"{trade}." if trade else "", "kb:skill-negotiation#what-good-looks-like")
        ask = kb.find("skill-negotiation", "coaching-questions", "than price")
        cue = cue.add(f"Ask: {ask}" if ask else "", "kb:skill-negotiation#coaching-questions")
        return cue if cue.say else Cue(cue.title, cue.points[0], cue.points[1:], cue.citations)

    def _decision(self) -> Cue:
        """The mutual action plan play's opening line, and where the deal's own plan stands."""
        play, deal = "play-build-mutual-action-plan", self.ctx.deal
        say = self.kb.find(play, "what-to-do", '"').partition('"')[2].rstrip('"')
        title = "Buying signal: agree the next step and the plan"
        cue = Cue(
            title, say or self.kb.first_sentence(play, "what-to-do"), (), (f"kb:{play}#what-to-do",)
        )
        plan = deal.mutual_action_plan
        steps = [(i, m) for i, m in enumerate(plan.milestones if plan else []) if not m.done]
        for i, m in steps[:1]:
            owner = next((f" ({c.name})" for c in deal.contacts if c.id == m.owner), "")
            point = f"Next step in the agreed plan: {m.name}, due {m.due.isoformat()}{owner}"
            cue = cue.add(point, f"deal.mutual_action_plan.milestones[{i}]")
        return cue.add(
            f"Deal next step: {deal.next_step}" if deal.next_step else "", "deal.next_step"
        )

    def _frustration(self, category: str) -> Cue:
        """The category's own acknowledgement when the words voice one, else active listening."""
        doc = next((d for d, c in self.category.items() if c == category), "")
        ack = self.kb.steps(doc).get("acknowledge", "") if doc else ""
        listen = self.kb.find("skill-active-listening", "what-good-looks-like", "paraphrase")
        check = self.kb.find("skill-objection-handling", "what-good-looks-like", "address it")
        check = check.partition(": ")[2].strip('"“” ') or check
        cue = Cue("Frustration: slow down and acknowledge first", ack or listen)
        cue = cue.cite(f"kb:{doc}#acknowledge-reframe-respond") if ack else cue
        cue = cue.add(listen if ack else "").cite("kb:skill-active-listening#what-good-looks-like")
        ref = "kb:skill-objection-handling#what-good-looks-like"
        return cue.add(f"Then check: {check}" if check else "", ref)


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
