"""Re-record the HTTP cassettes of tests/recorded against a real local server.

    python -m evals.record_cassettes        (or: make record)

Starts the llama.cpp server (evals/local_model.py), deletes the old cassettes, runs the recorded
tests with recording on, and stops the server. Commit the new YAML files; CI only replays them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from evals.local_model import local_server

CASSETTES = Path(__file__).resolve().parent.parent / "tests" / "recorded" / "cassettes"


def main() -> int:
    for old in CASSETTES.glob("*.yaml"):
        old.unlink()
    with local_server():
        env = {**os.environ, "COACH_RECORD_CASSETTES": "1", "LANGSMITH_TEST_TRACKING": "false"}
        return subprocess.call([sys.executable, "-m", "pytest", "tests/recorded", "-q"], env=env)


if __name__ == "__main__":
    raise SystemExit(main())
