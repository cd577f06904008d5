"""Each COACH_* value read from the environment and checked: a value that does not read is one
message naming the variable and how to fix it. `CoachContext.from_env` (agent/settings.py) builds
a run's settings from these; logging, the size limits and the server's keys file are read here
too, since they are set once per process rather than per run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from agent.contracts.principal import Principal
from agent.errors import InvalidInput, clip
from agent.intake import FIXED, Limits, parse_size
from agent.log import DEFAULT_FORMAT, DEFAULT_LEVEL, FORMATS, LEVELS, Format

DEFAULT_CHAT_WINDOW = 20
DEFAULT_CHAT_RETENTION_DAYS = 90.0
DATABASE_SCHEMES = ("postgresql://", "postgres://")


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


def read_chat_window(value: str | None) -> int:
    fix = f"Set a whole number of 1 or more (default {DEFAULT_CHAT_WINDOW}), or unset it"
    turns = _env_number(value, "COACH_CHAT_WINDOW", DEFAULT_CHAT_WINDOW, 1, "turns", fix)
    if turns != int(turns):
        raise InvalidInput(
            f"'{clip(str(value).strip())}' is not a number of turns",
            where="COACH_CHAT_WINDOW",
            fix=fix,
        )
    return int(turns)


def read_database_url(value: str | None) -> str | None:
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


def read_retention_days(value: str | None) -> float:
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


def optional_path(value: str | None, default: Path | None) -> Path | None:
    """Unset means the default; set but empty means switched off."""
    if value is None:
        return default
    return Path(value).expanduser().resolve() if value else None
