"""Eval keys for meeting agenda cases."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from agent.capabilities.common.meeting_expectations import MeetingExpectations
from agent.capabilities.expectations import Check


class MeetingAgendaExpectations(MeetingExpectations):
    customer_agenda_forbid: list[str] = Field(
        default_factory=list, description="Internal words that must not reach the customer."
    )

    def forbidden(self, result: Any) -> list[Check]:
        sent = " ".join(result.customer_agenda).lower()
        return [
            (w.lower() not in sent, f"customer agenda says '{w}'")
            for w in self.customer_agenda_forbid
        ]
