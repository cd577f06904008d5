"""Each step of the deal's process, stage by stage: done, open, missed, waived, optional and
skipped, manual, or unknown, with the evidence and the input paths it rests on.

A missed step is one the process requires of a stage the deal has already left; the current
stage's unmet steps are open work, not violations. What a stage the deal left required is
looked for up to the day the deal left it (a call in Proposal is no qualification call). The
record's text counts where the CRM fields are silent (analysis/step_evidence.py): a manual
criterion the text says was done or not, an activity a note says was held but nobody logged,
and an incomplete history that leaves earlier absences unknown rather than missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agent.analysis.evidence import FROM_ACTIVITY_LOG
from agent.analysis.model import Analysis, RecordGap
from agent.analysis.stage import StageWindow, stage_windows
from agent.analysis.step_evidence import held_in_text, logged_held, said_of
from agent.capabilities.common.playbook import deal_values
from agent.capabilities.common.remedies import Remedy, remedy
from agent.capabilities.process_adherence.contract import StepCheck, StepStatus
from agent.contracts.context import DealContext
from agent.contracts.deal import ProcessException
from agent.contracts.upstream import ExitCriterion, ProcessStandards, RequiredActivity
from agent.reading.occurrence import took_place
from agent.reading.refs import activity_at
from knowledge.documents import slugify
from knowledge.plays import Play

StepKind = Literal["exit_criterion", "required_activity"]
# Evidence that cites where an activity's own words say it did not take place.


@dataclass(frozen=True)
class ProcessInUse:
    standard: ProcessStandards
    source: Literal["deal", "knowledge_default"]
    doc_id: str | None = None  # the knowledge document when it is the default

    def ref(self, stage_index: int, kind: str, item: int) -> str:
        if self.doc_id:
            return f"kb:{self.doc_id}#{slugify(self.standard.stages[stage_index].name)}"
        field = "exit_criteria" if kind == "exit_criterion" else "required_activities"
        return f"process.stages[{stage_index}].{field}[{item}]"


UNKNOWN_FIX = (
    "Not known: the input that would show it is missing. Ask the upstream agent for it, or "
    "confirm it with the customer, before counting the step as done or missed"
)
MANUAL_FIX = (
    "Not known: no evidence check covers it and nothing in the record says either way. Ask "
    "{owner} to confirm whether it was done, and record the evidence on the opportunity"
)
HISTORY_FIX = (
    'Not known: the record\'s history before {until} was not carried over ("{quote}"). '
    "Confirm it from the earlier records, and log what happened"
)
PARTNER_FIX = (
    "Not known: {holder} ran the deal before {until} and its records are not in this CRM "
    '("{quote}"). Get the minutes of these steps from {holder} and log them in the CRM, or confirm '
    "with the customer what was held"
)


@dataclass(frozen=True)
class StageView:
    """One stage of the deal as the checks see it: the deal and its analysis, whether the deal
    left the stage, when it was in it, and the record gap that hides its evidence, if any."""

    ctx: DealContext
    analysis: Analysis
    index: int
    name: str
    past: bool
    window: StageWindow
    lost: RecordGap | None

    def lost_words(self) -> str:
        """'the record's history before 2027-01-25 is missing (kept by the partner)'."""
        if self.lost is None:
            return ""
        whose = f" (kept by {self.lost.holder})" if self.lost.holder else ""
        return f"the record's history before {self.lost.until.isoformat()} is missing{whose}"

    def history_fix(self) -> str | None:
        if self.lost is None:
            return None
        fix = PARTNER_FIX if self.lost.holder else HISTORY_FIX
        return fix.format(
            until=self.lost.until.isoformat(), quote=self.lost.quote, holder=self.lost.holder
        )


def check_steps(
    ctx: DealContext, analysis: Analysis, process: ProcessInUse, plays: tuple[Play, ...]
) -> list[StepCheck]:
    deal = ctx.deal
    current = process.standard.index(deal.stage)
    if current is None:
        return []
    values = deal_values(ctx, analysis)
    waivers = {e.step_id: (i, e) for i, e in enumerate(deal.process_exceptions)}
    windows = stage_windows(deal, process.standard, analysis.as_of)
    gap = analysis.record_gap
    steps: list[StepCheck] = []
    for s_index, stage in enumerate(process.standard.stages[: current + 1]):
        past = s_index < current
        window = windows[s_index]
        lost = gap if past and gap is not None and window.start < gap.until else None
        view = StageView(ctx, analysis, s_index, stage.name, past, window, lost)
        for c_index, crit in enumerate(stage.exit_criteria):
            ref = process.ref(s_index, "exit_criterion", c_index)
            waiver = waivers.get(crit.id)
            steps.append(_criterion(view, crit, ref, waiver, plays, values))
        for a_index, req in enumerate(stage.required_activities):
            ref = process.ref(s_index, "required_activity", a_index)
            steps.append(_activity(view, req, ref, waivers.get(req.id)))
    return steps


def _criterion(
    view: StageView,
    crit: ExitCriterion,
    ref: str,
    waiver: tuple[int, ProcessException] | None,
    plays: tuple[Play, ...],
    values: dict[str, str],
) -> StepCheck:
    found = view.analysis.evidence.get(crit.check) if crit.check else None
    if found is None:
        return _manual(view, crit, ref, waiver)
    met, detail, cites = found.met, found.detail, [ref, *found.citations]
    advice = None
    fix = remedy(crit.check, plays, values)
    if met is False and (again := _rebook(view.ctx, found.citations)) is not None:
        advice = again  # the step's activity was logged but did not take place
    elif met is False and view.lost is not None and crit.check in FROM_ACTIVITY_LOG:
        met, advice = None, view.history_fix()
        detail = f"{detail}; {view.lost_words()}"
        cites = [*cites, *view.lost.citations]
    return _judge(
        view,
        crit.id,
        "exit_criterion",
        crit.description,
        met,
        detail,
        cites,
        optional=False,
        waiver=waiver,
        fix=fix,
        advice=advice,
    )


def _rebook_advice(kind: str, on: str) -> str:
    return (
        f"Rebook the {kind} that did not take place on {on} and run it, then log it in the CRM "
        "with its outcome"
    )


def _rebook(ctx: DealContext, citations: list[str]) -> str | None:
    """What to do when a step's evidence is an activity that did not take place."""
    for cite in citations:
        if (at := activity_at(cite, "outcome", "summary")) is not None:
            a = ctx.deal.activities[at]
            if not took_place(a):
                return _rebook_advice(a.type, a.date.isoformat())
    return None


def _manual(
    view: StageView, crit: ExitCriterion, ref: str, waiver: tuple[int, ProcessException] | None
) -> StepCheck:
    """A criterion no check computes: what the latest text naming it says, else unknown for a
    stage the deal left (ask the rep) and a check by hand for the current one."""
    said = said_of(view.analysis.reading, crit.description, view.analysis.as_of)
    if said is not None:
        word = "done" if said.done else "not done"
        return _judge(
            view,
            crit.id,
            "exit_criterion",
            crit.description,
            bool(said.done),
            f'{word}, as the record\'s text says: "{said.quote}"',
            [ref, said.ref],
            optional=False,
            waiver=waiver,
            fix=None,
        )
    if not view.past:
        return StepCheck(
            stage=view.name,
            step_id=crit.id,
            kind="exit_criterion",
            description=crit.description,
            status="manual",
            evidence="checked by hand: no automatic evidence check",
            citations=[ref],
        )
    return _judge(
        view,
        crit.id,
        "exit_criterion",
        crit.description,
        None,
        "no automatic evidence check, and nothing in the record says whether it was done",
        [ref, *(view.lost.citations if view.lost else [])],
        optional=False,
        waiver=waiver,
        fix=None,
        advice=view.history_fix() or MANUAL_FIX.format(owner=view.ctx.deal.owner.name),
    )


def _activity(
    view: StageView, req: RequiredActivity, ref: str, waiver: tuple[int, ProcessException] | None
) -> StepCheck:
    """A required activity: one of its kinds logged and held before the deal left the stage,
    else one the text says was held (log it), else one logged that did not take place (rebook
    it), else unknown where the history is missing, else not done."""
    deal, analysis = view.ctx.deal, view.analysis
    upto = min(view.window.end, analysis.as_of) if view.past else analysis.as_of
    kinds = " or ".join(req.activity_types) or "matching"
    logged, _ = logged_held(deal, req.activity_types, analysis.as_of)
    done, off = logged_held(deal, req.activity_types, upto)
    held = held_in_text(analysis.reading, req.activity_types, req.description, upto, deal)
    if held is not None and view.lost is not None and view.lost.holder:
        # the partner's own work, in the words that say its minutes are elsewhere: unknown
        held = None if held.ref in view.lost.citations else held
    met: bool | None = bool(done)
    advice = None
    if done:
        last = deal.activities[done[-1]]
        detail = f"{last.type} on {last.date.isoformat()}"
        cites = [ref, f"deal.activities[{done[-1]}]"]
    elif held is not None:
        when = held.on.isoformat() if held.on else "an unlogged date"
        detail = f'held on {when}, not logged in the CRM; the record\'s text says: "{held.quote}"'
        cites, met = [ref, held.ref], True
        advice = f"Log the {held.activity} of {when} in the CRM so the record shows it"
    elif off:
        index, missed = off[0]
        a = deal.activities[index]
        detail = (
            f"the {a.type} of {a.date.isoformat()} is logged but did not take place "
            f'("{missed.words}"), and no other {kinds} activity was held'
        )
        cites = [ref, f"deal.activities[{index}].{missed.field}"]
        advice = _rebook_advice(a.type, a.date.isoformat())
    elif view.lost is not None and not req.optional:  # an optional step is no miss anyway
        met, advice = None, view.history_fix()
        detail = f"no {kinds} activity recorded; {view.lost_words()}"
        cites = [ref, *view.lost.citations]
    else:
        late = [i for i in logged if upto < deal.activities[i].date <= analysis.as_of]
        detail = f"no {kinds} activity recorded" + (
            f" before the deal left {view.name} on {upto.isoformat()} (the "
            f"{deal.activities[late[0]].type} of {deal.activities[late[0]].date.isoformat()} "
            "came after)"
            if late
            else ""
        )
        cites = [ref, *(f"deal.activities[{i}]" for i in late[:1])]
    return _judge(
        view,
        req.id,
        "required_activity",
        req.description,
        met,
        detail,
        cites,
        optional=req.optional,
        waiver=waiver,
        fix=None,
        advice=advice,
    )


def _judge(
    view: StageView,
    step_id: str,
    kind: StepKind,
    description: str,
    met: bool | None,
    detail: str,
    citations: list[str],
    optional: bool,
    waiver: tuple[int, ProcessException] | None,
    fix: Remedy | None,
    advice: str | None = None,
) -> StepCheck:
    """The status from the evidence. `advice` is what to do about a step that is done but not
    logged, not known (ask the rep, check the old records), or logged but not held (rebook
    it); for a missed step it comes before the play's correction."""
    status: StepStatus = "done"
    reason = None
    if met is None and waiver is None:  # its evidence's input is missing: not known, not missed
        status = "unknown"
    elif not met:
        if waiver is not None:
            index, exc = waiver
            status = "waived"
            reason = exc.reason + (f" (agreed by {exc.approved_by})" if exc.approved_by else "")
            citations = [*citations, f"deal.process_exceptions[{index}]"]
        elif optional:
            status = "optional_skipped"
        else:
            status = "missed" if view.past else "open"
    why = correction = None
    if status in ("missed", "open") and fix is not None:
        why, correction = fix.why, advice or fix.correction
        citations = [*citations, *fix.citations]
    elif status in ("done", "unknown", "missed", "open"):
        correction = advice
    return StepCheck(
        stage=view.name,
        step_id=step_id,
        kind=kind,
        description=description,
        status=status,
        evidence=detail,
        reason=reason,
        why_it_matters=why,
        correction=correction,
        citations=list(dict.fromkeys(citations)),
    )
