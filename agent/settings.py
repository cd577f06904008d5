"""Run-time settings, passed to the graph as its typed context (never read inside nodes from
the environment). This module is the one place environment variables are read: `CoachContext.
from_env` for a run (the model's through ModelSettings.load), `LogSettings.from_env` for logging.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from agent.contracts.principal import Principal
from agent.errors import InvalidInput, clip
from agent.intake import FIXED, Limits, parse_size, set_limits
from agent.log import DEFAULT_FORMAT, DEFAULT_LEVEL, FORMATS, LEVELS, Format
from agent.model.factory import ModelSettings
from agent.resources import knowledge_dir, plays_dir, sample_workspace, state_dir

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
DEFAULT_CHAT_WINDOW = 20
DEFAULT_CHAT_RETENTION_DAYS = 90.0
DATABASE_SCHEMES = ("postgresql://", "postgres://")


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
        from agent.contracts.provenance import origin_of
        from agent.sanitise import OutputPolicy

        cited = {c.ref for c in citations if origin_of(c.ref) == "knowledge"}
        contacts = deal.deal.contacts if deal is not None else []
        mail = {f"mailto:{c.email.strip().lower()}" for c in contacts if c.email}
        return OutputPolicy(
            link_hosts=frozenset(h.lower() for h in self.link_hosts),
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
            outbox=_optional_path(os.environ.get("COACH_OUTBOX"), DEFAULT_OUTBOX),
            memory=_optional_path(os.environ.get("COACH_MEMORY"), DEFAULT_MEMORY),
            win_model=_optional_path(os.environ.get("COACH_WIN_MODEL"), DEFAULT_WIN_MODEL),
            model=ModelSettings.load(),
            principal=principal_from_env(),
            link_hosts=tuple(
                h.strip() for h in os.environ.get("COACH_LINK_HOSTS", "").split(",") if h.strip()
            ),
            chat_window=_chat_window(os.environ.get("COACH_CHAT_WINDOW")),
            upstream=_optional_path(os.environ.get("COACH_UPSTREAM"), None),
            database_url=_database_url(os.environ.get("COACH_DATABASE_URL")),
            chat_retention_days=_retention_days(os.environ.get("COACH_CHAT_RETENTION_DAYS")),
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


@dataclass(frozen=True)
class LogSettings:
    """How the process logs (agent/log.py): not part of a run's context, since logging is set
    up once per process, before any graph runs."""

    level: str = DEFAULT_LEVEL
    format: Format = DEFAULT_FORMAT

    @classmethod
    def from_env(
        cls,
        level: str | None = None,
        fmt: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> LogSettings:
        """Explicit arguments (the CLI's --log-level and --log-format) win, then:

        COACH_LOG_LEVEL     DEBUG, INFO, WARNING (default) or ERROR
        COACH_LOG_FORMAT    text (default: for people) or json (one object per line)
        """
        env = os.environ if environ is None else environ
        chosen_level = (level or env.get("COACH_LOG_LEVEL") or DEFAULT_LEVEL).strip().upper()
        if chosen_level not in LEVELS:
            raise InvalidInput(
                f"unknown log level '{chosen_level.lower()}'",
                where="--log-level" if level else "COACH_LOG_LEVEL",
                fix=f"Use one of: {', '.join(LEVELS)}",
            )
        chosen_format = (fmt or env.get("COACH_LOG_FORMAT") or DEFAULT_FORMAT).strip().lower()
        for known in FORMATS:
            if chosen_format == known:
                return cls(chosen_level, known)
        raise InvalidInput(
            f"unknown log format '{chosen_format}'",
            where="--log-format" if fmt else "COACH_LOG_FORMAT",
            fix=f"Use one of: {', '.join(FORMATS)}",
        )


def limits_from_env(environ: Mapping[str, str] | None = None) -> Limits:
    """The size limits on every read (agent/intake.py, Limits): COACH_LIMIT_<NAME> for each
    field (COACH_LIMIT_TRANSCRIPT=1MB, COACH_LIMIT_UTTERANCES=5000); unset keeps its default.
    A value that is not a positive number or size is one message naming the variable."""
    env = os.environ if environ is None else environ
    changes = {
        f.name: parse_size(value, f"COACH_LIMIT_{f.name.upper()}")
        for f in fields(Limits)
        if f.name not in FIXED and (value := env.get(f"COACH_LIMIT_{f.name.upper()}", "").strip())
    }
    return Limits(**changes)


def principal_from_env() -> Principal | None:
    text = os.environ.get("COACH_PRINCIPAL") or os.environ.get("COACH_REP")
    return Principal.parse(text, where="COACH_PRINCIPAL") if text and text.strip() else None


def _env_number(
    value: str | None, where: str, default: float, least: float, unit: str, fix: str
) -> float:
    """A number of `unit` from the environment: unset or empty is the default; anything else
    below `least`, not finite or not a number is refused with `fix`."""
    if value is None or not value.strip():
        return default
    try:
        number = float(value.strip())
    except ValueError:
        number = least - 1
    if not least <= number < 1e9:  # also refuses inf and nan
        raise InvalidInput(
            f"'{clip(value.strip())}' is not a number of {unit}", where=where, fix=fix
        )
    return number


def _chat_window(value: str | None) -> int:
    fix = f"Set a whole number of 1 or more (default {DEFAULT_CHAT_WINDOW}), or unset it"
    turns = _env_number(value, "COACH_CHAT_WINDOW", DEFAULT_CHAT_WINDOW, 1, "turns", fix)
    if turns != int(turns):
        raise InvalidInput(
            f"'{clip(str(value).strip())}' is not a number of turns",
            where="COACH_CHAT_WINDOW",
            fix=fix,
        )
    return int(turns)


def _database_url(value: str | None) -> str | None:
    """Unset or empty: no shared database. Anything else must be a PostgreSQL URL; the
    message never repeats it (it may hold a password)."""
    if value is None or not value.strip():
        return None
    url = value.strip()
    if not url.startswith(DATABASE_SCHEMES):
        raise InvalidInput(
            "COACH_DATABASE_URL is not a PostgreSQL URL",
            where="COACH_DATABASE_URL",
            fix="Set postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE, or unset it to keep "
            "chat threads and memory in SQLite files",
        )
    return url


def _retention_days(value: str | None) -> float:
    fix = (
        f"Set 0 (keep every thread) or more (default {DEFAULT_CHAT_RETENTION_DAYS:g}), or unset it"
    )
    return _env_number(
        value, "COACH_CHAT_RETENTION_DAYS", DEFAULT_CHAT_RETENTION_DAYS, 0, "days", fix
    )


def api_keys_file() -> Path | None:
    """COACH_API_KEYS: the API keys file of `coach serve` (agent/interfaces/http/config.py);
    unset is the local mode (loopback only, one tenant)."""
    value = os.environ.get("COACH_API_KEYS")
    return Path(value).expanduser() if value else None


def _optional_path(value: str | None, default: Path | None) -> Path | None:
    """Unset means the default; set but empty means switched off."""
    if value is None:
        return default
    return Path(value).expanduser().resolve() if value else None


class ContextInput(BaseModel):
    """The run's settings as JSON, for callers outside this process (a LangGraph server, Studio,
    a subgraph fed from JSON): what the graphs declare as their context schema. Unset fields
    come from the COACH_* environment (CoachContext.from_env), so a server honours the same
    settings as the CLI; paths are strings and an empty `outbox`/`memory`/`win_model` switches
    it off, as in the environment. Unknown keys are ignored rather than refused because a
    LangGraph server mirrors its own configurable keys (thread_id, graph_id ...) into the
    context of a run that names none."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    workspace: str | None = Field(default=None, description="The workspace folder.")
    knowledge_dirs: tuple[str, ...] = Field(
        default=(), description="Extra knowledge folders, after COACH_KNOWLEDGE_DIRS."
    )
    index_dir: str | None = Field(default=None, description="Where the knowledge index lives.")
    chroma_url: str | None = None
    outbox: str | None = Field(default=None, description="Events file; empty: none.")
    memory: str | None = Field(default=None, description="Long-term memory file; empty: none.")
    win_model: str | None = Field(default=None, description="Calibrated model; empty: none.")
    default_process: str | None = None
    default_methodology: str | None = None
    max_alternatives: int | None = Field(default=None, ge=0, le=10)
    max_guidance: int | None = Field(default=None, ge=0, le=10)
    principal: str | None = Field(default=None, description="Who asks: `[tenant/]id`.")
    link_hosts: tuple[str, ...] | None = None

    def resolve(self) -> CoachContext:
        """The CoachContext these settings mean, over the environment's (cached per value and
        environment: every node of a run asks)."""
        return _resolve(self, _environment())


def _environment() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("COACH_")))


@lru_cache(maxsize=32)
def _resolve(given: ContextInput, environment: tuple[tuple[str, str], ...]) -> CoachContext:
    del environment  # part of the cache key: a changed environment is read again
    base = CoachContext.from_env(
        Path(given.workspace) if given.workspace else None,
        tuple(Path(p) for p in given.knowledge_dirs),
        Path(given.index_dir) if given.index_dir else None,
    )
    plain = ("chroma_url", "default_process", "default_methodology", "max_alternatives")
    changes: dict[str, object] = {
        name: getattr(given, name)
        for name in (*plain, "max_guidance")
        if getattr(given, name) is not None
    }
    changes |= {  # paths: empty switches it off, as in the environment
        name: _optional_path(getattr(given, name), Path())
        for name in ("outbox", "memory", "win_model")
        if getattr(given, name) is not None
    }
    if given.principal is not None:
        changes["principal"] = (
            Principal.parse(given.principal, where="context.principal")
            if given.principal.strip()
            else None
        )
    if given.link_hosts is not None:
        changes["link_hosts"] = tuple(h.strip() for h in given.link_hosts if h.strip())
    return replace(base, **changes) if changes else base  # type: ignore[arg-type]


def settings(context: CoachContext | ContextInput | None) -> CoachContext:
    """The run's settings: a CoachContext as given (in-process callers), JSON settings over the
    environment's (a server or Studio: see ContextInput); defaults when the graph is invoked
    without a context (for example as a subgraph)."""
    if isinstance(context, ContextInput):
        return context.resolve()
    return context if context is not None else CoachContext()
