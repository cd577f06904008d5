"""The analysis of a deal kept between requests: analyze_deal is a pure function of the deal,
its reading, the date and the process it is read against, and a warm request about an
unchanged deal passes the same objects (the workspace hands out one context per deal version,
agent/memo.py; its reading is kept with it, agent/reading/read.py)."""

from __future__ import annotations

import datetime as dt

from agent.analysis.analyze import analyze_deal
from agent.analysis.model import Analysis
from agent.analysis.stage import ProcessInView
from agent.contracts.context import DealContext
from agent.contracts.facts import Reading
from agent.memo import PerObject


def kept_analysis(
    deal: DealContext, as_of: dt.date, reading: Reading | None, fallback: ProcessInView | None
) -> Analysis:
    """The analysis is a pure function of the deal, its reading, the date and the process it is
    read against: kept with the deal object (one per deal version), so a warm request about an
    unchanged deal computes it once. The reading and the process are checked by identity, so
    another reading (a model's) or another stage model computes afresh."""
    if reading is None:
        return analyze_deal(deal, as_of, reading, fallback)
    kept = _ANALYSES.get(
        deal,
        (as_of, id(reading), id(fallback)),
        lambda: (reading, fallback, analyze_deal(deal, as_of, reading, fallback)),
    )
    if kept[0] is reading and kept[1] is fallback:
        return kept[2]
    return analyze_deal(deal, as_of, reading, fallback)


# (reading, process, analysis), kept per deal object (dropped with it); the reading and the
# process are held so their ids are not reused while the entry is kept
_ANALYSES: PerObject[tuple[Reading, ProcessInView | None, Analysis]] = PerObject(maxsize=64)


def analysis_of(deal: DealContext, as_of: dt.date) -> Analysis:
    """analyze_deal(deal, as_of) (its reading read with no competitors named, no default
    process), kept per deal object and date: a rep's deals, analysed once per deal version for
    rep-level answers (performance coaching, a rep's pattern in process adherence)."""
    return _OF_DEAL.get(deal, as_of, lambda: analyze_deal(deal, as_of))


_OF_DEAL: PerObject[Analysis] = PerObject(maxsize=512)
