"""An orchestrator's MCP client session with the coach: start `coach mcp` on stdio, list its
tools, ask for the next best action on a deal and use both halves of the answer (the typed
CoachingResponse as structured content, the markdown as text).

    python examples/mcp_client.py D-1003            # COACH_PRINCIPAL=rep-priya to act as a rep

Any MCP host (Claude Desktop, an agent framework) does the same with this server entry:
    {"command": "coach", "args": ["mcp"], "env": {"COACH_PRINCIPAL": "rep-priya"}}
"""

from __future__ import annotations

import os
import sys

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def main(deal_id: str) -> int:
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "agent.interfaces.cli.app", "mcp"],
        env=dict(os.environ),
    )
    async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        return await next_best_action(session, deal_id)


async def next_best_action(session: ClientSession, deal_id: str) -> int:
    """What an orchestrator does with an open session: find the tool, call it, read both the
    typed result and the text."""
    listed = await session.list_tools()
    print("tools:", ", ".join(tool.name for tool in listed.tools))
    result = await session.call_tool("next_best_action", {"deal_id": deal_id})
    if result.isError:
        print("error:", result.content[0].text if result.content else "?", file=sys.stderr)
        return 1
    response = result.structuredContent or {}
    primary = response["result"]["primary"]
    print(f"next best action on {response['deal_id']}: {primary['title']}")
    print(f"chance of success: {primary['probability']['value']:.0%}")
    text = result.content[0].text if result.content else ""
    print(f"markdown: {len(text)} characters, {len(response['citations'])} citations")
    return 0


if __name__ == "__main__":
    sys.exit(anyio.run(main, sys.argv[1] if len(sys.argv) > 1 else "D-1003"))
