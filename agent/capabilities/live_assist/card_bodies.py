"""The card bodies a live meeting can show, prepared once at construction.

Every body (objection answers by library entry, battle cards by competitor, negotiation,
closing, de-escalation and discovery questions, what the deal record holds about each contact)
is read from the knowledge and the deal here, so the per-utterance engine (engine.py) only
looks them up. A base of LiveAssist: it reads the deal, the analysis, the library and the
objection categories the engine sets up.
"""

from __future__ import annotations

from agent.analysis.model import Analysis
from agent.capabilities.common.card_vetting import agent_card_view, library_card_view
from agent.capabilities.common.competition import no_card
from agent.capabilities.common.playbook import list_items, subsections
from agent.capabilities.live_assist.cue_library import Cue, Library, clean
from agent.capabilities.objection_guide.build import ROLE_SECTIONS
from agent.contracts.context import DealContext
from agent.formatting import human, money

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


class CardBodies:
    """The builders of the prepared card bodies; LiveAssist sets the attributes they read."""

    ctx: DealContext
    analysis: Analysis
    kb: Library
    category: dict[str, str]  # objection document id -> its category, by fit for the stage

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
            asks = tuple(f"Ask: {q}" for i in none.questions[:2] if (q := clean(i)))
            if not asks:  # the library has no no-card guide: the methodology's questions
                return self._uncarded(name)
            deal = self.ctx.deal
            record = [f"deal.competitors[{i}]" for i, c in enumerate(deal.competitors) if c == name]
            return Cue(cue.title, none.statement, asks, (*none.citations, *record))
        if intel is not None and intel.lines["talking_points"]:
            cue = cue.add(intel.lines["talking_points"][0], intel.line_refs["talking_points"][0])
        if library is not None:
            for point in [p for i in library.lines["talking_points"] if (p := clean(i))][:2]:
                cue = cue.add(point, *library.cite("talking_points"))
            mines = [m for i in library.lines["landmines"] if (m := clean(i))]
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
            questions = [clean(q) for q in list_items(meddicc.get("Competition", ""))]
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
        found = [clean(q) for q in list_items(by_element.get(element, ""))]
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
