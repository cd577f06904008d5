"""One month table (agent/months.py) for every reader of dates: each month's written forms map
to its number, the patterns prefer the longest form, and the full-names pattern takes no
abbreviation. The readers that use it read the same dates whatever form and case is written."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from agent.months import MONTH, MONTH_NAME, MONTHS, alternation
from agent.reading.commitments import resolve_date
from agent.reading.dates import resolve_when

ON = dt.date(2026, 11, 20)


def test_every_written_form_maps_to_its_month() -> None:
    for number in range(1, 13):
        full, short = calendar.month_name[number], calendar.month_abbr[number]
        assert MONTHS[full.lower()] == MONTHS[short.lower()] == number
    assert MONTHS["sept"] == 9
    assert len(set(MONTHS.values())) == 12


def test_the_pattern_takes_the_longest_form_in_any_case() -> None:
    whole = re.compile(rf"(?:{MONTH})", re.I)
    for form in MONTHS:
        for written in (form, form.upper(), form.capitalize()):
            found = whole.match(written)
            assert found is not None and found.group(0) == written, written


def test_full_names_take_no_abbreviation() -> None:
    named = re.compile(rf"\b(?:{MONTH_NAME})\b", re.I)
    for form, number in MONTHS.items():
        full = form == calendar.month_name[number].lower()
        assert (named.fullmatch(form) is not None) is full, form


def test_readers_read_each_form_alike() -> None:
    for number in range(1, 13):
        forms = {calendar.month_name[number], calendar.month_abbr[number]}
        forms |= {"Sept", "sept."} if number == 9 else set()
        days = {resolve_when(f"booked for 14 {form} 2027", ON) for form in forms}
        assert days == {dt.date(2027, number, 14)}, forms
        promised = {resolve_date(f"by {form.rstrip('.')} 14th", ON)[0] for form in forms}
        assert len(promised) == 1, forms
        assert next(iter(promised)) in (dt.date(2026, number, 14), dt.date(2027, number, 14))


def test_an_alternation_of_some_forms_takes_only_those() -> None:
    without_may = re.compile(rf"\b(?:{alternation(f for f in MONTHS if f != 'may')})\b", re.I)
    assert without_may.search("we may sign") is None
    assert without_may.fullmatch("September") is not None
    written = re.compile(rf"(?:{alternation(f.capitalize() for f in MONTHS)})\b")
    assert written.fullmatch("Sept") is not None and written.fullmatch("sept") is None
