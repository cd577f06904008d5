"""`coach deals`: the deals of the workspace (those the principal may reach), as a table.

Why a table writer of its own: rich lays out every cell (measures it, wraps it, pads it, splits
it into segments), about 0.7 ms a row, so a CRM import of 8,800 deals took 7 s to list. When
every row fits on one line, the rows here are padded to their column's width with rich's own
cell widths and written between the title, header and bottom border that rich renders for a
one-row table of the same widths: the same characters rich would write
(tests/cli/test_deals_table.py compares them on random rows), at a few microseconds a row. The
frame's own row is written both ways first, and any difference (another rich version) hands the
whole table to rich. A table wider than the terminal is laid out by rich, which wraps its cells;
piped or redirected, the table keeps its natural width (one line per deal, for grep and pagers)
instead of wrapping each row at 80 columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from agent.interfaces.cli.common import WorkspaceOpt, cli_settings, user_errors

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

COLUMNS = ("id", "account", "stage", "state", "amount", "close", "owner")
RIGHT = frozenset({"amount"})


@user_errors
def deals_command(workspace: WorkspaceOpt = None) -> None:
    """List the deals in the workspace."""
    from agent.analysis.closure import deal_states
    from agent.interfaces.cli.common import out
    from tools.sources import workspace_source

    settings = cli_settings(workspace)
    source = workspace_source(settings.workspace, settings.principal)  # only what it may reach
    listed = source.list_deals()  # one refresh of the catalogue for the rows and their states
    states = deal_states(source, listed)
    rows = [
        (
            d.id,
            d.account,
            d.stage,
            states.get(d.id, "open"),
            f"{d.currency} {d.amount:,.0f}",
            d.expected_close.isoformat(),
            d.owner,
        )
        for d in listed
    ]
    print_table(out, f"Deals in {source.root}", COLUMNS, rows, RIGHT)


def print_table(
    console: Console,
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    right: frozenset[str] = frozenset(),
) -> None:
    """The table rich would print (cells as plain text, never markup), written row by row when
    every row fits on one line."""
    from rich.cells import cell_len

    one_line = all(cell.isprintable() for row in rows for cell in row)
    widths = [
        max([cell_len(name), *(_cells(row[i]) for row in rows)]) for i, name in enumerate(columns)
    ]
    total = sum(widths) + 3 * len(widths) + 1  # a space either side of a cell, a border between
    wide = console.is_terminal and total > console.width
    if not rows or not one_line or wide:
        console.print(_table(title, columns, rows, right))  # rich lays it out, wrapping cells
        return
    if not console.is_terminal and total > console.width:
        from rich.console import Console

        # piped: the natural width, not the 80 columns rich assumes without a terminal
        console = Console(file=console.file, width=total)
    frame = _table(title, columns, [["x" * w for w in widths]], right, widths)
    with console.capture() as captured:
        console.print(frame)
    *head, sample, bottom, _ = captured.get().split("\n")
    placeholder = ["x" * w for w in widths]
    if frame.box is None or _row(frame, placeholder, widths, right, columns) != sample:
        console.print(_table(title, columns, rows, right))
        return
    lines = [_row(frame, row, widths, right, columns) for row in rows]
    console.file.write("\n".join([*head, *lines, bottom]) + "\n")
    console.file.flush()


def _row(
    frame: Table,
    row: Sequence[str],
    widths: list[int],
    right: frozenset[str],
    columns: Sequence[str],
) -> str:
    """One body row as rich draws it: a space either side of each cell, padded to its column."""
    box = frame.box
    assert box is not None
    cells = []
    for cell, width, name in zip(row, widths, columns, strict=True):
        pad = " " * (width - _cells(cell))
        cells.append(f" {pad}{cell} " if name in right else f" {cell}{pad} ")
    return box.mid_left + box.mid_vertical.join(cells) + box.mid_right


def _cells(text: str) -> int:
    """The columns `text` takes on a terminal: rich's measure, its length when ASCII."""
    from rich.cells import cell_len

    return len(text) if text.isascii() else cell_len(text)


def _table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    right: frozenset[str],
    widths: list[int] | None = None,
) -> Table:
    """The table for rich: cells as plain text (a deal named "[bold]" is not markup)."""
    from rich.table import Column, Table
    from rich.text import Text

    table = Table(
        *(
            Column(
                name,
                justify="right" if name in right else "left",
                width=widths[i] if widths else None,
                no_wrap=widths is not None,
            )
            for i, name in enumerate(columns)
        ),
        title=title,
    )
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table
