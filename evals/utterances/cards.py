"""Live-assist cards on the sample calls, phrase lists (before) against the classifier (after):
`python -m evals.utterances.cards [--out FILE.md]`.

Every sample transcript is replayed through LiveAssist twice, the second time with the
classifier deciding objections, stalls, frustration and buying signals, and every card is listed
with the words that fired it, so a reader can mark the wrong ones. It also times each
utterance with the classifier (the cost live assist pays; budget 50 ms p95).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path

from agent.resources import sample_workspace


def replay(deal_id: str, path: Path, model: bool) -> tuple[list[str], list[float]]:
    from agent.analysis import analyze_deal
    from agent.capabilities.live_assist.engine import LiveAssist
    from agent.reading.speaker_mapping import map_speakers
    from agent.reading.transcripts import read_transcript
    from agent.retrieval import index_for
    from agent.settings import CoachContext
    from tools.sources import workspace_source

    ctx = CoachContext(workspace=sample_workspace())
    source = workspace_source(ctx.workspace, ctx.principal)
    deal = source.load_context(deal_id)
    engine = LiveAssist(deal, analyze_deal(deal, source.as_of or dt.date.today()), index_for(ctx))
    if not model:
        engine.recent.classifier = None
    call = map_speakers(read_transcript(path), deal.deal)
    lines, costs = [], []
    for u in call.utterances:
        began = time.perf_counter()
        cards = engine.feed(u)
        costs.append((time.perf_counter() - began) * 1000)
        lines += [f"- {c.kind} ({c.why.speaker}, #{u.index}): {c.why.excerpt}" for c in cards]
    return lines, costs


def cards() -> str:
    out, costs = ["# Live-assist cards on the sample calls", ""], []
    for path in sorted((sample_workspace() / "deals").glob("*/transcripts/*")):
        deal_id = path.parent.parent.name
        for model in (False, True):
            lines, cost = replay(deal_id, path, model)
            costs += cost if model else []
            out += [f"## {deal_id} {path.name}: {'classifier' if model else 'phrase lists'}", ""]
            out += [*lines, ""] if lines else ["(no cards)", ""]
    costs.sort()
    p95 = costs[int(0.95 * (len(costs) - 1))]
    out.append(
        f"Per utterance with the classifier: median {statistics.median(costs):.1f} ms, "
        f"p95 {p95:.1f} ms, max {costs[-1]:.1f} ms over {len(costs)} utterances."
    )
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    from evals.utterances.report import markdown_command

    return markdown_command(cards, __doc__ or "", argv)


if __name__ == "__main__":
    raise SystemExit(main())
