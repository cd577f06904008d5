"""A tiny knowledge folder written per test: fast to ingest, and safe to break on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

OBJECTION_SECTIONS = [
    "Where it shows up",
    "Root-cause questions",
    "Acknowledge, reframe, respond",
    "Feel, felt, found",
    "Proof points",
    "Bridge back to value",
    "If they are still not satisfied",
    "When and how to escalate",
    "For the economic buyer",
    "For the technical evaluator",
    "For the end user",
    "For procurement",
]
CARD_SECTIONS = [
    "Overview",
    "Strengths",
    "Weaknesses",
    "Landmines to lay",
    "Traps they set",
    "Talking points",
    "Counters to their claims",
    "Win stories",
    "Loss stories",
]


def doc(front: str, sections: list[str], body: str) -> str:
    text = "".join(f"## {s}\n{body} ({s.lower()}).\n\n" for s in sections)
    return f"---\n{front.strip()}\n---\n\n{text}"


def write_small_kb(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "obj-price.md").write_text(
        doc(
            """
id: obj-price
type: objection
title: Your price is too high
stages: [proposal, negotiate]
personas: [economic_buyer, procurement]
category: price
phrasings: ["You're too expensive", "That's over budget"]
""",
            OBJECTION_SECTIONS,
            "When the buyer says the price is too high, ask what they compare it "
            "with and show the cost of doing nothing",
        )
    )
    (folder / "obj-security.md").write_text(
        doc(
            """
id: obj-security
type: objection
title: We cannot put our data in the cloud
stages: [solution]
personas: [technical_evaluator]
category: security
phrasings: ["Our data must stay on premises"]
""",
            OBJECTION_SECTIONS,
            "Security reviewers worry about data residency, encryption and access "
            "control; bring the security pack",
        )
    )
    (folder / "bc-rivalco.md").write_text(
        doc(
            """
id: bc-rivalco
type: battle_card
title: Rivalco battle card
stages: [solution, proposal]
competitors: [Rivalco]
owner: Competitive intelligence team
last_verified: 2026-10-01
""",
            CARD_SECTIONS,
            "Rivalco sells long implementations and rigid licences; plant questions "
            "about time to value",
        )
    )
    return folder


@pytest.fixture
def small_kb(tmp_path: Path) -> Path:
    return write_small_kb(tmp_path / "kb")
