"""The LangChain tools return the same data the graph reads, and errors as messages."""

from __future__ import annotations

from agent.contracts.context import SECTION_PURPOSE
from tests.conftest import SAMPLE
from tools.deal_source import InlineSource
from tools.deal_tools import SECTION_TOOLS, build_deal_tools
from tools.sources import WorkspaceSource


def tools_by_name(source):  # type: ignore[no-untyped-def]
    return {t.name: t for t in build_deal_tools(source)}


def test_one_getter_per_upstream_section_plus_deal_and_list() -> None:
    names = set(tools_by_name(WorkspaceSource(SAMPLE)))
    assert names == {"list_deals", "get_deal", *SECTION_TOOLS.values()}
    assert set(SECTION_TOOLS) == set(SECTION_PURPOSE)


def test_tools_return_the_workspace_data() -> None:
    source = WorkspaceSource(SAMPLE)
    tools = tools_by_name(source)
    deals = tools["list_deals"].invoke({})
    assert [d["id"] for d in deals] == source.deal_ids()
    deal = tools["get_deal"].invoke({"deal_id": "D-1003"})
    assert deal["account"]["name"] == source.get_deal("D-1003").account.name
    risk = tools["get_deal_risk"].invoke({"deal_id": "D-1003"})
    assert risk["available"] and risk["data"]["overall_severity"]


def test_absent_section_is_reported_not_invented() -> None:
    tools = tools_by_name(WorkspaceSource(SAMPLE))
    answer = tools["get_value_case"].invoke({"deal_id": "D-1007"})
    assert answer == {
        "available": False,
        "section": "value",
        "note": "no data from the value selling agent for D-1007",
    }


def test_errors_come_back_as_messages_for_the_caller() -> None:
    tools = tools_by_name(WorkspaceSource(SAMPLE))
    answer = tools["get_deal"].invoke({"deal_id": "D-0"})
    assert isinstance(answer, str) and "no deal 'D-0'" in answer


def test_inline_source_serves_the_same_tools() -> None:
    ctx = WorkspaceSource(SAMPLE).load_context("D-1001")
    tools = tools_by_name(InlineSource(ctx))
    assert tools["get_discovery"].invoke({"deal_id": "D-1001"})["available"]
    assert "D-1001" in str(tools["get_deal"].invoke({"deal_id": "D-1001"}))
