"""Recorded HTTP: cassettes from a real llama.cpp server (evals/record_cassettes.py). Normal runs
only replay (record mode none): a request that is not in the cassette fails, and so does a test
that leaves a recorded interaction unplayed. Auth headers are never written."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import vcr
from vcr.cassette import Cassette

CASSETTES = Path(__file__).resolve().parent / "cassettes"
RECORDING = os.environ.get("COACH_RECORD_CASSETTES") == "1"


@pytest.fixture
def cassette(request: pytest.FixtureRequest) -> Iterator[Cassette]:
    recorder = vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode="all" if RECORDING else "none",
        match_on=["method", "scheme", "host", "port", "path"],
        filter_headers=["authorization", "api-key", "x-api-key", "openai-organization"],
        decode_compressed_response=True,
    )
    with recorder.use_cassette(f"{request.node.name}.yaml") as recorded:
        yield recorded
        if not RECORDING:
            assert recorded.all_played, f"unused recordings in {request.node.name}.yaml"
