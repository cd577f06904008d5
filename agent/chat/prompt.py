"""The system message of a tool-calling turn, from prompts/chat_system.md (both sections: the
rules, then what the thread has in focus)."""

from __future__ import annotations

from langchain_core.messages import SystemMessage

from agent.model.prompts import load_prompt


def system_message(deal_id: str | None, rep_id: str | None) -> SystemMessage:
    rendered = load_prompt("chat_system").invoke({"deal_id": deal_id, "rep_id": rep_id})
    return SystemMessage("\n\n".join(str(m.content) for m in rendered.to_messages()))
