"""Eval keys for post-call analysis cases."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from agent.capabilities.expectations import Check, Expectations, each_in, one_of


class PostCallAnalysisExpectations(Expectations):
    next_step_owners_include: list[str] = Field(default_factory=list, description="Person ids.")
    next_step_due_include: list[dt.date] = Field(default_factory=list)
    unhandled_objections_include: list[str] = Field(default_factory=list, description="Categories.")
    new_information_include: list[str] = Field(default_factory=list, description="Kinds.")
    receptiveness_in: list[str] = Field(default_factory=list)
    call_outcome_in: list[str] = Field(
        default_factory=list, description="Proposed activity outcome."
    )
    patch_contacts_include: list[str] = Field(default_factory=list, description="Contact ids.")
    objective_status_in: list[str] = Field(default_factory=list, description="First objective.")
    probability_after_call: Literal["lower", "higher", "same"] | None = Field(
        default=None, description="Win probability after the call against before it."
    )
    email_forbid: list[str] = Field(
        default_factory=list, description="Words the follow-up email must not contain."
    )

    def required(self, result: Any) -> list[Check]:
        r = result
        checks = each_in(
            self.next_step_owners_include,
            {s.owner_id for s in r.next_steps},
            "no next step owned by {}",
        )
        checks += each_in(
            self.next_step_due_include, {s.due for s in r.next_steps}, "no next step due {}"
        )
        unhandled = {o.category for o in r.metrics.objections if not o.handled}
        checks += each_in(
            self.unhandled_objections_include, unhandled, "{} objection not reported unhandled"
        )
        kinds = {n.kind for n in r.new_information}
        checks += each_in(self.new_information_include, kinds, "no new information of kind {}")
        updated = {u.contact_id for u in r.patch.contact_updates}
        checks += each_in(self.patch_contacts_include, updated, "patch does not update {}")
        checks += one_of(r.receptiveness.level, self.receptiveness_in, "receptiveness")
        checks += one_of(r.patch.add_activity.outcome, self.call_outcome_in, "call outcome")
        if self.probability_after_call is not None:
            change = r.probability
            moved = "higher" if change.after > change.before else "lower"
            went = "same" if abs(change.after - change.before) < 0.005 else moved
            checks.append(
                (
                    went == self.probability_after_call,
                    f"win probability {change.before:.2f} -> {change.after:.2f} ({went})",
                )
            )
        if self.objective_status_in:
            status = r.objectives[0].status if r.objectives else "none"
            checks.append((status in self.objective_status_in, f"objective {status}"))
        return checks

    def forbidden(self, result: Any) -> list[Check]:
        mail = (result.follow_up.subject + " " + result.follow_up.body).lower()
        return [(w.lower() not in mail, f"email says '{w}'") for w in self.email_forbid]
