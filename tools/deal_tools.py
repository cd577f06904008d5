"""Typed LangChain tools over a deal source: what a tool-calling model or an orchestrator uses
to fetch a deal and each upstream agent's view of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool, ToolException
from pydantic import BaseModel, Field

from agent.contracts.context import SECTION_PURPOSE
from agent.errors import CoachError
from tools.deal_source import DealSource

# Tool name per upstream section, named for what the caller wants rather than our file names.
SECTION_TOOLS: dict[str, str] = {
    "risk": "get_deal_risk",
    "qualification": "get_qualification",
    "discovery": "get_discovery",
    "argumentation": "get_sales_argumentation",
    "competitive": "get_competitive_intel",
    "analytics": "get_sales_analytics",
    "value": "get_value_case",
    "process": "get_process_standards",
}


class DealIdArgs(BaseModel):
    deal_id: str = Field(description="The CRM deal id, e.g. D-1003 (see list_deals).")


class NoArgs(BaseModel):
    pass


def _guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    """User errors become ToolExceptions, so the calling model sees the message, not a crash."""

    def run(**kwargs: Any) -> Any:
        try:
            return fn(**kwargs)
        except CoachError as exc:
            raise ToolException(str(exc)) from None

    return run


def build_deal_tools(source: DealSource) -> list[BaseTool]:
    def list_deals() -> list[dict[str, Any]]:
        return [
            {**asdict(d), "expected_close": d.expected_close.isoformat()}
            for d in source.list_deals()
        ]

    def get_deal(deal_id: str) -> dict[str, Any]:
        return source.get_deal(deal_id).model_dump(mode="json", exclude_none=True)

    def section_getter(section: str) -> Callable[..., dict[str, Any]]:
        provider, adds = SECTION_PURPOSE[section]

        def get(deal_id: str) -> dict[str, Any]:
            value = source.get_section(deal_id, section)
            if value is None:
                return {
                    "available": False,
                    "section": section,
                    "note": f"no data from the {provider} for {deal_id}",
                }
            return {
                "available": True,
                "section": section,
                "data": value.model_dump(mode="json", exclude_none=True),
            }

        get.__doc__ = f"What the {provider} knows about a deal: {adds}."
        return get

    tools: list[BaseTool] = [
        StructuredTool.from_function(
            _guard(list_deals),
            name="list_deals",
            args_schema=NoArgs,
            description="List the deals available: id, name, account, stage, amount, close date, "
            "owner.",
            handle_tool_error=True,
        ),
        StructuredTool.from_function(
            _guard(get_deal),
            name="get_deal",
            args_schema=DealIdArgs,
            description="The CRM record of a deal: account, stage and its history, amount, "
            "dates, contacts with DMU roles, activities, notes, competitors.",
            handle_tool_error=True,
        ),
    ]
    for section, name in SECTION_TOOLS.items():
        getter = section_getter(section)
        tools.append(
            StructuredTool.from_function(
                _guard(getter),
                name=name,
                args_schema=DealIdArgs,
                description=str(getter.__doc__),
                handle_tool_error=True,
            )
        )
    return tools
