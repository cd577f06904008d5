"""The analysis of a deal kept between requests: analyze_deal is a pure function of the deal,
its reading, the date and the process it is read against, and a warm request about an
unchanged deal passes the same objects (the workspace hands out one context per deal version,
agent/memo.py; its reading is kept with it, agent/reading/read.py).

In a batch run (the deal cache on, tools/deal_cache.py) the reading of an unchanged deal comes
back from disk with its home, and the analysis is kept there beside it, by date and process:
a second run the same day (another capability over the same pipeline, or the same one after
some deals changed) reads each unchanged deal's analysis back instead of computing it."""

from __future__ import annotations

import datetime as dt
import hashlib

from agent.analysis.analyze import analyze_deal
from agent.analysis.model import Analysis
from agent.analysis.stage import ProcessInView
from agent.contracts.context import DealContext
from agent.contracts.facts import Reading
from agent.memo import PerObject, home, home_of


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
        lambda: (reading, fallback, _stored(deal, as_of, reading, fallback)),
    )
    if kept[0] is reading and kept[1] is fallback:
        return kept[2]
    return analyze_deal(deal, as_of, reading, fallback)


# (reading, process, analysis), kept per deal object (dropped with it); the reading and the
# process are held so their ids are not reused while the entry is kept
_ANALYSES: PerObject[tuple[Reading, ProcessInView | None, Analysis]] = PerObject(maxsize=64)


def _stored(
    deal: DealContext, as_of: dt.date, reading: Reading, fallback: ProcessInView | None
) -> Analysis:
    """The analysis kept with a reading that has a home (agent/memo.py): the reading's home
    covers the deal's files and how they were read, so the date and the process (by content:
    a default stage model edited in the knowledge is another key) complete the inputs. It is
    kept without its reading (an empty one in its place: reading a copy back from disk was a
    third of what loading the analysis cost), and the request's own reading is put back, so
    what is kept per reading (its grounds) is found again. Without a home, computed."""
    if home_of(reading) is None:
        return analyze_deal(deal, as_of, reading, fallback)
    key = (as_of.isoformat(), _process_key(fallback))
    stored = _ON_DISK.get(
        reading,
        key,
        lambda: analyze_deal(deal, as_of, reading, fallback).model_copy(
            update={"reading": _NOTHING_READ}
        ),
    )
    analysis = stored.model_copy(update={"reading": reading})
    if (where := home_of(stored)) is not None:  # the same content: what it grounds is kept too
        home(analysis, where)
    return analysis


_ON_DISK: PerObject[Analysis] = PerObject(maxsize=64, kept="analysis", kind=Analysis)
_NOTHING_READ = Reading()


def _process_key(view: ProcessInView | None) -> str:
    if view is None:
        return "-"
    return _PROCESS_KEYS.get(view, None, lambda: _digest(view))


def _digest(view: ProcessInView) -> str:
    text = f"{view.doc_id}\n{view.standard.model_dump_json()}".encode()
    return hashlib.blake2b(text, digest_size=12).hexdigest()


_PROCESS_KEYS: PerObject[str] = PerObject(maxsize=8)


def analysis_of(deal: DealContext, as_of: dt.date) -> Analysis:
    """analyze_deal(deal, as_of) (its reading read with no competitors named, no default
    process), kept per deal object and date: a rep's deals, analysed once per deal version for
    rep-level answers (performance coaching, a rep's pattern in process adherence)."""
    return _OF_DEAL.get(deal, as_of, lambda: analyze_deal(deal, as_of))


_OF_DEAL: PerObject[Analysis] = PerObject(maxsize=512)
