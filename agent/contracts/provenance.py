"""Where a piece of text came from, read off the citation ref that points at it.

Every statement the coach makes is cited (`deal.activities[3]`, `argumentation.messages[0]`,
`transcript.utterances[12]`, `kb:play-id#section`), so the ref already says who wrote the text:
the CRM, a call, an upstream agent, the shipped or the team's knowledge, the rep (what they typed
in the request) or the agent itself (its own earlier advice). Whatever leaves the agent is
treated by that origin: only knowledge is authored by the team and may be linked to; everything
else is data from outside and never becomes a link, an image or markup.
"""

from __future__ import annotations

import re
from typing import Literal

from agent.contracts.context import SECTION_PURPOSE

Origin = Literal["crm", "transcript", "upstream", "knowledge", "rep", "agent"]

KNOWLEDGE_PREFIX = "kb:"  # knowledge.documents.KB_PREFIX; contracts cannot import knowledge
# `D-1003:deal.activities[3]`: a rep-level ref into one of the rep's deals
_DEAL_REF = re.compile(r"^[\w-]+:(?=\w)")
_ROOT = re.compile(r"^(\w+)")
_ROOTS: dict[str, Origin] = {
    "deal": "crm",
    "rep": "crm",  # the rep's own record in the CRM
    "transcript": "transcript",
    "calls": "transcript",  # a rep's call transcripts
    "request": "rep",
    "history": "agent",  # the coach's earlier advice, from its memory
    **{section: "upstream" for section in SECTION_PURPOSE},
}
# What the rep sent that is a call, not their own words.
_REQUEST_TRANSCRIPT = re.compile(r"^request\.transcript\b")


def origin_of(ref: str) -> Origin | None:
    """The origin of the text a ref points at; None for a ref of no known kind, which a caller
    treats as input (the strictest)."""
    ref = ref.strip()
    if ref.startswith(KNOWLEDGE_PREFIX):
        return "knowledge"
    ref = _DEAL_REF.sub("", ref, count=1)
    if _REQUEST_TRANSCRIPT.match(ref):
        return "transcript"
    root = _ROOT.match(ref)
    return _ROOTS.get(root.group(1)) if root else None


def is_input(ref: str) -> bool:
    """True unless the text is the team's knowledge or the agent's own: input is data."""
    return origin_of(ref) not in ("knowledge", "agent")
