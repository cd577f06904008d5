"""Meeting agenda: a timed agenda and conversation framework, with a customer-ready copy."""

from __future__ import annotations

from agent.capabilities.meeting_agenda.build import build_agenda
from agent.capabilities.meeting_agenda.expectations import MeetingAgendaExpectations
from agent.capabilities.pre_call_brief.capability import meeting_inputs
from agent.capabilities.registry import Capability, Draft, Inputs


def draft(inputs: Inputs) -> Draft:
    meeting = inputs.request.meeting
    return Draft(build_agenda(meeting_inputs(inputs)), (meeting,) if meeting else ())


CAPABILITY = Capability(
    name="meeting_agenda",
    node="plan_meeting_agenda",
    title="Meeting agenda",
    summary="Meeting agenda and conversation framework, customer-ready.",
    draft=draft,
    command="agenda",
    uses=("meeting",),
    expectations=MeetingAgendaExpectations,
)
