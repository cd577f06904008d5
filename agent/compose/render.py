"""Template rendering of typed results: the offline composer, and a fallback for the model one."""

from __future__ import annotations

import contextlib
import hashlib
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket

from agent.capabilities.registry import template_folders
from agent.contracts.response import Citation
from agent.formatting import chance, hours, human, money, pct, signed_pct
from agent.resources import cache_dir
from agent.sanitise import STRICT, Cleaner, OutputPolicy, cleaner

# The cleaner of the render under way: set by `render` around its template, read for every
# value the template writes (a context variable costs a lookup; reading it from the
# template's context cost jinja's name resolution, a tenth of a render's time).
_CLEANER: ContextVar[Cleaner | None] = ContextVar("render_cleaner", default=None)


def _finalize(value: Any) -> Any:
    """Every value a template writes passes the sanitiser; the template's own text is trusted."""
    return (_CLEANER.get() or cleaner(STRICT))(value) if isinstance(value, str) else value


class _KeptCode(FileSystemBytecodeCache):
    """A template's compiled code, kept in the user's cache folder: compiling a template costs
    about 20 ms of every process that renders one (`coach next-action`), loading it 1 ms.
    Jinja keys each entry by the template's path and checks it against the source's checksum;
    the folder is named after this module's bytes, since the environment's options (trimming,
    finalize) shape the code too. A folder that cannot be written only means compiling again."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged entry: compiled again and written over
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _kept_code() -> _KeptCode | None:
    folder = (
        cache_dir() / "templates" / hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _KeptCode(str(folder))


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Templates are named '<capability>/template.md.j2', each in its capability's folder."""
    env = Environment(
        loader=FileSystemLoader(template_folders()),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        finalize=_finalize,
        bytecode_cache=_kept_code(),
        # templates are part of the installed code: not looked at on disk again for every
        # answer (a server picks up an edited template when it restarts, as it does code)
        auto_reload=False,
    )
    env.globals.update(
        pct=pct, chance=chance, signed_pct=signed_pct, money=money, human=human, hours=hours
    )
    return env


def render(
    template: str, citations: list[Citation], policy: OutputPolicy = STRICT, **values: Any
) -> str:
    """The markdown for a result: the one render path, so the one place values are sanitised
    on their way to a reader (`policy` says which links may stay)."""
    numbers = {c.ref: i for i, c in enumerate(citations, start=1)}

    def cite(refs: list[str]) -> str:
        marks = sorted({numbers[r] for r in refs if r in numbers})
        return (" " + "".join(f"[{n}]" for n in marks)) if marks else ""

    chosen = environment().get_template(template)
    token = _CLEANER.set(cleaner(policy))
    try:
        text = chosen.render(citations=citations, cite=cite, **values)
    finally:
        _CLEANER.reset(token)
    return text.strip() + "\n"
