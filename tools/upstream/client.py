"""Calls upstream agents: a bounded GET per try, retries with exponential backoff and jitter,
a circuit breaker per agent and a cache per deal and agent with a stated staleness.

Nothing here raises for an agent's fault: every call ends in an `Outcome` holding either the
validated section or the reason it is missing, so a slow, failing or lying agent costs one
section, never the answer. The body is parsed within the same limits as a section file
(agent/intake.py) and validated against the section's contract; the section then joins the
deal context, where its text is screened for injected instructions exactly like a file's
(agent/nodes/read.py). A failure's reason names fields, never quotes the agent's text.
"""

from __future__ import annotations

import http.client
import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from agent.contracts.context import SECTION_MODELS
from agent.errors import InvalidInput, describe_validation_error
from agent.intake import LIMITS, decode, parse_document, read_stream
from agent.memo import Recent
from tools.deal_source import KEPT_DEALS
from tools.upstream import a2a
from tools.upstream.config import AgentEndpoint, UpstreamConfig, auth_value

RETRIED_STATUS = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Outcome:
    """One section as an agent delivered it: `value` None means missing, `reason` says why;
    a `stale` value came from the cache because the agent could not answer (`reason`)."""

    value: BaseModel | None
    url: str
    reason: str | None = None
    stale: bool = False
    age_s: float = 0.0


class Failure(Exception):
    """One failed try; `retry` says whether another try may help."""

    def __init__(self, reason: str, *, retry: bool) -> None:
        super().__init__(reason)
        self.reason, self.retry = reason, retry


class NoData(Exception):
    """404: the agent is up and has nothing for this deal, as a deal may have no section file."""


class Breaker:
    """Closed, then open after `failures` consecutive failures; after `cooldown_s` one trial
    call is let through (half-open): its success closes the circuit, its failure reopens it."""

    def __init__(self, failures: int, cooldown_s: float, clock: Callable[[], float]) -> None:
        self.failures, self.cooldown_s, self.clock = failures, cooldown_s, clock
        self.count = 0
        self.opened_at: float | None = None
        self.trial = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half-open" if self.clock() - self.opened_at >= self.cooldown_s else "open"

    def allow(self) -> bool:
        state = self.state
        if state == "closed":
            return True
        if state == "half-open" and not self.trial:
            self.trial = True
            return True
        return False

    def success(self) -> None:
        self.count, self.opened_at, self.trial = 0, None, False

    def failure(self) -> None:
        self.count += 1
        if self.trial or self.count >= self.failures:
            self.opened_at, self.trial = self.clock(), False

    def retry_in(self) -> float:
        return max(0.0, self.cooldown_s - (self.clock() - (self.opened_at or self.clock())))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: the auth header is never carried to another address."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def _get(
    url: str, agent: AgentEndpoint, environ: Mapping[str, str] | None, body: bytes | None = None
) -> bytes:
    """One call within the timeout and the section-file size limit: a GET, or with `body` a
    POST of JSON (A2A)."""
    headers = {"Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    secret = auth_value(agent, environ)
    if agent.auth_header and secret:
        headers[agent.auth_header] = secret
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 (http(s) checked)
    try:
        with _OPENER.open(request, timeout=agent.timeout_s) as response:
            return read_stream(response, LIMITS.deal_file, "upstream answer", url)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise NoData from None
        raise Failure(f"HTTP {exc.code}", retry=exc.code in RETRIED_STATUS) from None
    except TimeoutError:
        raise Failure(f"no answer within {agent.timeout_s:g} s", retry=True) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        cause = getattr(exc, "reason", None) or exc
        if isinstance(cause, TimeoutError):
            raise Failure(f"no answer within {agent.timeout_s:g} s", retry=True) from None
        raise Failure(f"connection failed ({type(cause).__name__})", retry=True) from None


class UpstreamClient:
    """One per config file per process: its breakers and cache outlive single requests."""

    def __init__(
        self,
        config: UpstreamConfig,
        *,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.config, self.environ = config, environ
        self.clock, self.sleep, self.jitter = clock, sleep, jitter
        self.breakers = {
            name: Breaker(a.breaker_failures, a.breaker_cooldown_s, clock)
            for name, a in config.agents.items()
        }
        # per (deal, section): the last answer, fresh for a while and a fallback after that;
        # for the most recent KEPT_DEALS deals (tools/deal_source.py), as `merged` below
        self._cache: Recent[tuple[str, str], tuple[float, BaseModel]] = Recent(
            maxsize=KEPT_DEALS * max(1, len(config.agents))
        )
        self._lock = threading.Lock()
        self.calls = 0  # HTTP tries made, for tests and benchmarks
        # per deal: the last merged context and what it was built from (tools/upstream/source)
        self.merged: Recent[str, tuple[tuple[object, ...], tuple[object, ...], Any]] = Recent(
            maxsize=KEPT_DEALS
        )

    def url(self, section: str, deal_id: str) -> str:
        template = self.config.agents[section].url
        return template.replace("{deal_id}", urllib.parse.quote(deal_id, safe=""))

    def fetch(self, section: str, deal_id: str) -> Outcome:
        agent = self.config.agents[section]
        url = self.url(section, deal_id)
        with self._lock:
            cached = self._cache.peek((deal_id, section))
            now = self.clock()
            if cached and now - cached[0] <= agent.fresh_for_s:
                return Outcome(cached[1], url, age_s=now - cached[0])
            breaker = self.breakers[section]
            allowed = breaker.allow()
        if not allowed:
            reason = f"circuit open after repeated failures; next try in {breaker.retry_in():.0f} s"
            return self._fallback(section, deal_id, url, agent, reason)
        try:
            value = self._fetch(section, deal_id, url, agent)
        except Exception as exc:  # noqa: BLE001 (an agent's fault never crashes the answer)
            reason = (
                exc.reason if isinstance(exc, Failure) else f"call failed ({type(exc).__name__})"
            )
            with self._lock:
                breaker.failure()
            return self._fallback(section, deal_id, url, agent, reason)
        with self._lock:
            breaker.success()
            if value is None:
                self._cache.discard((deal_id, section))
            else:
                self._cache.put((deal_id, section), (self.clock(), value))
        return Outcome(value, url)

    def _fallback(
        self, section: str, deal_id: str, url: str, agent: AgentEndpoint, reason: str
    ) -> Outcome:
        with self._lock:
            cached = self._cache.peek((deal_id, section))
            age = self.clock() - cached[0] if cached else 0.0
        if cached and age <= agent.usable_for_s:
            return Outcome(cached[1], url, reason=reason, stale=True, age_s=age)
        return Outcome(None, url, reason=reason)

    def _fetch(
        self, section: str, deal_id: str, url: str, agent: AgentEndpoint
    ) -> BaseModel | None:
        """Tries up to 1 + retries times; a body that does not parse or validate is not
        retried (the agent would say the same again). None: the agent has nothing (404)."""
        call = a2a.request_body(deal_id, section) if agent.protocol == "a2a" else None
        for attempt in range(agent.retries + 1):
            self.calls += 1
            try:
                body = _get(url, agent, self.environ, call)
                break
            except NoData:
                return None
            except Failure as exc:
                if not exc.retry or attempt == agent.retries:
                    raise
                base = agent.backoff_s * 2**attempt
                self.sleep(base / 2 + base / 2 * self.jitter())  # "equal jitter"
        try:
            data = parse_document(decode(body, url, "upstream answer"), url, json_only=True)
        except InvalidInput as exc:
            raise Failure(f"invalid answer: {exc.what}", retry=False) from None
        if agent.protocol == "a2a":
            data, problem = a2a.section_data(data)
            if problem:
                raise Failure(f"invalid answer: {problem}", retry=False)
        if not isinstance(data, dict):
            raise Failure("invalid answer: expected one JSON object", retry=False)
        try:
            return SECTION_MODELS[section].model_validate(data)
        except ValidationError as exc:  # the reason names fields, never quotes the agent's text
            problems = describe_validation_error(exc.errors(), quote=False)
            raise Failure(f"invalid answer: {problems}", retry=False) from None
