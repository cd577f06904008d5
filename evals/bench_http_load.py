"""Load and isolation test of the service (bounded, loopback only, stops by itself).

    python -m evals.bench_http --load --sessions 50 --seconds 300

`coach serve` runs in its own process with two tenants (each a copy of half the sample
workspace, each its own key). Every session is a thread with its own connection, a tenant and
one of its deals, and loops until the time is up over a mix: a capability on its typed route
(50%), the same as a Server-Sent Events stream (20%), a chat turn on its own thread (20%), and a
probe of the other tenant's deal by id (10%). Every answer is checked against what was asked:
the capability and deal in the response, the request id echoed in the header, the chat's deal,
and a 404 for the other tenant's deal. Anything else is an error; an answer for another deal,
session or tenant is cross-talk. Reported: p50/p95 per kind, throughput, errors, cross-talk.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx

from agent.resources import sample_workspace

MAX_SESSIONS, MAX_SECONDS = 200, 900
MIX = (("capability", 50), ("stream", 20), ("chat", 20), ("probe", 10))


def tenant_workspace(root: Path, tenant: str, deals: Iterable[str]) -> Path:
    """`root/tenants/<tenant>/workspace`: the sample's org files and only these deals, the
    workspace's grants naming the tenant."""
    sample = sample_workspace()
    workspace = root / "tenants" / tenant / "workspace"
    shutil.copytree(sample / "org", workspace / "org")
    shutil.copy(sample / "workspace.yaml", workspace / "workspace.yaml")
    (workspace / "org" / "access.yaml").write_text(f"tenant: {tenant}\n", encoding="utf-8")
    for deal in deals:
        shutil.copytree(sample / "deals" / deal, workspace / "deals" / deal)
    return workspace


def tenants(root: Path) -> tuple[dict[str, list[str]], dict[str, str], Path]:
    """Two tenants' workspaces under root/tenants/, and a keys file of their hashed keys."""
    sample = sample_workspace()
    deals = sorted(p.name for p in (sample / "deals").iterdir() if p.is_dir())
    split = {"acme": deals[: len(deals) // 2], "globex": deals[len(deals) // 2 :]}
    keys = {tenant: f"load-{tenant}-{uuid.uuid4().hex}" for tenant in split}
    lines = ["keys:"]
    for tenant, ids in split.items():
        tenant_workspace(root, tenant, ids)
        digest = hashlib.sha256(keys[tenant].encode()).hexdigest()
        lines.append(
            f"  - {{id: {tenant}, sha256: {digest}, tenant: {tenant}, per_minute: 100000}}"
        )
    path = root / "keys.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return split, keys, path


def _capabilities() -> list[str]:
    from agent.capabilities.registry import registry

    return [
        s.name
        for s in registry().values()
        if s.draft is not None and s.scope == "deal" and not s.entry.requires
    ]


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.crosstalk: list[str] = []

    def done(self, kind: str, ms: float, error: str | None = None, leak: str | None = None) -> None:
        with self.lock:
            self.latency[kind].append(ms)
            if error:
                self.errors.append(f"{kind}: {error}"[:300])
            if leak:
                self.crosstalk.append(f"{kind}: {leak}"[:300])


def _check(
    kind: str, got: httpx.Response, rid: str, deal: str, name: str
) -> tuple[str | None, str | None]:
    """(error, cross-talk) for one answer."""
    if got.headers.get("x-request-id") != rid:
        return None, f"request id {got.headers.get('x-request-id')} for {rid}"
    if kind == "probe":
        if got.status_code == 200:
            return None, f"another tenant's {deal} was readable"
        return (None if got.status_code == 404 else f"status {got.status_code}"), None
    if got.status_code != 200:
        return f"status {got.status_code}: {got.text[:200]}", None
    if kind == "chat":
        answer = got.json()["answer"]
        return None, (None if deal in answer else f"chat answer not about {deal}")
    if kind == "stream":
        last = got.text.strip().split("\n\n")[-1]
        if not last.startswith("event: response"):
            return f"stream ended with {last[:120]}", None
        body = json.loads(last.split("data: ", 1)[1])
    else:
        body = got.json()
    if (body["capability"], body["deal_id"]) != (name, deal):
        return None, f"{body['capability']}/{body['deal_id']} for {name}/{deal}"
    return None, None


def _session(
    url: str, key: str, deal: str, theirs: list[str], until: float, tally: Tally, seed: int
) -> None:
    rng = random.Random(seed)
    names = [name for name, _ in MIX]
    weights = [weight for _, weight in MIX]
    capabilities = _capabilities()
    thread = f"load-{seed}"
    with httpx.Client(
        base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=120
    ) as http:
        while time.monotonic() < until:
            kind = rng.choices(names, weights)[0]
            name = rng.choice(capabilities)
            rid = uuid.uuid4().hex[:16]
            headers = {"X-Request-ID": rid}
            started = time.perf_counter()
            target = deal
            try:
                if kind == "capability":
                    got = http.post(f"/v1/{name}", json={"deal_id": deal}, headers=headers)
                elif kind == "stream":
                    headers["Accept"] = "text/event-stream"
                    got = http.post(f"/v1/{name}", json={"deal_id": deal}, headers=headers)
                elif kind == "chat":
                    message = {"message": f"what should I do next on {deal}?", "deal_id": deal}
                    got = http.post(f"/v1/chat/{thread}", json=message, headers=headers)
                else:
                    target = rng.choice(theirs)
                    got = http.get(f"/v1/deals/{target}", headers=headers)
                error, leak = _check(kind, got, rid, target, name)
            except httpx.HTTPError as exc:
                error, leak = f"{type(exc).__name__}: {exc}", None
            tally.done(kind, (time.perf_counter() - started) * 1000, error, leak)


def run_load(sessions: int, seconds: float) -> dict[str, Any]:
    from evals.bench_http import server, stats

    sessions, seconds = min(sessions, MAX_SESSIONS), min(seconds, MAX_SECONDS)
    from agent.settings import CoachContext

    index = CoachContext.from_env().index_dir  # the knowledge index already built
    with tempfile.TemporaryDirectory(prefix="coach-load-") as folder:
        root = Path(folder)
        split, keys, keys_file = tenants(root)
        env = {"COACH_HOME": str(root), "COACH_API_KEYS": str(keys_file)}
        env["COACH_INDEX_DIR"] = str(index)
        tally = Tally()
        with server(env) as served:
            url = served.url
            until = time.monotonic() + seconds
            started = time.monotonic()
            workers = []
            for i in range(sessions):
                tenant = list(split)[i % len(split)]
                other = [t for t in split if t != tenant][0]
                deal = split[tenant][(i // len(split)) % len(split[tenant])]
                args = (url, keys[tenant], deal, split[other], until, tally, i)
                workers.append(threading.Thread(target=_session, args=args, daemon=True))
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            elapsed = time.monotonic() - started
    total = sum(len(v) for v in tally.latency.values())
    return {
        "sessions": sessions,
        "seconds": round(elapsed, 1),
        "requests": total,
        "throughput_per_s": round(total / elapsed, 2),
        "errors": len(tally.errors),
        "crosstalk": len(tally.crosstalk),
        "by_kind": {k: stats(v) for k, v in sorted(tally.latency.items())},
        "all": stats([x for v in tally.latency.values() for x in v]),
        "error_samples": tally.errors[:10],
        "crosstalk_samples": tally.crosstalk[:10],
    }
