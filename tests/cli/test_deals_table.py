"""`coach deals` writes the rows of a table that fits on one line a row itself
(agent/interfaces/cli/deals.py): the output must be what rich prints for the same table, on a
terminal and not, for any cells; a table that does not fit (or cells that are not one line) is
rich's own layout."""

from __future__ import annotations

import io
import random

import pytest
from rich.console import Console

from agent.interfaces.cli.deals import COLUMNS, RIGHT, _table, print_table

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGH 0123456789-.,[]/éüß漢字カナ"


def _cell(rng: random.Random) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(0, 14))).strip() or "x"


def _rows(rng: random.Random, n: int) -> list[list[str]]:
    return [[_cell(rng) for _ in COLUMNS] for _ in range(n)]


def _printed(rows: list[list[str]], width: int, terminal: bool, fast: bool) -> str:
    console = Console(file=io.StringIO(), width=width, force_terminal=terminal)
    if fast:
        print_table(console, "Deals in /some/where", COLUMNS, rows, RIGHT)
    else:
        console.print(_table("Deals in /some/where", COLUMNS, rows, RIGHT))
    value = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(value, str)
    return value


@pytest.mark.parametrize("seed", range(12))
def test_rows_written_directly_are_what_rich_prints(seed: int) -> None:
    rng = random.Random(seed)
    rows = _rows(rng, rng.randint(1, 30))
    terminal = seed % 2 == 0
    width = rng.choice([60, 100, 160, 240])  # some too narrow: rich's wrapping on a terminal
    fast = _printed(rows, width, terminal, fast=True)
    if terminal:
        assert fast == _printed(rows, width, terminal, fast=False)
    else:  # piped: the natural width, one line a row, as rich prints it given the room
        assert fast == _printed(rows, 400, terminal, fast=False)
        assert len(fast.splitlines()) == len(rows) + 5  # title, top, header, rule, bottom


def test_cells_that_are_not_one_line_and_markup_are_rich_plain_text() -> None:
    rows = [["D-1", "two\nlines", "Won", "won", "USD 1", "2026-01-01", "[bold]Ann[/]"]]
    fast = _printed(rows, 200, False, fast=True)
    assert fast == _printed(rows, 200, False, fast=False)
    assert "[bold]Ann[/]" in fast and "lines" in fast


def test_an_empty_listing_is_the_header_alone() -> None:
    assert _printed([], 120, False, fast=True) == _printed([], 120, False, fast=False)


def test_a_table_that_fits_is_written_row_by_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows of a table that fits are this module's, not rich's layout (which would make the
    comparisons above compare rich with itself)."""
    from agent.interfaces.cli import deals

    written: list[int] = []
    real = deals._row
    monkeypatch.setattr(deals, "_row", lambda *a: written.append(1) or real(*a))
    rows = _rows(random.Random(1), 25)
    for terminal in (True, False):
        written.clear()
        _printed(rows, 400, terminal, fast=True)
        assert len(written) == len(rows) + 1  # each row, and the frame's check
