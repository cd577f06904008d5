"""One real PostgreSQL for the whole test session (evals/pg_cluster.py: a throw-away cluster in a
temporary folder on a loopback port), and a fresh database per test. Where the cluster cannot
start the tests skip with the reason, except under CI (CI=true), where they fail: `make test`
installs the server first (scripts/start-postgres.sh)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from evals import pg_cluster

_numbers = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster_running() -> Iterator[pg_cluster.Cluster]:
    try:
        import langgraph.checkpoint.postgres  # noqa: F401
        import psycopg_pool  # noqa: F401

        cluster = pg_cluster.start()
    except (ImportError, pg_cluster.ClusterError) as exc:
        reason = f"PostgreSQL tests need a local server ({exc}): run scripts/start-postgres.sh"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield cluster
    finally:
        from agent.stores.postgres import close_pools

        close_pools()
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster_running: pg_cluster.Cluster, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new, empty database, named in COACH_DATABASE_URL for this test (and its
    subprocesses)."""
    url = pg_cluster_running.create_database(f"t{os.getpid()}_{next(_numbers)}")
    monkeypatch.setenv("COACH_DATABASE_URL", url)
    return url
