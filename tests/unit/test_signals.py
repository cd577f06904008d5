"""Signal rules on synthetic deals: each fires on the evidence it names, and only then."""

from __future__ import annotations

from agent.analysis import analyze_deal
from tests.factories import AS_OF, activity, contact, days_ago, make_context


def fired(ctx) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {s.id: s for s in analyze_deal(ctx, AS_OF).signals}


def test_healthy_discovery_deal_has_no_risk_signals() -> None:
    ctx = make_context(
        discovery={
            "decision_criteria": [{"name": "Ease of use"}],
            "buying_process": {"known": True},
            "pains": [{"description": "Slow", "confirmed": True}],
        }
    )
    signals = fired(ctx)
    assert "exit_criteria_met" in signals
    for bad in (
        "no_recent_activity",
        "champion_gone_quiet",
        "economic_buyer_not_engaged",
        "stage_overdue",
        "single_threaded",
        "no_next_step",
    ):
        assert bad not in signals


def test_champion_gone_quiet_cites_champion_and_last_activity() -> None:
    ctx = make_context(
        deal={"activities": [activity("a1", 40, ["c-ann"]), activity("a2", 2, ["c-eve"])]}
    )
    signal = fired(ctx)["champion_gone_quiet"]
    assert "Ann Champion" in signal.detail and "40 days" in signal.detail
    assert signal.citations[:2] == ["deal.contacts[0]", "deal.activities[0]"]
    assert signal.severity == "high"


def test_economic_buyer_not_engaged_is_critical_late_in_the_cycle() -> None:
    ctx = make_context(
        deal={
            "stage": "Proposal",
            "stage_history": [{"stage": "Proposal", "entered": days_ago(3)}],
            "activities": [activity("a1", 2, ["c-ann"])],
        }
    )
    signal = fired(ctx)["economic_buyer_not_engaged"]
    assert signal.severity == "critical"
    assert signal.citations == ["deal.contacts[1]"]


def test_economic_buyer_unknown_only_without_an_economic_buyer_contact() -> None:
    assert "economic_buyer_unknown" not in fired(make_context())
    ctx = make_context(
        deal={
            "contacts": [contact("c-ann", "Ann Champion", "champion")],
            "activities": [activity("a1", 2, ["c-ann"])],
        }
    )
    assert fired(ctx)["economic_buyer_unknown"].severity == "medium"


def test_no_recent_activity_severity_grows_with_silence() -> None:
    quiet = make_context(deal={"activities": [activity("a1", 20, ["c-ann"])]})
    silent = make_context(deal={"activities": [activity("a1", 50, ["c-ann"])]})
    assert fired(quiet)["no_recent_activity"].severity == "medium"
    assert fired(silent)["no_recent_activity"].severity == "critical"
    assert fired(silent)["no_recent_activity"].citations == ["deal.activities[0]"]


def test_scheduled_future_activity_is_a_next_step_not_recent_contact() -> None:
    ctx = make_context(
        deal={
            "next_step": None,
            "next_step_date": None,
            "activities": [activity("a1", 20, ["c-ann"]), activity("a2", -4, ["c-ann"])],
        }
    )
    signals = fired(ctx)
    assert "no_next_step" not in signals
    # the meeting ahead is no contact: the last one was 20 days ago, and the quiet spell since
    # is the wait for the meeting (BOOKED_SOON_DAYS), not a stall
    assert analyze_deal(ctx, AS_OF).days_since_last_activity == 20
    assert "meeting_booked" in signals and "no_recent_activity" not in signals


def test_stage_overdue_against_the_process_expectation() -> None:
    ctx = make_context(deal={"stage_history": [{"stage": "Discovery", "entered": days_ago(45)}]})
    signal = fired(ctx)["stage_overdue"]
    assert signal.severity == "critical"  # 45 days against 20 expected
    assert "process.stages[0]" in signal.citations


def test_stage_ahead_of_evidence_lists_earlier_unmet_criteria() -> None:
    ctx = make_context(
        deal={
            "stage": "Proposal",
            "stage_history": [{"stage": "Proposal", "entered": days_ago(3)}],
            "contacts": [contact("c-ann", "Ann Champion", "champion")],
            "activities": [activity("a1", 2, ["c-ann"])],
        },
        discovery={"pains": [], "decision_criteria": []},  # discovery found neither
    )
    signal = fired(ctx)["stage_ahead_of_evidence"]
    assert signal.citations == [
        "process.stages[0].exit_criteria[0]",
        "process.stages[0].exit_criteria[1]",
    ]


def test_manual_exit_criteria_never_count_as_met_or_unmet() -> None:
    ctx = make_context(
        deal={"stage": "Proposal", "stage_history": [{"stage": "Proposal", "entered": days_ago(3)}]}
    )
    analysis = analyze_deal(ctx, AS_OF)
    manual = [c for c in analysis.exit_criteria if c.id == "p3"]
    assert manual and manual[0].met is None


def test_close_date_signals() -> None:
    slipped = make_context(
        deal={
            "expected_close": days_ago(-10),
            "close_date_history": [
                {"changed_on": days_ago(30), "from_date": days_ago(25), "to_date": days_ago(5)},
                {"changed_on": days_ago(6), "from_date": days_ago(5), "to_date": days_ago(-10)},
            ],
        }
    )
    signals = fired(slipped)
    assert signals["close_date_slipped"].severity == "high"
    assert signals["close_date_near"].detail == "expected close in 10 days"
    passed = make_context(deal={"expected_close": days_ago(3), "created": days_ago(60)})
    assert fired(passed)["close_date_passed"].detail.endswith("3 days ago")


def test_single_threaded_and_blocker_and_sentiment() -> None:
    ctx = make_context(
        deal={
            "contacts": [
                contact("c-ann", "Ann Champion", "champion"),
                contact("c-bob", "Bob Block", "blocker", sentiment="negative", influence="high"),
            ],
            "activities": [activity("a1", 2, ["c-ann"])],
        }
    )
    signals = fired(ctx)
    assert "Ann Champion" in signals["single_threaded"].detail
    assert signals["blocker_present"].citations == ["deal.contacts[1]"]
    assert signals["negative_sentiment"].severity == "high"


def test_competitive_bakeoff_needs_two_competitors_or_a_weak_position() -> None:
    one = make_context(deal={"competitors": ["Rivalsoft"]})
    assert "competitive_bakeoff" not in fired(one)
    two = make_context(deal={"competitors": ["Rivalsoft", "Otherco"]})
    assert fired(two)["competitive_bakeoff"].severity == "high"
    trailing = make_context(
        deal={"competitors": ["Rivalsoft"]},
        qualification={"score": 40, "customer_fit": "medium", "competitive_position": "trailing"},
    )
    assert "qualification.competitive_position" in fired(trailing)["competitive_bakeoff"].citations


def test_high_risk_comes_from_the_risk_agent() -> None:
    ctx = make_context(
        risk={
            "overall_severity": "high",
            "score": 0.7,
            "factors": [
                {
                    "id": "rf1",
                    "category": "timing",
                    "description": "Budget freeze",
                    "severity": "high",
                },
                {"id": "rf2", "category": "fit", "description": "Minor gap", "severity": "low"},
            ],
        }
    )
    signal = fired(ctx)["high_risk"]
    assert signal.citations == ["risk.overall_severity", "risk.factors[0]"]
    assert "Budget freeze" in signal.detail


def test_without_process_the_phase_is_inferred_and_stage_checks_are_skipped() -> None:
    ctx = make_context(process=None, deal={"stage": "Negotiation/Review", "stage_history": []})
    analysis = analyze_deal(ctx, AS_OF)
    assert analysis.phase == "negotiate"
    assert analysis.exit_criteria == [] and analysis.expected_days_in_stage is None
    assert analysis.days_in_stage == 30  # counted from the deal's creation


def test_momentum_levels() -> None:
    busy = make_context(
        deal={"activities": [activity(f"a{i}", i + 1, ["c-ann"]) for i in range(4)]}
    )
    assert analyze_deal(busy, AS_OF).momentum == "accelerating"
    # the customer did not come to a meeting this week: a busy month is not accelerating
    activities = [activity(f"a{i}", i + 1, ["c-ann"]) for i in range(4)]
    stood_up = [*activities, activity("a9", 3, ["c-ann"], outcome="no_show")]
    assert analyze_deal(make_context(deal={"activities": stood_up}), AS_OF).momentum == "steady"
    earlier = [*activities, activity("a9", 10, ["c-ann"], outcome="no_show")]  # not this week
    assert analyze_deal(make_context(deal={"activities": earlier}), AS_OF).momentum == (
        "accelerating"
    )
    stalled = make_context(deal={"activities": [activity("a1", 45, ["c-ann"])]})
    assert analyze_deal(stalled, AS_OF).momentum == "stalled"


def test_a_gap_is_unknown_without_its_input_and_missing_when_the_input_says_so() -> None:
    def criteria_gap(ctx) -> str | None:  # type: ignore[no-untyped-def]
        gaps = {g.element: g.status for g in analyze_deal(ctx, AS_OF).methodology_gaps}
        return gaps.get("Decision Criteria")

    assert criteria_gap(make_context()) == "unknown"  # no discovery agent data at all
    assert criteria_gap(make_context(discovery={"decision_criteria": []})) == "missing"
    assert criteria_gap(make_context(discovery={"decision_criteria": [{"name": "Cost"}]})) is None
