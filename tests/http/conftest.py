"""A real uvicorn server on loopback (a free port, in a thread) for the service's tests, with
two tenants, each its own copy of part of the sample workspace, and keys for each."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from agent.interfaces.http.app import create_app
from agent.interfaces.http.config import KeyEntry, KeysFile, ServerSettings, hash_key
from agent.settings import CoachContext
from evals.bench_http_load import tenant_workspace
from tests.conftest import REPO

TENANT_DEALS = {"acme": ("D-1001", "D-1002", "D-1003", "D-1006"), "globex": ("D-1008", "D-1010")}
KEYS = {  # key -> (tenant, principal, per minute)
    "key-acme": ("acme", None, 10_000),
    "key-acme-priya": ("acme", "rep-priya", 10_000),
    "key-globex": ("globex", None, 10_000),
    "key-acme-slow": ("acme", None, 2),
}


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """The app on 127.0.0.1 at a free port; yields its base URL, stops it afterwards."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def tenant_home(root: Path) -> Path:
    """COACH_HOME/tenants/<tenant>/workspace for each tenant, with only its own deals."""
    for tenant, deals in TENANT_DEALS.items():
        tenant_workspace(root, tenant, deals)
    # globex's own knowledge overlay: one objection no other tenant has
    source = (REPO / "knowledge" / "objections" / "obj-no-budget-this-year.md").read_text()
    overlay = root / "tenants" / "globex" / "knowledge" / "objections"
    overlay.mkdir(parents=True)
    text = source.replace("obj-no-budget-this-year", "obj-globex-quokka-freeze")
    (overlay / "obj-globex-quokka-freeze.md").write_text(
        text.replace("## Where it shows up\n", "## Where it shows up\nThe quokka freeze. "),
        encoding="utf-8",
    )
    return root


def keyed_settings(home: Path, **changes: Any) -> ServerSettings:
    entries = [
        KeyEntry(id=key, sha256=hash_key(key), tenant=t, principal=p, per_minute=n)
        for key, (t, p, n) in KEYS.items()
    ]
    base = replace(CoachContext(), memory=None, outbox=None)
    return ServerSettings(keys=KeysFile(keys=entries), home=home, base=base, **changes)


@dataclass
class Service:
    url: str

    def client(self, key: str | None = None, headers: dict[str, str] | None = None) -> httpx.Client:
        sent = {**({"Authorization": f"Bearer {key}"} if key else {}), **(headers or {})}
        return httpx.Client(base_url=self.url, headers=sent, timeout=60)


@pytest.fixture(scope="package")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    home = tenant_home(tmp_path_factory.mktemp("coach-home"))
    with serving(create_app(keyed_settings(home))) as url:
        yield Service(url)


@pytest.fixture(scope="package")
def local_service() -> Iterator[Service]:
    """No keys: the local mode, the environment's settings."""
    base = replace(CoachContext(), memory=None, outbox=None)
    with serving(create_app(ServerSettings(base=base))) as url:
        yield Service(url)
