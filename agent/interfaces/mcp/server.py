"""The MCP server's tools, generated from the registry: one per capability (its input schema is
the capability's typed request, agent/capabilities/requests.py, kept lean by schemas.py; its
result the CoachingResponse as structured content plus the markdown as text),
`search_knowledge`, `list_deals` and `get_deal`. Every call runs with the caller's settings
(`ContextFor`: COACH_PRINCIPAL on stdio, the HTTP host's authentication over HTTP), so a
principal reaches exactly what it reaches in the CLI; a user error is the tool result's one
message (`isError`), as the CLI prints it."""

from __future__ import annotations

import json
from typing import Any

import anyio
from langchain_core.tools import BaseTool, ToolException
from mcp import types
from mcp.server.lowlevel import Server
from pydantic import BaseModel

from agent.capabilities.registry import Capability
from agent.capabilities.requests import answering, capability_request
from agent.errors import CoachError, InvalidInput, validated_as
from agent.interfaces.caller import ContextFor
from agent.interfaces.mcp.schemas import input_schema, output_schema
from agent.settings import CoachContext

NAME = "sales-coach"
INSTRUCTIONS = (
    "A B2B sales coach. Each capability tool answers about one deal (deal_id, e.g. D-1003; "
    "list_deals shows them) or one rep, grounded and cited; the structured result is the "
    "CoachingResponse, the text its markdown. search_knowledge finds citable passages."
)


def _capability_tool(spec: Capability) -> types.Tool:
    return types.Tool(
        name=spec.name,
        title=spec.title,
        description=f"{spec.summary} Grounded and cited (refs such as deal.activities[3]).",
        inputSchema=input_schema(spec.name),
        outputSchema=output_schema(spec.name),
        annotations=types.ToolAnnotations(readOnlyHint=False, openWorldHint=False),
    )


def _helpers(ctx: CoachContext) -> dict[str, BaseTool]:
    """Knowledge search and deal lookup: the chat's own tools, over what `ctx` may reach."""
    from agent.retrieval import index_for
    from tools.deal_tools import build_deal_tools
    from tools.knowledge_tools import build_knowledge_tool
    from tools.sources import workspace_source

    deal_tools = build_deal_tools(workspace_source(ctx.workspace, ctx.principal))
    found = [build_knowledge_tool(index_for(ctx)), *deal_tools]
    return {t.name: t for t in found if t.name in HELPERS}


HELPERS = ("search_knowledge", "list_deals", "get_deal")


def _arguments(tool: BaseTool) -> type[BaseModel]:
    schema = tool.args_schema
    assert isinstance(schema, type) and issubclass(schema, BaseModel), tool.name
    return schema


def _helper_tool(tool: BaseTool) -> types.Tool:
    schema = _arguments(tool)
    return types.Tool(
        name=tool.name,
        description=tool.description,
        inputSchema=schema.model_json_schema(),
        annotations=types.ToolAnnotations(readOnlyHint=True, openWorldHint=False),
    )


def _run_helper(tool: BaseTool, arguments: dict[str, Any]) -> tuple[list[types.TextContent], Any]:
    args = validated_as(_arguments(tool), arguments, tool.name)
    func = getattr(tool, "func", None)
    assert callable(func), f"{tool.name} is not a function tool"
    try:
        value = func(**args.model_dump())
    except ToolException as exc:
        raise InvalidInput(str(exc), where=tool.name) from None
    structured = value if isinstance(value, dict) else {"items": value}
    text = json.dumps(value, ensure_ascii=False, indent=1, default=str)
    return [types.TextContent(type="text", text=text)], structured


def _run_capability(
    spec: Capability, arguments: dict[str, Any], ctx: CoachContext
) -> types.CallToolResult:
    """The result as is: the response is a CoachingResponse by construction, so the SDK's own
    check of it against the output schema (jsonschema, on every call) is not needed."""
    from agent.service import coach

    response = coach(capability_request(spec, arguments, ctx), ctx)
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=response.markdown)],
        structuredContent=response.model_dump(mode="json"),
    )


def build_server(context_for: ContextFor) -> Server[Any, Any]:
    """The MCP server; `context_for` gives each call's settings (its principal included)."""
    server: Server[Any, Any] = Server(NAME, instructions=INSTRUCTIONS)
    capabilities = {spec.name: spec for spec in answering()}

    def call_context() -> CoachContext:
        request = server.request_context.request
        return context_for(request if request is not None else None)

    @server.list_tools()  # type: ignore[no-untyped-call, untyped-decorator]
    async def list_tools() -> list[types.Tool]:
        helpers = await anyio.to_thread.run_sync(_helpers, call_context())
        return [
            *(_capability_tool(spec) for spec in capabilities.values()),
            *(_helper_tool(helpers[name]) for name in HELPERS if name in helpers),
        ]

    # Arguments are checked by the typed request (one readable message), not by jsonschema.
    @server.call_tool(validate_input=False)  # type: ignore[untyped-decorator]
    async def call_tool(name: str, arguments: dict[str, Any]) -> Any:
        try:
            ctx = call_context()
            spec = capabilities.get(name)
            if spec is not None:
                return await anyio.to_thread.run_sync(_run_capability, spec, arguments, ctx)
            helpers = await anyio.to_thread.run_sync(_helpers, ctx)
            if name not in helpers:
                known = ", ".join([*capabilities, *HELPERS])
                raise InvalidInput(f"unknown tool '{name}'", fix=f"Tools: {known}")
            return await anyio.to_thread.run_sync(_run_helper, helpers[name], arguments)
        except CoachError as exc:
            return types.CallToolResult(
                content=[types.TextContent(type="text", text=str(exc))], isError=True
            )

    return server
