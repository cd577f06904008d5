"""Graders: each a small class returning one named score with its reason. A grader that has
nothing to check for a case says so (skipped), which never counts as a pass or a failure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from pydantic import BaseModel, Field, ValidationError

from agent.capabilities.post_call_analysis.contract import PostCallAnalysisResult
from agent.contracts.context import DealContext
from agent.contracts.rep import RepContext
from agent.contracts.response import CoachingResponse
from agent.grounding.citations import resolve_knowledge, resolves
from evals.harness.cases import EvalCase, Expectations
from knowledge.documents import KB_PREFIX, Document

Status = Literal["pass", "fail", "skip"]


class Score(BaseModel):
    name: str
    status: Status
    score: float
    reason: str


class Attempt(BaseModel):
    passed: bool
    latency_ms: float = 0.0
    tokens: int = 0
    scores: list[Score] = Field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class Observation:
    """One run of one case: what came back and what it cost."""

    case: EvalCase
    response: CoachingResponse
    context: DealContext | RepContext
    knowledge: dict[str, Document]
    latency_ms: float
    tokens: int


def passed(name: str, reason: str) -> Score:
    return Score(name=name, status="pass", score=1.0, reason=reason)


def failed(name: str, reasons: list[str], total: int) -> Score:
    return Score(
        name=name,
        status="fail",
        score=round(1 - len(reasons) / max(total, 1), 3),
        reason="; ".join(reasons),
    )


def skipped(name: str, reason: str) -> Score:
    return Score(name=name, status="skip", score=0.0, reason=reason)


class Grader(Protocol):
    name: str

    def grade(self, obs: Observation) -> Score: ...


class SchemaGrader:
    name = "schema"

    def grade(self, obs: Observation) -> Score:
        try:
            CoachingResponse.model_validate_json(obs.response.model_dump_json())
        except ValidationError as exc:
            return failed(self.name, [str(exc.errors()[0])], 1)
        if obs.response.capability != obs.case.capability:
            return failed(self.name, [f"capability {obs.response.capability}"], 1)
        return passed(self.name, "the response validates against CoachingResponse")


Check = tuple[bool, str]


def _within(value: float, bounds: tuple[float, float], what: str) -> Check:
    low, high = bounds
    return low <= value <= high, f"{what} {value:.2f} outside [{low}, {high}]"


def _required_checks(obs: Observation) -> list[Check]:
    """Each expectation applies to the result kinds that have the field it reads."""
    e, r, checks = obs.case.expect, obs.response.result, []
    missing = {m.section for m in obs.response.missing_inputs}
    checks += [(m in missing, f"missing input {m} not reported") for m in e.missing_inputs_include]
    if r.kind == "next_best_action":
        if e.primary_play_in:
            checks.append(
                (
                    r.primary.play_id in e.primary_play_in,
                    f"primary play {r.primary.play_id} not in {e.primary_play_in}",
                )
            )
        if e.timing_in:
            checks.append(
                (r.primary.timing in e.timing_in, f"timing {r.primary.timing} not in {e.timing_in}")
            )
        targets = {t.contact_id for t in r.primary.targets}
        checks += [(c in targets, f"stakeholder {c} not addressed") for c in e.targets_include]
        fired = {s.id for s in r.signals}
        checks += [(s in fired, f"signal {s} not flagged") for s in e.signals_include]
        if e.probability_between:
            checks.append(
                _within(r.primary.probability.value, e.probability_between, "probability")
            )
    elif r.kind == "process_adherence":
        status = {st.step_id: st.status for st in r.steps}
        if e.adherence_between:
            checks.append(_within(r.score, e.adherence_between, "adherence"))
        checks += [
            (status.get(x) == "missed", f"step {x} not reported missed")
            for x in e.missed_steps_include
        ]
        checks += [
            (status.get(x) == "waived", f"step {x} not reported waived")
            for x in e.waived_steps_include
        ]
    elif r.kind == "stakeholder_strategy":
        gaps = {g.role for g in r.gaps}
        checks += [(g in gaps, f"gap {g} not named") for g in e.gaps_include]
        dark = {s.contact_id for s in r.stakeholders if s.engagement in ("dark", "never")}
        checks += [(c in dark, f"{c} not reported disengaged") for c in e.disengaged_include]
        planned = {s.contact_id for s in r.stakeholders}
        checks += [(c in planned, f"no plan for {c}") for c in e.targets_include]
    elif r.kind == "deal_strategy":
        if e.first_risk_in:
            first = r.risks[0].signal if r.risks else "none"
            checks.append(
                (first in e.first_risk_in, f"first risk {first} not in {e.first_risk_in}")
            )
        if e.win_probability_between:
            checks.append(
                _within(r.win_probability.value, e.win_probability_between, "win probability")
            )
        planned_competitors = {c.competitor for c in r.competition}
        checks += [
            (c in planned_competitors, f"no plan against {c}") for c in e.competitors_planned
        ]
    elif r.kind in ("pre_call_brief", "meeting_agenda"):
        if e.assumptions_flagged is not None:
            checks.append(
                (
                    bool(r.meeting.assumptions) == e.assumptions_flagged,
                    f"assumptions flagged: {r.meeting.assumptions or 'none'}",
                )
            )
        people = {a.person_id for a in r.meeting.attendees}
        checks += [(c in people, f"{c} not among the attendees") for c in e.targets_include]
        if r.kind == "meeting_agenda" and e.agenda_fits_meeting:
            total = sum(i.minutes for i in r.agenda)
            checks.append(
                (
                    total == r.meeting.duration_minutes,
                    f"agenda takes {total} of {r.meeting.duration_minutes} minutes",
                )
            )
    elif r.kind == "objection_guide":
        ranked = [o.objection_id for o in r.objections]
        if e.top_objection_in:
            top = ranked[0] if ranked else "none"
            checks.append((top in e.top_objection_in, f"top objection {top}"))
        checks += [(o in ranked, f"{o} not in the guide") for o in e.objections_include]
    elif r.kind == "post_call_analysis":
        checks += _debrief_checks(e, r)
    elif r.kind == "methodology_coaching":
        if e.methodology_is:
            checks.append(
                (r.methodology.lower() == e.methodology_is.lower(), f"methodology {r.methodology}")
            )
        gaps = {s.element for s in r.scorecard if s.status in ("gap", "partial")}
        checks += [(g in gaps, f"{g} not scored as a gap") for g in e.element_gaps_include]
    elif r.kind == "performance_coaching":
        focus = {a.skill: a for a in r.focus_areas}
        checks += [(s in focus, f"{s} not a focus area") for s in e.focus_skills_include]
        found = {p.id for p in r.patterns}
        checks += [(p in found, f"pattern {p} not found") for p in e.patterns_include]
        for skill, rep_id in e.role_model_for.items():
            models = [m.rep_id for m in focus[skill].role_models] if skill in focus else []
            checks.append((rep_id in models, f"{rep_id} not suggested for {skill}: {models}"))
    return checks


def _debrief_checks(e: Expectations, r: PostCallAnalysisResult) -> list[Check]:
    owners = {s.owner_id for s in r.next_steps}
    dues = {s.due for s in r.next_steps}
    open_objections = {o.category for o in r.metrics.objections if not o.handled}
    kinds = {n.kind for n in r.new_information}
    updated = {u.contact_id for u in r.patch.contact_updates}
    checks: list[Check] = [
        (o in owners, f"no next step owned by {o}") for o in e.next_step_owners_include
    ]
    checks += [(d in dues, f"no next step due {d}") for d in e.next_step_due_include]
    checks += [
        (c in open_objections, f"{c} objection not reported unhandled")
        for c in e.unhandled_objections_include
    ]
    checks += [(k in kinds, f"no new information of kind {k}") for k in e.new_information_include]
    checks += [(c in updated, f"patch does not update {c}") for c in e.patch_contacts_include]
    if e.receptiveness_in:
        level = r.receptiveness.level
        checks.append((level in e.receptiveness_in, f"receptiveness {level}"))
    if e.call_outcome_in:
        outcome = r.patch.add_activity.outcome
        checks.append((outcome in e.call_outcome_in, f"call outcome {outcome}"))
    if e.objective_status_in:
        status = r.objectives[0].status if r.objectives else "none"
        checks.append((status in e.objective_status_in, f"objective {status}"))
    return checks


NBA_ONLY = (
    "primary_play_in",
    "timing_in",
    "signals_include",
    "probability_between",
    "forbid_plays",
    "signals_exclude",
)


def _misapplied(obs: Observation) -> list[str]:
    """Keys that cannot apply to this capability: a case mistake, reported as a failure."""
    if obs.response.result.kind == "next_best_action":
        return []
    e = obs.case.expect
    return [f"{key} applies to next_best_action only" for key in NBA_ONLY if getattr(e, key)]


class RequiredGrader:
    name = "required"

    def grade(self, obs: Observation) -> Score:
        checks = _required_checks(obs) + [(False, m) for m in _misapplied(obs)]
        if not checks:
            return skipped(self.name, "no required content in this case")
        problems = [why for ok, why in checks if not ok]
        return (
            failed(self.name, problems, len(checks))
            if problems
            else passed(self.name, f"all {len(checks)} required checks hold")
        )


class ForbiddenGrader:
    name = "forbidden"

    def grade(self, obs: Observation) -> Score:
        e, r = obs.case.expect, obs.response.result
        checks: list[Check] = []
        if r.kind == "next_best_action":
            recommended = [r.primary.play_id, *(a.play_id for a in r.alternatives)]
            checks += [(p not in recommended, f"recommends {p}") for p in e.forbid_plays]
            fired = {s.id for s in r.signals}
            checks += [(s not in fired, f"signal {s} should not fire") for s in e.signals_exclude]
        if r.kind == "process_adherence":
            missed = {st.step_id for st in r.steps if st.status == "missed"}
            checks += [
                (x not in missed, f"step {x} reported missed") for x in e.forbid_missed_steps
            ]
        if r.kind == "post_call_analysis":
            mail = (r.follow_up.subject + " " + r.follow_up.body).lower()
            checks += [(w.lower() not in mail, f"email says '{w}'") for w in e.email_forbid]
        if r.kind == "meeting_agenda":
            sent = " ".join(r.customer_agenda).lower()
            checks += [
                (w.lower() not in sent, f"customer agenda says '{w}'")
                for w in e.customer_agenda_forbid
            ]
        if r.kind == "performance_coaching":
            models = {a.skill: [m.name for m in a.role_models] for a in r.focus_areas}
            checks += [
                (not models.get(s), f"peer suggested for {s}: {models.get(s)}")
                for s in e.no_role_model_for
            ]
        text = obs.response.markdown + obs.response.model_dump_json()
        checks += [(n not in text, f"mentions {n}") for n in e.forbid_names]
        if not checks:
            return skipped(self.name, "no forbidden content in this case")
        problems = [why for ok, why in checks if not ok]
        return (
            failed(self.name, problems, len(checks))
            if problems
            else passed(self.name, f"none of {len(checks)} forbidden items present")
        )


class CitationGrader:
    name = "citations"

    def grade(self, obs: Observation) -> Score:
        cites = obs.response.citations
        if not cites:
            return failed(self.name, ["no citations"], 1)
        broken = [
            c.ref
            for c in cites
            if not (
                resolve_knowledge(obs.knowledge, c.ref)
                if c.ref.startswith(KB_PREFIX)
                else resolves(obs.context, c.ref)
            )
        ]
        if broken:
            return failed(self.name, [f"unresolved {b}" for b in broken], len(cites))
        return passed(self.name, f"all {len(cites)} citations resolve")


class GroundingGrader:
    name = "grounding"

    def grade(self, obs: Observation) -> Score:
        check = obs.response.check
        if not check.passed:
            return failed(
                self.name,
                [f.detail for f in check.findings[:5]],
                max(check.checked_entities + check.checked_numbers, 1),
            )
        return passed(
            self.name,
            f"{check.checked_entities} names and {check.checked_numbers} "
            "numbers all found in the input or cited knowledge",
        )


class LatencyGrader:
    name = "latency"

    def grade(self, obs: Observation) -> Score:
        budget = obs.case.expect.max_latency_ms
        if budget is None:
            return skipped(self.name, "no latency budget")
        if obs.latency_ms > budget:
            return failed(self.name, [f"{obs.latency_ms:.0f} ms over {budget:.0f} ms"], 1)
        return passed(self.name, f"{obs.latency_ms:.0f} ms within {budget:.0f} ms")


class TokenGrader:
    name = "tokens"

    def grade(self, obs: Observation) -> Score:
        budget = obs.case.expect.max_tokens
        if budget is None:
            return skipped(self.name, "no token budget")
        if obs.tokens > budget:
            return failed(self.name, [f"{obs.tokens} tokens over {budget}"], 1)
        return passed(self.name, f"{obs.tokens} tokens within {budget}")


def offline_graders() -> list[Grader]:
    return [
        SchemaGrader(),
        RequiredGrader(),
        ForbiddenGrader(),
        CitationGrader(),
        GroundingGrader(),
        LatencyGrader(),
        TokenGrader(),
    ]
