"""Shipped content meets the brief; bad files get one message naming the file and the field."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import get_args

import pytest

from agent.contracts.upstream import ProcessStandards
from agent.errors import InvalidInput
from knowledge.corpus import ObjectionFrontMatter, load_corpus
from tests.knowledge.conftest import write_small_kb

SAMPLE_COMPETITORS = {"Corvane", "Taskline", "Nimbra", "Helixor"}


def test_shipped_content_covers_the_brief() -> None:
    corpus = load_corpus()
    counts = Counter(str(d.meta["type"]) for d in corpus.docs.values())
    assert counts["methodology"] >= 9 and counts["objection"] >= 40
    assert counts["proof_point"] >= 15 and counts["skill"] >= 8 and counts["process"] >= 2
    carded = {c for d in corpus.of_type("battle_card") for c in d.meta["competitors"]}
    assert carded >= SAMPLE_COMPETITORS
    categories = {d.meta["category"] for d in corpus.of_type("objection")}
    assert categories == set(get_args(ObjectionFrontMatter.model_fields["category"].annotation))
    methodologies = {m for d in corpus.of_type("methodology") for m in d.meta["methodology"]}
    assert {
        "MEDDICC",
        "BANT",
        "SPIN",
        "Challenger",
        "Sandler",
        "SPICED",
        "Solution Selling",
        "Command of the Message",
        "Gap Selling",
    } <= methodologies


def test_two_processes_with_different_stage_models() -> None:
    processes = [
        ProcessStandards.model_validate(d.meta["standard"])
        for d in load_corpus().of_type("process")
    ]
    stage_sets = {tuple(s.name for s in p.stages) for p in processes}
    assert len(stage_sets) == len(processes) >= 2


def test_user_folder_overrides_by_id_and_extends(tmp_path: Path) -> None:
    extra = write_small_kb(tmp_path / "mine")
    shipped = load_corpus()
    card = shipped.docs["bc-corvane"]
    (extra / "bc-corvane.md").write_text(
        card.path.read_text().replace(f"title: {card.title}", "title: Our own Corvane card")
    )
    merged = load_corpus((*shipped.folders, extra))
    assert merged.docs["bc-corvane"].title == "Our own Corvane card"
    assert "obj-price" in merged.docs
    assert len(merged.docs) == len(shipped.docs) + 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("type: objection", "type: pamphlet"), "type: 'pamphlet'"),
        (lambda t: t.replace("category: price", "category: vibes"), "category"),
        (lambda t: t.replace("id: obj-price", "id: Obj Price!"), "id"),
        (lambda t: t.replace("## Feel, felt, found", "## Feelings"), "feel-felt-found"),
        (lambda t: t.replace("phrasings: [", "phrasings: [[", 1), "not valid YAML"),
        (lambda t: t.split("---", 2)[2], "no front matter"),
    ],
)
def test_bad_files_name_the_file_and_the_problem(small_kb: Path, change, message) -> None:  # type: ignore[no-untyped-def]
    path = small_kb / "obj-price.md"
    path.write_text(change(path.read_text()))
    with pytest.raises(InvalidInput) as err:
        load_corpus((small_kb,))
    assert "obj-price.md" in str(err.value) and message in str(err.value)


def test_duplicate_ids_and_empty_or_binary_files(small_kb: Path) -> None:
    (small_kb / "copy.md").write_text((small_kb / "obj-price.md").read_text())
    with pytest.raises(InvalidInput, match="duplicate id 'obj-price'"):
        load_corpus((small_kb,))
    (small_kb / "copy.md").write_text("")
    with pytest.raises(InvalidInput, match="copy.md.*empty"):
        load_corpus((small_kb,))
    (small_kb / "copy.md").write_bytes(b"\xff\xfe---")
    with pytest.raises(InvalidInput, match="copy.md.*UTF-8"):
        load_corpus((small_kb,))


def test_shipped_cards_and_stories_say_who_keeps_them_true_and_when() -> None:
    corpus = load_corpus()
    for doc in [*corpus.of_type("battle_card"), *corpus.of_type("proof_point")]:
        assert doc.meta["owner"] and doc.meta["last_verified"], doc.id
        assert doc.meta["sources"], doc.id


def _card_with_a_figure(folder: Path, sources: str) -> Path:
    path = folder / "bc-rivalco.md"
    text = path.read_text().replace(
        "## Win stories\n", "## Win stories\nAcme went live in 12 weeks and saved 41%.\n"
    )
    path.write_text(
        text.replace("last_verified: 2026-10-01", f"last_verified: 2026-10-01\n{sources}")
    )
    return path


def test_a_figure_without_a_source_is_rejected_with_file_and_field(small_kb: Path) -> None:
    _card_with_a_figure(
        small_kb, 'sources:\n  - {source: "Win-loss review, Acme", figures: ["12 weeks"]}'
    )
    with pytest.raises(InvalidInput) as err:
        load_corpus((small_kb,))
    message = str(err.value)
    assert "bc-rivalco.md front matter" in message
    assert "sources: figure '41%' in section 'Win stories' has no source" in message


def test_every_sourced_figure_loads_and_a_source_left_behind_is_rejected(small_kb: Path) -> None:
    path = _card_with_a_figure(
        small_kb,
        'sources:\n  - {source: "Win-loss review, Acme, 2026-05", figures: ["12 weeks", "41%"]}',
    )
    card = load_corpus((small_kb,)).docs["bc-rivalco"]
    assert card.meta["sources"][0]["figures"] == ["12 weeks", "41%"]
    path.write_text(path.read_text().replace("saved 41%", "saved a lot"))
    with pytest.raises(InvalidInput, match=r"sources\[0\]\.figures\[1\]: '41%' does not occur"):
        load_corpus((small_kb,))


@pytest.mark.parametrize("field", ["owner", "last_verified"])
def test_a_card_without_owner_or_date_is_rejected(small_kb: Path, field: str) -> None:
    path = small_kb / "bc-rivalco.md"
    path.write_text("\n".join(x for x in path.read_text().split("\n") if not x.startswith(field)))
    with pytest.raises(InvalidInput) as err:
        load_corpus((small_kb,))
    assert "bc-rivalco.md front matter" in str(err.value) and field in str(err.value)
