"""How to work with each buying-group role: shared by stakeholder strategy and meeting prep."""

from __future__ import annotations

# role: (approach, channel, collaboration, what is lost if they disengage)
ROLE_PLAYBOOK: dict[str, tuple[str, str, str, str]] = {
    "economic_buyer": (
        "Short, outcome-first conversations about business results, risk and timing; bring the "
        "champion, never a feature tour",
        "a 20-30 minute meeting arranged by the champion",
        "a business-case review where they challenge the numbers",
        "no one with budget authority owns the decision: the deal stalls or is cut in review",
    ),
    "champion": (
        "Equip them to sell internally: give them the story, the numbers and the objections they "
        "will face, and test their access to power",
        "regular calls plus a shared working doc",
        "co-write the mutual action plan and the internal business case",
        "no one sells for you when you are not in the room",
    ),
    "technical_evaluator": (
        "Be precise and evidence-led: architecture, integration, security; answer in writing and "
        "offer hands-on validation",
        "a technical working session with our solutions engineer",
        "a joint evaluation plan with agreed success criteria",
        "technical objections go unanswered and become vetoes",
    ),
    "business_evaluator": (
        "Tie every capability to their process and metrics; quantify the before and after",
        "a process walkthrough on their data",
        "a value-mapping workshop on their workflow",
        "the value case loses its operational backing",
    ),
    "user": (
        "Show the day-to-day change and what gets easier; collect their pain in their words",
        "a short hands-on session",
        "a pilot or sandbox with real cases",
        "adoption risk is discovered after signature",
    ),
    "coach": (
        "Ask for guidance on politics, process and priorities; protect their confidence",
        "informal one-to-one calls",
        "a review of our plan before we show it to others",
        "you lose your view of the internal politics",
    ),
    "blocker": (
        "Understand their objection at its root before countering it; find what they would "
        "need to see, and involve them rather than go around them",
        "a one-to-one conversation, then a working session on their concern",
        "a joint review of their criteria against each option",
        "their objection becomes the customer's decision",
    ),
    "procurement": (
        "Be early, organised and predictable: share paperwork, terms and the timeline before "
        "they ask",
        "email with a single point of contact",
        "an agreed paper process and dates",
        "paperwork starts late and the close date slips",
    ),
    "legal": (
        "Send the contract early and propose a redline session instead of email rounds",
        "email, then a call between counsel",
        "a single redline session with both legal teams",
        "contract terms stall the signature",
    ),
    "influencer": (
        "Keep them informed and ask for their view; use their credibility with decision makers",
        "occasional updates and a short call",
        "an invitation to the key demo",
        "a respected voice is lost or turns against you",
    ),
    "unknown": (
        "Find out their role in the decision before investing time",
        "a short discovery call",
        "an invitation to a working session",
        "an unknown influence on the decision",
    ),
}
