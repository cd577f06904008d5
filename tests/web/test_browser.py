"""The copilot page end to end in a real headless Chromium: `coach serve` on a free loopback
port, a deal picked, a question answered as a stream with citations, a citation opened, the
win probability panel, a transcript replayed with cue cards; a second server with API keys
for the key entry. Screenshots go to bench-results/screenshots/<run>/ (printed).

Chromium comes from the distribution (scripts/install-browser.sh), never from Playwright's
download; the test skips only when it cannot be installed."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REPO

CHROMIUM = Path(os.environ.get("COACH_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 120_000  # a chat turn on 2 busy cores


def _chromium() -> Path:
    if not os.access(CHROMIUM, os.X_OK):
        subprocess.run([str(REPO / "scripts" / "install-browser.sh")], check=False)
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Chromium cannot be installed at {CHROMIUM} (scripts/install-browser.sh)")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def shots() -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    folder = REPO / "bench-results" / "screenshots" / f"web-{stamp}-{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]'")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(path), headless=True, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`coach serve` as a user starts it: the local mode (no keys, loopback only)."""
    port = _free_port()
    folder = tmp_path_factory.mktemp("serve")
    env = {
        **os.environ,
        "COACH_MEMORY": str(folder / "memory.sqlite"),
        "COACH_OUTBOX": str(folder / "outbox"),
        "COACH_CHAT_DB": str(folder / "chat.sqlite"),
        "COACH_WIN_MODEL": str(folder / "win_model.json"),
    }
    command = [sys.executable, "-m", "agent.interfaces.cli.app", "serve", "--port", str(port)]
    with (folder / "serve.log").open("w") as log:
        proc = subprocess.Popen(command, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((folder / "serve.log").read_text()[-2000:])
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _deal_with_a_call(url: str) -> str:
    """A deal of the workspace that has a call transcript to replay (whichever comes first)."""
    for deal in httpx.get(f"{url}/v1/deals", timeout=30).json():
        if httpx.get(f"{url}/v1/deals/{deal['id']}/transcript", timeout=30).status_code == 200:
            return str(deal["id"])
    pytest.fail("no deal in the workspace has a transcript")


def test_a_rep_asks_opens_a_citation_and_replays_a_call(
    served: str, browser: Any, shots: Path
) -> None:
    deal_id = _deal_with_a_call(served)
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1300, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{served}/")
    assert page.url.endswith("/app/")
    page.wait_for_selector(f"#deal option[value='{deal_id}']", state="attached")
    page.select_option("#deal", deal_id)
    page.wait_for_selector("#snapshot strong")
    assert deal_id in page.inner_text("#deal option:checked")

    # the win probability panel: a percentage, its interval and at least one signed factor
    page.wait_for_selector("#probability .big", timeout=WAIT_MS)
    assert page.inner_text("#probability .big").rstrip("%").isdigit()
    assert page.locator("#probability li").count() >= 1
    page.screenshot(path=str(shots / "1-deal.png"), full_page=True)

    # a question in the rep's own words; the answer streams in and cites its sources
    page.fill("#question", "what should I do next on this deal?")
    page.press("#question", "Enter")
    page.wait_for_selector(".msg.answer.done", timeout=WAIT_MS)
    answer = page.locator(".msg.answer").last
    assert len(answer.inner_text()) > 100
    assert answer.locator("script, img, iframe").count() == 0
    assert answer.locator("button.cite").count() >= 1  # the short answer cites too
    page.screenshot(path=str(shots / "2-answer.png"), full_page=True)

    # the chat leads with a short answer and offers its sources: the rep asks for them
    page.fill("#question", "show the sources")
    page.press("#question", "Enter")
    expect(page.locator(".msg.answer.done")).to_have_count(2, timeout=WAIT_MS)
    answer = page.locator(".msg.answer").last
    assert answer.locator("script, img, iframe").count() == 0

    # each kind of citation opens the exact passage or input it points to
    for selector in ("button.cite[title^='kb:']", "button.cite[title*='.']:not([title^='kb:'])"):
        button = answer.locator(selector).first
        ref = button.get_attribute("title")
        button.click()
        expect(page.locator("#source-ref")).to_have_text(ref or "")
        assert not page.locator("#source").is_hidden()
        assert page.inner_text("#source-text").strip()
    page.screenshot(path=str(shots / "3-citation.png"), full_page=True)

    # the deal's latest call replayed over the live WebSocket: cue cards appear
    page.click("#live summary")
    page.click("#replay")
    expect(page.locator("#live-status")).to_contain_text("done:", timeout=WAIT_MS)
    assert page.locator("#cards li.card").count() >= 1
    page.screenshot(path=str(shots / "4-live.png"), full_page=True)
    assert not errors, errors
    assert not page.locator("#error").is_visible()


def test_a_keyed_server_asks_for_a_key_and_scopes_what_the_page_shows(
    browser: Any, shots: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from agent.interfaces.http.app import create_app
    from tests.http.conftest import TENANT_DEALS, keyed_settings, serving, tenant_home

    with serving(create_app(keyed_settings(tenant_home(tmp_path)))) as url:
        page = browser.new_page()
        page.goto(f"{url}/app/")
        expect(page.locator("#key-form")).to_be_visible()
        expect(page.locator("#error")).to_contain_text("no API key")
        page.fill("#key", "not-a-key")
        page.press("#key", "Enter")
        expect(page.locator("#error")).to_contain_text("unknown API key")
        page.screenshot(path=str(shots / "5-key-refused.png"))

        page.fill("#key", "key-globex")
        page.press("#key", "Enter")
        expect(page.locator("#error")).to_be_hidden()
        options = page.locator("#deal option[value^='D-']")
        expect(options).to_have_count(len(TENANT_DEALS["globex"]))
        assert set(options.evaluate_all("os => os.map(o => o.value)")) == set(
            TENANT_DEALS["globex"]
        )
        assert page.evaluate("() => sessionStorage.getItem('coach-api-key')") == "key-globex"

        # the live WebSocket takes the key from the page too (browsers cannot send headers)
        page.select_option("#deal", TENANT_DEALS["globex"][0])
        page.click("#live summary")
        page.fill("#pasted", "Buyer: we have no budget for this until next year\nRep: I see.")
        page.click("#replay")
        expect(page.locator("#live-status")).to_contain_text("done: 2 utterances", timeout=WAIT_MS)
        page.screenshot(path=str(shots / "6-keyed.png"), full_page=True)

        page.click("#forget-key")
        expect(page.locator("#key-form")).to_be_visible()
