"""The coach as an MCP server (the official `mcp` SDK): a tool per capability, knowledge search
and deal lookup; stdio for desktop clients (`coach mcp`), streamable HTTP as an ASGI app to
mount (`agent.interfaces.mcp.http.mcp_http_app`)."""
