"""Request size, per-key rate limits and the per-run timeout."""

from __future__ import annotations

import httpx

from agent.intake import LIMITS
from agent.interfaces.http.app import create_app
from tests.http.conftest import Service, keyed_settings, serving, tenant_home


def test_a_request_over_the_size_limit_is_413(service: Service) -> None:
    body = b'{"message": "' + b"x" * LIMITS.request + b'"}'
    with service.client("key-acme") as http:
        got = http.post("/v1/coach", content=body, headers={"content-type": "application/json"})
    assert got.status_code == 413 and "larger than" in got.json()["error"]["message"]


def test_a_key_over_its_rate_is_429_with_retry_after(service: Service) -> None:
    with service.client("key-acme-slow") as http:
        codes = [http.get("/v1/deals").status_code for _ in range(3)]
        last = http.get("/v1/deals")
    assert codes == [200, 200, 429]
    assert last.status_code == 429 and int(last.headers["Retry-After"]) >= 1
    with service.client("key-acme") as http:  # the limit is the key's, not the tenant's
        assert http.get("/v1/deals").status_code == 200


def test_a_run_over_its_time_is_504(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(keyed_settings(tenant_home(tmp_path), timeout_s=0.001))
    with serving(app) as url:
        got = httpx.post(
            f"{url}/v1/deal_strategy",
            json={"deal_id": "D-1003"},
            headers={"Authorization": "Bearer key-acme"},
            timeout=60,
        )
    assert got.status_code == 504 and got.json()["error"]["code"] == "timeout"
