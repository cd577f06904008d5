"""`coach import`: CSV exports through a mapping into a workspace. A bad row is reported with
file:line: field and skipped; re-importing updates and never duplicates; mapping problems are
one clear message; unusable input exits 2; the imported workspace answers every capability."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.errors import InvalidInput
from agent.interfaces.cli.app import app
from tools.crm_import.importer import run_import
from tools.crm_import.mapping import PRESETS, load_mapping
from tools.sources import WorkspaceSource

runner = CliRunner()

MAPPING = """
name: testcrm
date_formats: ["%d.%m.%Y"]
currency: EUR
as_of: latest
tables:
  opportunities:
    detect: [OppKey, Phase]
    fields:
      id: OppKey
      name: Title
      account: Customer
      industry: Sector
      owner: Rep
      amount: Value
      stage: {column: Phase, strict: true, values: {P1: Discovery, P2: Proposal, P3: Negotiation}}
      created: Opened
      expected_close: Due
  contacts:
    detect: [PersonKey, OppRef]
    fields: {deal_id: OppRef, id: PersonKey, name: {columns: [Given, Family]}, title: Role,
             dmu_role: {column: Buying, values: {EB: economic_buyer, CH: champion}}}
  activities:
    detect: [EventKey, OppRef]
    fields: {deal_id: OppRef, id: EventKey, type: {column: Kind, values: {Telefon: call}},
             date: When, summary: Text, participants: Who}
  stage_history:
    detect: [OppRef, NewPhase]
    fields: {deal_id: OppRef, stage: {column: NewPhase, values: {P1: Discovery, P2: Proposal}},
             entered: Changed}
"""
OPPS = (
    "OppKey,Title,Customer,Sector,Rep,Value,Phase,Opened,Due\n"
    'K-1,Fleet renewal,Ostwind AG,Logistics,Rita Sommer,"1,250,000",P2,01.02.2026,30.06.2026\n'
    "K-2,Pilot,Nordhaus GmbH,Retail,Rita Sommer,40000,P1,03.03.2026,31/07/2026\n"
    "K-3,Upsell,Ostwind AG,Logistics,Jonas Kehl,9000,P9,01.02.2026,30.06.2026\n"
    ",No id,Nobody,Retail,Jonas Kehl,100,P1,01.02.2026,30.06.2026\n"
    "K-4,Expansion,Kaltbach KG,Energy,Jonas Kehl,70000,P3,10.01.2026,15.05.2026\n"
)
CONTACTS = (
    "PersonKey,OppRef,Given,Family,Role,Buying\n"
    "p-1,K-1,Anna,Berg,CFO,EB\n"
    "p-2,K-1,Tom,Lind,Ops lead,CH\n"
    "p-3,K-404,Eva,Roth,CTO,\n"
    "p-4,K-4,Ida,Falk,Head of IT,CH\n"
)
EVENTS = (
    "EventKey,OppRef,Kind,When,Text,Who\n"
    "e-1,K-1,Telefon,10.11.2026,Discussed rollout timing,p-1\n"
    "e-2,K-1,Telefon,12.11.2026,Follow-up on pricing,p-2;p-1\n"
    "e-3,K-4,Telefon,05.11.2026,Scoping call,p-4\n"
)
HISTORY = "OppRef,NewPhase,Changed\nK-1,P1,01.02.2026\nK-1,P2,01.04.2026\n"


def _export(folder: Path) -> tuple[Path, list[Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    mapping = folder / "mapping.yaml"
    mapping.write_text(MAPPING)
    files = []
    for name, text in (("o.csv", OPPS), ("c.csv", CONTACTS), ("a.csv", EVENTS), ("h.csv", HISTORY)):
        (folder / name).write_text(text)
        files.append(folder / name)
    return mapping, files


def test_bad_rows_are_reported_with_file_line_field_and_skipped(tmp_path: Path) -> None:
    mapping, files = _export(tmp_path / "export")
    report = run_import(files, tmp_path / "ws", load_mapping(path=mapping))
    skipped = {(Path(s.file).name, s.line, s.field) for s in report.skipped}
    assert skipped == {
        ("o.csv", 3, "expected_close"),  # 31/07/2026 is not in the mapping's format
        ("o.csv", 4, "stage"),  # P9 is not a known stage
        ("o.csv", 5, "id"),  # no id
        ("c.csv", 4, "deal_id"),  # K-404 is no opportunity
    }
    assert report.deals_created == 2 and report.skipped_count == 4
    assert report.imported == {
        "opportunities": 2,
        "contacts": 3,
        "activities": 3,
        "stage_history": 2,
    }
    deal = WorkspaceSource(tmp_path / "ws").get_deal("K-1")
    assert deal.amount == 1_250_000 and deal.currency == "EUR" and deal.stage == "Proposal"
    assert {c.id: c.dmu_role for c in deal.contacts} == {"p-1": "economic_buyer", "p-2": "champion"}
    assert [a.type for a in deal.activities] == ["call", "call"]
    assert [(s.stage, s.entered.month) for s in deal.stage_history] == [
        ("Discovery", 2),
        ("Proposal", 4),
    ]


def test_reimport_updates_and_never_duplicates(tmp_path: Path) -> None:
    mapping, files = _export(tmp_path / "export")
    ws = tmp_path / "ws"
    run_import(files, ws, load_mapping(path=mapping))
    path = ws / "deals" / "K-1" / "deal.yaml"
    path.write_text(path.read_text() + "notes:\n- {date: 2026-11-15, author: me, text: kept}\n")
    again = run_import(files, ws, load_mapping(path=mapping))
    assert (again.deals_created, again.deals_updated, again.deals_unchanged) == (0, 0, 2)
    (files[0]).write_text(OPPS.replace('"1,250,000"', "1300000"))
    third = run_import(files, ws, load_mapping(path=mapping))
    assert (third.deals_created, third.deals_updated, third.deals_unchanged) == (0, 1, 1)
    source = WorkspaceSource(ws)
    deal = source.get_deal("K-1")
    assert deal.amount == 1_300_000 and [n.text for n in deal.notes] == ["kept"]
    assert len(deal.contacts) == 2 and len(deal.activities) == 2 and len(deal.stage_history) == 2
    listed = {d.id: d.amount for d in source.list_deals()}  # the catalogue followed the update
    assert listed == {"K-1": 1_300_000, "K-4": 70_000}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: x\ntables: {opportunities: {detect: [A], fields: {id: A, colour: B}}}", "colour"),
        ("name: x\ntables: {opportunities: {detect: [A], fields: {id: A}}}", "stage, owner"),
        ("name: x\ntables: [unclosed", "mapping.yaml"),
        ("extends: nosuch\nname: x", "unknown preset"),
    ],
)
def test_mapping_problems_are_one_clear_message(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(text)
    with pytest.raises(InvalidInput) as caught:
        load_mapping(path=path)
    assert expected in str(caught.value) and "\n" not in str(caught.value).strip()


def test_presets_load_and_unusable_input_exits_2(tmp_path: Path) -> None:
    assert all(load_mapping(preset=name).tables for name in PRESETS)
    stray = tmp_path / "stray.csv"
    stray.write_text("a,b\n1,2\n")
    for args in (
        [str(stray), "--into", str(tmp_path / "ws"), "--preset", "salesforce"],
        [str(stray), "--into", str(tmp_path / "ws")],  # no mapping
        [str(tmp_path / "missing.csv"), "--into", str(tmp_path / "ws"), "--preset", "maven"],
        [str(stray), "--into", str(tmp_path / "ws"), "--preset", "oracle"],
    ):
        result = runner.invoke(app, ["import", *args])
        assert result.exit_code == 2, (args, result.output)


def test_cli_reports_and_writes_json(tmp_path: Path) -> None:
    mapping, files = _export(tmp_path / "export")
    out = tmp_path / "report.json"
    args = ["import", str(tmp_path / "export"), "--into", str(tmp_path / "ws")]
    result = runner.invoke(app, [*args, "--mapping", str(mapping), "--report", str(out)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())  # wrapped at the console's width, path length aside
    assert "o.csv:4: stage: unknown value 'P9'" in said
    assert "2 deals created" in result.stderr
    assert "━" not in result.stderr  # no progress bar when stderr is not a terminal
    assert json.loads(out.read_text())["skipped_count"] == 4
    assert "seller" not in (tmp_path / "ws" / "workspace.yaml").read_text()


def test_the_seller_is_written_to_a_new_workspace(tmp_path: Path) -> None:
    """Who sells decides whose proof points may be cited (knowledge/seller.py)."""
    mapping, _ = _export(tmp_path / "export")
    args = ["import", str(tmp_path / "export"), "--into", str(tmp_path / "ws")]
    result = runner.invoke(app, [*args, "--mapping", str(mapping), "--seller", "Acme Corp"])
    assert result.exit_code == 0, result.output
    assert WorkspaceSource(tmp_path / "ws").settings["seller"] == "Acme Corp"
    assert load_mapping(preset="maven").seller == "MavenTech"


def test_salesforce_preset_reads_a_report_export(tmp_path: Path) -> None:
    export = tmp_path / "opps.csv"
    export.write_text(
        "Opportunity ID,Opportunity Name,Account Name,Opportunity Owner,Amount,Stage,"
        "Created Date,Close Date\n"
        '006A0000001,Big deal,Acme,Pat Lee,"$12,500.00",Negotiation/Review,1/15/2026,3/31/2026\n'
        "006A0000002,Bad,Acme,Pat Lee,10,Custom Stage,1/15/2026,3/31/2026\n"
    )
    report = run_import([export], tmp_path / "ws", load_mapping(preset="salesforce"))
    assert report.deals_created == 1 and [s.field for s in report.skipped] == ["stage"]
    deal = WorkspaceSource(tmp_path / "ws").get_deal("006A0000001")
    assert deal.amount == 12_500 and deal.owner.name == "Pat Lee"


def test_an_imported_deal_answers_every_capability(tmp_path: Path) -> None:
    from agent.capabilities.registry import in_scope, sample_request
    from agent.service import coach
    from agent.settings import CoachContext

    mapping, files = _export(tmp_path / "export")
    ws = tmp_path / "ws"
    run_import(files, ws, load_mapping(path=mapping))
    calls = ws / "deals" / "K-1" / "transcripts"  # a call recording the team adds by hand
    calls.mkdir()
    (calls / "2026-11-12-pricing.txt").write_text(
        "Rita Sommer: Thanks for the time. Where do we stand on the rollout?\n"
        "Anna Berg: Budget is approved, but legal needs the security review first.\n"
        "Rita Sommer: I will send the questionnaire today and book a call for Friday.\n"
    )
    settings = CoachContext.from_env(ws)
    deal = WorkspaceSource(ws).get_deal("K-1")
    for spec in in_scope("deal", "rep"):
        request = sample_request(spec, deal.id, deal.owner.id, settings)
        response = coach(request, settings)
        assert response.capability == spec.name, spec.name
        assert response.markdown.strip(), spec.name
        answered = response.rep_id if spec.scope == "rep" else response.deal_id
        assert answered == (deal.owner.id if spec.scope == "rep" else deal.id), spec.name


def test_benchmark_skips_cleanly_without_the_shared_data(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "bench.json"
    command = [sys.executable, "-m", "evals.bench_import", "--out", str(out)]
    done = subprocess.run([*command, "--data", str(tmp_path / "absent")], check=False)  # noqa: S603
    assert done.returncode == 0
    assert "absent" in json.loads(out.read_text())["skipped"]


def test_hubspot_preset_reads_deals_and_contacts_of_several_deals(tmp_path: Path) -> None:
    (tmp_path / "deals.csv").write_text(
        "Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner,"
        "Associated Company\n"
        "901,Rollout,Contract Sent,5000,2026-12-01 09:00,2026-09-01 10:30,Kim Ito,Vela Inc\n"
        "902,Add-on,Qualified To Buy,800,2026-12-15 09:00,2026-10-01 10:30,Kim Ito,Vela Inc\n"
    )
    (tmp_path / "contacts.csv").write_text(
        "Record ID,First Name,Last Name,Job Title,Email,Associated Deal IDs\n"
        "51,Lea,Moss,COO,lea@vela.example,901;902\n"
        "52,Max,Orr,IT,max@vela.example,999\n"
    )
    report = run_import([tmp_path], tmp_path / "ws", load_mapping(preset="hubspot"))
    assert [(s.line, s.field) for s in report.skipped] == [(3, "deal_id")]
    source = WorkspaceSource(tmp_path / "ws")
    for deal_id in ("901", "902"):
        assert [c.name for c in source.get_deal(deal_id).contacts] == ["Lea Moss"]


def test_open_stages_the_process_does_not_list_are_named_once_after_the_import(
    tmp_path: Path,
) -> None:
    """Process adherence cannot judge a deal in a stage the sales process does not list, and
    refuses each such deal: the import says so once, with what to do, and stays quiet when
    the mapping puts every open deal in one of the process's stages."""
    mapping, _ = _export(tmp_path / "export")
    args = ["import", str(tmp_path / "export"), "--mapping", str(mapping)]
    mapped = runner.invoke(app, [*args, "--into", str(tmp_path / "ws")])
    assert mapped.exit_code == 0, mapped.output
    assert "does not list" not in mapped.stderr
    own = MAPPING.replace(
        "P1: Discovery, P2: Proposal, P3: Negotiation", "P1: Pipeline, P2: Won, P3: Pipeline"
    )
    mapping.write_text(own.replace("P1: Discovery, P2: Proposal}", "P1: Pipeline, P2: Won}"))
    result = runner.invoke(app, [*args, "--into", str(tmp_path / "own")])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert "1 open deal(s) are in stages the sales process" in said  # K-4; K-1 is won
    assert "Pipeline (1)" in said and "org/process.yaml" in said and "Won" not in said
    assert WorkspaceSource(tmp_path / "own").get_deal("K-1").stage == "Won"
