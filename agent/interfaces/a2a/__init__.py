"""The coach as an A2A agent (`a2a-sdk`): an agent card listing each capability as a skill,
JSON-RPC `SendMessage` (and v0.3's `message/send`) with streaming, and task states; an ASGI app
to mount (`agent.interfaces.a2a.app.a2a_app`)."""
