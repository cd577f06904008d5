"""Every capability's output on the shipped sample workspace, written to a folder, so two
versions of the code can be compared byte for byte (a refactor must not change any answer).

    python -m evals.sample_outputs OUT_DIR
    diff -r BEFORE_DIR AFTER_DIR          # empty when nothing changed

For each sample deal: every deal capability (methodology coaching in four methods, an objection
guide for a typed objection, a debrief of each transcript), routing from a message, and the
live cue cards of each transcript; performance coaching for every rep. Each answer is written
as markdown and as JSON with the run's latency and its events' ids and times blanked (the
only values that vary). Memory and outbox are off, so runs neither read nor write history.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

DEAL_CAPABILITIES = (
    "next_best_action",
    "process_adherence",
    "stakeholder_strategy",
    "deal_strategy",
    "pre_call_brief",
    "meeting_agenda",
    "objection_guide",
    "methodology_coaching",
)
METHODOLOGIES = ("BANT", "SPIN", "Challenger", "Sandler")
MESSAGES = (
    "who should I engage in the buying group?",
    "they said we're too expensive",
    "prep me for the next call",
)


def _settings() -> Any:
    from agent.resources import sample_workspace
    from agent.settings import CoachContext

    return CoachContext(workspace=sample_workspace(), outbox=None, memory=None)


def _write(out: Path, name: str, response: Any) -> None:
    data = json.loads(response.model_dump_json())
    data["composition"]["latency_ms"] = 0
    for event in data.get("events", []):  # a fresh id and clock time per run
        event.update(id="-", created="-")
    (out / f"{name}.md").write_text(response.markdown, encoding="utf-8")
    (out / f"{name}.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def _live(out: Path, ctx: Any, deal_id: str, path: Path, on: dt.date) -> None:
    from agent.analysis import analyze_deal
    from agent.capabilities.live_assist.engine import LiveAssist
    from agent.reading.speaker_mapping import map_speakers
    from agent.reading.transcripts import read_transcript
    from agent.retrieval import index_for
    from tools.sources import workspace_source

    deal = workspace_source(ctx.workspace).load_context(deal_id)
    engine = LiveAssist(deal, analyze_deal(deal, on), index_for(ctx))
    for u in map_speakers(read_transcript(path), deal.deal).utterances:
        engine.feed(u)
    cards = [json.loads(c.model_dump_json()) | {"latency_ms": 0} for c in engine.cards]
    (out / f"{deal_id}.live.{path.stem}.json").write_text(
        json.dumps(cards, indent=1) + "\n", encoding="utf-8"
    )


def write_all(out: Path) -> int:
    from agent.contracts import CoachingRequest
    from agent.service import coach
    from tools.sources import workspace_source

    ctx = _settings()
    source = workspace_source(ctx.workspace)
    out.mkdir(parents=True, exist_ok=True)
    written = 0

    def run(name: str, **payload: Any) -> None:
        nonlocal written
        _write(out, name, coach(CoachingRequest.model_validate(payload), ctx))
        written += 1

    owners = set()
    for deal_id in source.deal_ids():
        owners.add(source.get_deal(deal_id).owner.id)
        for capability in DEAL_CAPABILITIES:
            run(f"{deal_id}.{capability}", capability=capability, deal_id=deal_id)
        for methodology in METHODOLOGIES:
            run(
                f"{deal_id}.methodology.{methodology}",
                capability="methodology_coaching",
                deal_id=deal_id,
                methodology=methodology,
            )
        run(
            f"{deal_id}.objection.typed",
            capability="objection_guide",
            deal_id=deal_id,
            message="they said we're too expensive compared with what they pay today",
        )
        for n, message in enumerate(MESSAGES):
            run(f"{deal_id}.routed.{n}", deal_id=deal_id, message=message)
        folder = source.root / "deals" / deal_id / "transcripts"
        for path in sorted(folder.glob("*")) if folder.is_dir() else []:
            day = dt.date.fromisoformat(path.name[:10])
            run(
                f"{deal_id}.debrief.{path.stem}",
                capability="post_call_analysis",
                deal_id=deal_id,
                transcript=path.read_text(encoding="utf-8"),
                transcript_source=path.name,
                meeting={"date": day},
            )
            _live(out, ctx, deal_id, path, day)
    for rep in sorted(owners):
        run(f"rep.{rep}", capability="performance_coaching", rep_id=rep)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    print(f"{write_all(args.out)} answers written to {args.out}")


if __name__ == "__main__":
    main()
