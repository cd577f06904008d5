"""Eval keys for pre-call brief cases: the meeting frame's (common/meeting_expectations.py)."""

from agent.capabilities.common.meeting_expectations import MeetingExpectations


class PreCallBriefExpectations(MeetingExpectations):
    pass
