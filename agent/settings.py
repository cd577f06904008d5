"""Run-time settings, passed to the graph as its typed context (never read inside nodes from
the environment). `CoachContext.from_env` is the one way a run's settings are loaded (the
model's through ModelSettings.load); each COACH_* value is read and checked in
agent/settings_env.py, and the settings' JSON form (ContextInput) is agent/settings_json.py.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from agent.contracts.principal import Principal
from agent.intake import set_limits
from agent.memo import PerObject
from agent.model.factory import ModelSettings
from agent.resources import knowledge_dir, plays_dir, sample_workspace, state_dir
from agent.settings_env import (
    DEFAULT_CHAT_RETENTION_DAYS,
    DEFAULT_CHAT_WINDOW,
    limits_from_env,
    optional_path,
    principal_from_env,
    read_chat_window,
    read_database_url,
    read_retention_days,
)

if TYPE_CHECKING:  # annotations only: a command that lists deals imports no model layer
    from langchain_core.language_models import BaseChatModel

    from agent.contracts.context import DealContext
    from agent.contracts.probability import WinModel
    from agent.contracts.response import Citation
    from agent.sanitise import OutputPolicy

SAMPLE_WORKSPACE = sample_workspace()
KNOWLEDGE_ROOT = knowledge_dir()
PLAYS_DIR = plays_dir()
DEFAULT_INDEX = state_dir() / "index"
DEFAULT_OUTBOX = state_dir() / "outbox" / "events.jsonl"
DEFAULT_MEMORY = state_dir() / "memory.sqlite"
DEFAULT_WIN_MODEL = state_dir() / "models" / "win_model.json"  # what `coach calibrate` writes


@dataclass(frozen=True)
class CoachContext:
    workspace: Path = field(default=SAMPLE_WORKSPACE)
    plays_dir: Path = field(default=PLAYS_DIR)
    knowledge_dirs: tuple[Path, ...] = field(default=(KNOWLEDGE_ROOT,))
    index_dir: Path = field(default=DEFAULT_INDEX)
    chroma_url: str | None = None
    outbox: Path | None = field(default_factory=lambda: DEFAULT_OUTBOX)
    memory: Path | None = field(default_factory=lambda: DEFAULT_MEMORY)
    # The win-probability model `coach calibrate` fitted on closed deals; used when present.
    win_model: Path | None = field(default_factory=lambda: DEFAULT_WIN_MODEL)
    default_process: str = "proc-default-b2b"
    default_methodology: str = "MEDDICC"
    max_alternatives: int = 2
    max_guidance: int = 2
    # The chat model that writes (agent/llm.py); None means the template composer, offline.
    model: ModelSettings | None = None
    # A ready chat model (tests, an embedding application); wins over `model`.
    chat_model: BaseChatModel | None = field(default=None, compare=False)
    # Who is asking (agent/contracts/principal.py): only the deals, reps and threads it may
    # reach. None is the local single-user mode, where the whole workspace is reachable.
    principal: Principal | None = None
    # Hosts a link in an answer may point at (agent/sanitise.py); none by default.
    link_hosts: tuple[str, ...] = ()
    # Chat turns a thread keeps word for word; earlier ones are summarised (agent/chat/history).
    chat_window: int = DEFAULT_CHAT_WINDOW
    # Upstream agents called over HTTP (tools/upstream/config.py); None: every section a file.
    upstream: Path | None = None
    # A PostgreSQL database for chat threads and long-term memory, shared by every process and
    # worker that names it (agent/stores); None: the SQLite files beside COACH_MEMORY.
    database_url: str | None = None
    # Whose stores a run uses when one server holds several tenants (its keys file): a shared
    # database keeps each tenant in its own schema, as SQLite keeps each in its own files.
    # None: the installation's own (the CLI, a server without keys).
    tenant: str | None = None
    # Chat threads idle longer than this many days are deleted when a chat starts and by
    # `coach chat --prune`; 0 keeps every thread.
    chat_retention_days: float = DEFAULT_CHAT_RETENTION_DAYS

    def output_policy(
        self,
        citations: Sequence[Citation] = (),
        deal: DealContext | None = None,
        withheld: frozenset[str] = frozenset(),
    ) -> OutputPolicy:
        """What may leave in an answer: links to the allowed hosts and to the knowledge the
        answer cites (the team's own text, by provenance), the deal's contacts' addresses
        written as recipients, nothing else from the input."""
        from agent.sanitise import OutputPolicy

        cited = {c.ref for c in citations if _is_knowledge(c.ref)}
        mail = frozenset[str]()
        if deal is not None:
            mail = _DEAL_MAIL.get(deal, None, partial(_recipients, deal))
        return OutputPolicy(
            link_hosts=_hosts(self.link_hosts),
            link_targets=frozenset(cited | {ref.partition("#")[0] for ref in cited} | mail),
            withheld=withheld,
        )

    def fitted_win_model(self) -> WinModel | None:
        """The calibrated model if its file exists and reads (cached per file and version);
        None otherwise: the estimate then uses analytics, the process or the priors."""
        if self.win_model is None or not self.win_model.is_file():
            return None
        return _read_win_model(self.win_model, self.win_model.stat().st_mtime_ns)

    @property
    def model_name(self) -> str | None:
        if self.model is not None:
            return self.model.model
        return type(self.chat_model).__name__ if self.chat_model is not None else None

    def client(self) -> BaseChatModel | None:
        """The run's ready model, else one built (once per settings, lazily) from its model
        settings; None offline."""
        if self.chat_model is not None:
            return self.chat_model
        if self.model is None:
            return None
        from agent.model.factory import chat_model

        return chat_model(self.model)

    @classmethod
    def from_env(
        cls,
        workspace: Path | None = None,
        extra_knowledge: tuple[Path, ...] = (),
        index_dir: Path | None = None,
    ) -> CoachContext:
        """Explicit arguments win, then COACH_* variables, then the shipped defaults.

        COACH_HOME              where state lives (index, memory, outbox, eval runs); read by
                                agent.resources.state_dir, default .coach/ in a checkout, else
                                the user's data folder
        COACH_WORKSPACE         the workspace folder
        COACH_KNOWLEDGE_DIRS    extra knowledge folders (os.pathsep-separated) that extend or
                                override the shipped knowledge by document id
        COACH_INDEX_DIR         where the knowledge index lives
        COACH_CHROMA_URL        a Chroma server (http://host:port) instead of the embedded store
        COACH_OUTBOX            the JSON-lines file downstream events are appended to; empty
                                to keep events in responses only
        COACH_MEMORY            the SQLite file for long-term memory (coaching history and
                                call lessons); empty to remember nothing
        COACH_WIN_MODEL         the calibrated win-probability model (`coach calibrate`
                                writes it); empty to use analytics and priors only
        COACH_LINK_HOSTS        hosts (comma-separated) links in an answer may point at;
                                empty (the default) lets no link from the input out
        COACH_MODEL* / COACH_CONFIG   the chat model (ModelSettings.load in agent/model)
        COACH_PRINCIPAL         who is asking, `[tenant/]id` (COACH_REP is read too); unset is
                                the local single-user mode, where every deal is reachable
        COACH_CHAT_WINDOW       chat turns a thread keeps word for word (default 20); the
                                earlier ones are summarised
        COACH_UPSTREAM          a YAML file of upstream agents to call over HTTP (README:
                                Upstream agents over HTTP); unset: every section is a file
        COACH_DATABASE_URL      postgresql://... : chat threads and long-term memory in that
                                database (README: Shared stores); unset: SQLite files
        COACH_CHAT_RETENTION_DAYS  chat threads idle longer than this are deleted (default
                                90; 0 keeps them all)
        COACH_LIMIT_<NAME>      a size limit on what is read (`limits_from_env`), applied to
                                the whole process
        COACH_INJECTION_LEARNED 1 adds the learned signal to injection detection
                                (knowledge/injection_signal.py); off by default (its cost)
        """
        set_limits(limits_from_env())
        if os.environ.get("COACH_INJECTION_LEARNED", "").strip().lower() in ("1", "true", "on"):
            from knowledge.injection_signal import install

            install()
        chosen = workspace or Path(os.environ.get("COACH_WORKSPACE") or SAMPLE_WORKSPACE)
        env_dirs = [
            Path(p) for p in os.environ.get("COACH_KNOWLEDGE_DIRS", "").split(os.pathsep) if p
        ]
        extra = tuple(p.expanduser().resolve() for p in [*env_dirs, *extra_knowledge])
        index = index_dir or Path(os.environ.get("COACH_INDEX_DIR") or DEFAULT_INDEX)
        return cls(
            workspace=chosen.expanduser().resolve(),
            knowledge_dirs=(KNOWLEDGE_ROOT, *extra),
            index_dir=index.expanduser().resolve(),
            chroma_url=os.environ.get("COACH_CHROMA_URL") or None,
            outbox=optional_path(os.environ.get("COACH_OUTBOX"), DEFAULT_OUTBOX),
            memory=optional_path(os.environ.get("COACH_MEMORY"), DEFAULT_MEMORY),
            win_model=optional_path(os.environ.get("COACH_WIN_MODEL"), DEFAULT_WIN_MODEL),
            model=ModelSettings.load(),
            principal=principal_from_env(),
            link_hosts=tuple(
                h.strip() for h in os.environ.get("COACH_LINK_HOSTS", "").split(",") if h.strip()
            ),
            chat_window=read_chat_window(os.environ.get("COACH_CHAT_WINDOW")),
            upstream=optional_path(os.environ.get("COACH_UPSTREAM"), None),
            database_url=read_database_url(os.environ.get("COACH_DATABASE_URL")),
            chat_retention_days=read_retention_days(os.environ.get("COACH_CHAT_RETENTION_DAYS")),
        )


@lru_cache(maxsize=4)
def _read_win_model(path: Path, version: int) -> WinModel | None:
    """A file that does not read is reported once and ignored: the estimate never fails on it."""
    from agent.contracts.probability import WinModel

    del version  # part of the cache key: a rewritten file is read again
    try:
        return WinModel.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        logging.getLogger(__name__).warning(
            "win model %s ignored (%s): run `coach calibrate` again", path, type(exc).__name__
        )
        return None


# What `output_policy` builds from the settings and the deal alone, kept between requests: the
# allowed hosts per settings' tuple, the contacts' addresses per deal context object (a new
# deal version is a new object), and a citation's origin per ref.
@lru_cache(maxsize=64)
def _hosts(link_hosts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(h.lower() for h in link_hosts)


@lru_cache(maxsize=4096)
def _is_knowledge(ref: str) -> bool:
    from agent.contracts.provenance import origin_of

    return origin_of(ref) == "knowledge"


def _recipients(deal: DealContext) -> frozenset[str]:
    """The deal's contacts' addresses, as the recipients an answer may write."""
    return frozenset(f"mailto:{c.email.strip().lower()}" for c in deal.deal.contacts if c.email)


_DEAL_MAIL: PerObject[frozenset[str]] = PerObject(maxsize=64)
