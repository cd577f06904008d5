"""Who may call the service and what each caller reaches: API keys bound to tenants, and each
tenant's own folders.

The keys file (named by COACH_API_KEYS, YAML or JSON) stores only SHA-256 hashes of the keys,
so a leaked file opens nothing:

    keys:
      - id: acme-crm                 # a name for logs and rate limits, never the key
        sha256: 9f86d08...           # `coach serve --new-key acme` prints a key and this line
        tenant: acme
        principal: rep-priya         # optional: only what this rep may reach in the tenant
        per_minute: 120              # optional: the key's rate limit (default 120)
    tenants:                         # optional: folders elsewhere than COACH_HOME/tenants/<t>
      acme: {workspace: /srv/acme/workspace}

A tenant's workspace, long-term memory, chat threads, outbox, knowledge overlay and upstream
agents live in `<COACH_HOME>/tenants/<tenant>/` (workspace/, memory.sqlite, chat.sqlite,
outbox/, knowledge/, upstream.yaml): separate files, so no id a request sends can name another
tenant's data. The shared COACH_UPSTREAM file is not used with keys (its URLs name no tenant);
a tenant's own upstream.yaml (the same format, tools/upstream/config.py) has its own URLs and
auth_env names, and its own client, cache and breakers (one per file), so a tenant's deals are
never fetched with another tenant's URL or credentials, nor answered from its cache.

No keys file is the local mode: one tenant, the settings of the environment (COACH_*),
loopback only.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import Field

from agent.contracts.base import Contract
from agent.contracts.principal import _NAME, Principal
from agent.errors import InvalidInput
from agent.intake import LIMITS, parse_document, read_text
from agent.resources import state_dir
from agent.settings import CoachContext

LOCAL = "local"
DEFAULT_PER_MINUTE = 120
DEFAULT_TIMEOUT_S = 60.0


class KeyEntry(Contract):
    id: str = Field(pattern=_NAME.pattern)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    tenant: str = Field(pattern=_NAME.pattern)
    principal: str | None = Field(default=None, pattern=_NAME.pattern)
    per_minute: int = Field(default=DEFAULT_PER_MINUTE, gt=0, le=100_000)


class TenantFolders(Contract):
    home: Path | None = None
    workspace: Path | None = None


class KeysFile(Contract):
    keys: list[KeyEntry] = Field(default_factory=list)
    tenants: dict[str, TenantFolders] = Field(default_factory=dict)


@dataclass(frozen=True)
class Caller:
    """Who a request is from: its key's name, tenant and principal, with the key's limit."""

    key_id: str
    tenant: str
    principal: Principal | None
    per_minute: int = DEFAULT_PER_MINUTE


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    # None: the local mode (one tenant, the environment's settings, loopback only).
    keys: KeysFile | None = None
    home: Path | None = None  # where tenants/<tenant>/ live; the state folder by default
    timeout_s: float = DEFAULT_TIMEOUT_S  # one run (a capability, a chat turn): then 504
    local_per_minute: int = 600  # the rate limit of the local mode
    # Runs (capabilities, chat turns) at once; more wait for a slot (agent/interfaces/http/runs.py)
    max_runs: int = field(default_factory=lambda: 2 * (os.cpu_count() or 1))
    base: CoachContext = field(default_factory=CoachContext.from_env)
    protocols: bool = True  # MCP at /mcp and A2A at /a2a, behind the same keys
    url: str | None = None  # how callers reach the service (the A2A card names it)

    @property
    def public_url(self) -> str:
        return self.url or f"http://{self.host}:{self.port}"

    @property
    def local(self) -> bool:
        return self.keys is None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key(tenant: str) -> tuple[str, str]:
    """A fresh key and the keys-file entry that admits it (only its hash)."""
    key = f"coach_{secrets.token_urlsafe(32)}"
    entry = f"  - {{id: {tenant}-key, sha256: {hash_key(key)}, tenant: {tenant}}}"
    return key, entry


def read_keys(path: Path) -> KeysFile:
    from tools.workspace_files import validate_file

    data = parse_document(read_text(path, LIMITS.deal_file, "keys file"), str(path))
    keys = validate_file(KeysFile, data, str(path))
    assert isinstance(keys, KeysFile)
    if not keys.keys:
        raise InvalidInput("no keys", where=str(path), fix="Add one: `coach serve --new-key T`")
    return keys


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def tenant_context(settings: ServerSettings, tenant: str) -> CoachContext:
    """The settings every run of one tenant uses: its own folders, the environment's model
    and defaults. The local mode is the environment's settings as they are."""
    base = settings.base
    if settings.keys is None:
        return base
    folders = settings.keys.tenants.get(tenant, TenantFolders())
    root = settings.home or state_dir()
    home = folders.home or root / "tenants" / tenant
    workspace = folders.workspace or home / "workspace"
    (workspace / "deals").mkdir(parents=True, exist_ok=True)
    overlay = home / "knowledge"
    extra = (overlay.resolve(),) if overlay.is_dir() else ()
    upstream = home / "upstream.yaml"  # read when the tenant is first served
    return replace(
        base,
        workspace=workspace.resolve(),
        memory=home / "memory.sqlite",  # chat.sqlite is kept beside it (agent/chat/context.py)
        outbox=home / "outbox" / "events.jsonl",
        knowledge_dirs=(*base.knowledge_dirs, *extra),
        index_dir=home / "index" if extra else base.index_dir,
        principal=None,
        upstream=upstream.resolve() if upstream.is_file() else None,  # never the shared one
        tenant=tenant,  # its own schema when COACH_DATABASE_URL names a shared database
    )
