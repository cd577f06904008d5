"""A DealSource whose configured sections come from upstream agents over HTTP.

The workspace (or any inner source) still supplies the deal and every section not configured;
a configured section replaces the file's. A section the agent could not deliver is absent, its
reason in `DealContext.unavailable` (the response's `missing_inputs` and a warning say it); an
older cached answer standing in for a down agent is kept and named in `DealContext.stale`.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agent.contracts.context import SECTION_PURPOSE, DealContext
from agent.contracts.deal import Deal
from tools.deal_source import DealSource, DealSummary
from tools.upstream.client import Outcome, UpstreamClient
from tools.upstream.config import load_upstream


class UpstreamSource:
    """`inner` with its configured sections fetched from their agents."""

    def __init__(self, inner: DealSource, client: UpstreamClient) -> None:
        self.inner, self.client = inner, client

    @property
    def as_of(self) -> dt.date | None:
        return self.inner.as_of

    def list_deals(self) -> list[DealSummary]:
        return self.inner.list_deals()

    def get_deal(self, deal_id: str) -> Deal:
        return self.inner.get_deal(deal_id)

    def get_section(self, deal_id: str, section: str) -> BaseModel | None:
        if section in self.client.config.agents:
            return self.client.fetch(section, deal_id).value
        return self.inner.get_section(deal_id, section)

    def load_context(self, deal_id: str) -> DealContext:
        """The same context object while the file-read base and every fetched answer are the
        same objects (a fresh cache hit), so what is kept per context (agent/memo.py: the
        reading, the analysis, the grounds) is kept for HTTP sections too."""
        base = self.inner.load_context(deal_id)  # an unknown deal fails here, before any call
        outcomes = [
            (section, self.client.fetch(section, deal_id))
            for section in SECTION_PURPOSE
            if section in self.client.config.agents
        ]
        key = (base, *(o.value for _, o in outcomes))
        reasons = tuple((o.reason, o.stale) for _, o in outcomes)
        kept = self.client.merged.peek(deal_id)
        if kept and reasons == kept[1] and all(a is b for a, b in zip(key, kept[0], strict=True)):
            assert isinstance(kept[2], DealContext)
            return kept[2]
        merged = self._merge(base, outcomes)
        self.client.merged.put(deal_id, (key, reasons, merged))
        return merged

    def _merge(self, base: DealContext, outcomes: list[tuple[str, Outcome]]) -> DealContext:
        update: dict[str, Any] = {}
        sources = dict(base.sources)
        unavailable, stale = dict(base.unavailable), dict(base.stale)
        for section, outcome in outcomes:
            update[section] = outcome.value
            sources.pop(section, None)
            if outcome.value is None:
                if outcome.reason:  # else the agent has nothing for this deal (404)
                    unavailable[section] = outcome.reason
                continue
            sources[section] = outcome.url
            if outcome.stale:
                stale[section] = (
                    f"the agent could not answer ({outcome.reason}); its answer from "
                    f"{outcome.age_s:.0f} s ago is used"
                )
        update.update(sources=sources, unavailable=unavailable, stale=stale)
        return base.model_copy(update=update)


_CLIENTS: dict[Path, tuple[tuple[int, int], UpstreamClient]] = {}
_LOCK = threading.Lock()


def upstream_client(path: Path) -> UpstreamClient:
    """One client per config file per process (its breakers and cache persist), rebuilt when
    the file changes."""
    info = path.stat() if path.is_file() else None
    stamp = (info.st_mtime_ns, info.st_size) if info else (0, 0)
    with _LOCK:
        known = _CLIENTS.get(path)
        if known and known[0] == stamp:
            return known[1]
        client = UpstreamClient(load_upstream(path))  # a bad or missing file: InvalidInput
        _CLIENTS[path] = (stamp, client)
        return client


def upstream_source(inner: DealSource, config: Path | None) -> DealSource:
    """`inner` itself when no upstream agent is configured (files stay the default)."""
    if config is None:
        return inner
    client = upstream_client(config)
    return UpstreamSource(inner, client) if client.config.agents else inner
