"""What each sales methodology is made of, and which evidence speaks to each element.

The guides in knowledge/methodology say what good evidence looks like; the table here says
which computed evidence check comes nearest, or, where the method defines an element by
behaviour (a tested champion, a Mobilizer, a buyer-stated payoff, an up-front contract, personal
pain, taking control), which behaviour scorer reads it from the deal's text (behaviour.py). A
role tag, a dated next step or our own value case never stands in for the behaviour. Elements
that live in free text (a root cause, the current and future state, a critical event, metrics
the customer stated) are read from it, by whose words they are (text_evidence.py): what only the
customer's own words show settles an element on its own (`settles`). An element nothing can
judge (a reframe that landed, rapport) is marked not applicable with the reason, because a
confident score on no evidence teaches the wrong habit. Element names are
read from the guides' questions-by-element headings; an element missing from the table is
reported as not applicable, never scored. Reading guides and scoring live in scoring.py.
"""

from __future__ import annotations

from dataclasses import dataclass

FLAG = "methodology__"


@dataclass(frozen=True)
class Rule:
    checks: tuple[str, ...] = ()
    any_of: bool = False  # one met check is enough (a timeline needs an event *or* a plan)
    note: str = ""  # why CRM evidence cannot judge the element; set only for those
    scorer: str = ""  # a behaviour scorer in behaviour.SCORERS decides the status
    caps: tuple[str, ...] = ()  # checks that, unmet, hold a supported element at partial
    # checks that, met, support the element on their own: the customer's own words (a baseline
    # and a target they stated) settle what our data would otherwise have to show
    settles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Spec:
    names: tuple[str, ...]
    rules: dict[str, Rule]
    aliases: tuple[str, ...] = ()
    process_elements: tuple[str, ...] = ()  # the elements that describe how the customer buys


def _all(*checks: str) -> Rule:
    return Rule(checks=checks)


def _any(*checks: str) -> Rule:
    return Rule(checks=checks, any_of=True)


def _na(note: str) -> Rule:
    return Rule(note=note)


def _by(scorer: str, *checks: str) -> Rule:
    """Scored from behaviour; `checks` are the evidence the scorer also weighs (for feedback)."""
    return Rule(checks=checks, scorer=scorer)


# Who can commit the spend: an approval limit the deal crosses caps these at partial.
AUTHORITY = Rule(
    checks=("economic_buyer_identified", "economic_buyer_engaged"), caps=("approval_threshold",)
)


SPECS: dict[str, Spec] = {
    "meth-meddicc": Spec(
        names=("MEDDICC", "MEDDPICC"),
        aliases=("meddic", "meddpic"),
        process_elements=("Decision Process", "Paper Process"),
        rules={
            # The customer's numbers (a baseline and a target) that they stated or confirmed,
            # not our case: our estimate is not their metric.
            "Metrics": Rule(
                checks=("metrics_baselined", "value_case_validated"), settles=("metrics_stated",)
            ),
            "Economic Buyer": AUTHORITY,
            "Decision Criteria": _all("decision_criteria_known"),
            "Decision Process": _all("decision_process_known"),
            "Paper Process": _all("procurement_engaged", "legal_review_started"),
            "Identify Pain": _all("pain_confirmed"),
            "Champion": _by("champion", "champion_identified"),
            "Competition": _by("competition", "competition_known"),
        },
    ),
    "meth-bant": Spec(
        names=("BANT",),
        process_elements=("Authority", "Timeline"),
        rules={
            "Budget": _all("budget_confirmed"),
            "Authority": AUTHORITY,
            "Need": _all("pain_confirmed"),
            "Timeline": _any("compelling_event", "mutual_action_plan_agreed"),
        },
    ),
    "meth-spin": Spec(
        names=("SPIN",),
        aliases=("spin selling",),
        rules={
            "Situation": _all("current_state_described"),
            "Problem": _all("pain_confirmed"),
            "Implication": _all("impact_quantified"),
            "Need-payoff": _by("need_payoff", "value_case_validated"),
        },
    ),
    "meth-challenger": Spec(
        names=("Challenger",),
        aliases=("challenger sale", "the challenger sale", "challenger selling"),
        process_elements=("Take Control",),
        rules={
            "Teach": _na(
                "Not judged from CRM evidence: whether an insight changed the buyer's view is "
                "not recorded in any field"
            ),
            "Tailor": _all("multi_threaded", "messages_tailored"),
            "Take Control": _by("take_control", "mutual_action_plan_agreed"),
            "Mobilizers": _by("mobilizer"),
        },
    ),
    "meth-sandler": Spec(
        names=("Sandler",),
        aliases=("sandler selling system", "sandler selling"),
        process_elements=("Decision",),
        rules={
            "Bonding and Rapport": _na(
                "Not judged from CRM evidence: sentiment fields hint at rapport but cannot "
                "show whether the buyer tells you bad news"
            ),
            "Up-Front Contract": _by("upfront_contract"),
            "Pain": _by("personal_pain", "pain_confirmed"),
            "Budget": _all("budget_confirmed"),
            "Decision": _all(
                "economic_buyer_identified", "decision_process_known", "decision_criteria_known"
            ),
            "Fulfillment": _all("pain_confirmed", "demo_completed"),
            "Post-Sell": _na(
                "Not judged from CRM evidence: protecting the decision before signature "
                "leaves no field behind; ask what could change their mind"
            ),
        },
    ),
    "meth-spiced": Spec(
        names=("SPICED",),
        process_elements=("Decision", "Critical Event"),
        rules={
            "Situation": _all("current_state_described"),
            "Pain": _all("pain_confirmed"),
            # A quantified impact in the customer's own words is one they agree with.
            "Impact": Rule(
                checks=("impact_quantified", "value_case_validated"), settles=("impact_stated",)
            ),
            "Critical Event": _all("compelling_event"),
            "Decision": _all(
                "decision_criteria_known", "decision_process_known", "economic_buyer_identified"
            ),
        },
    ),
    "meth-solution-selling": Spec(
        names=("Solution Selling",),
        process_elements=("Control", "Power"),
        rules={
            "Pain": _all("pain_confirmed"),
            "Power": AUTHORITY,
            "Vision": _all("needs_recorded"),
            "Value": _all("value_case_shared", "value_case_validated"),
            "Control": _all("mutual_action_plan_agreed", "decision_process_known"),
        },
    ),
    "meth-command-of-the-message": Spec(
        names=("Command of the Message",),
        aliases=("cotm", "command of message"),
        process_elements=("Required Capabilities",),
        rules={
            "Before Scenarios": _all("current_state_described", "pain_confirmed"),
            "Negative Consequences": _all("impact_quantified"),
            "Positive Business Outcomes": _by("outcomes", "value_case_shared"),
            "Required Capabilities": _all("needs_recorded", "decision_criteria_known"),
            "Metrics": _all("metrics_baselined"),
            "Differentiators": _all("differentiated"),
            "Proof Points": _na(
                "Not judged from CRM evidence: which proof the buyer accepted is not "
                "recorded; planned proof points are not accepted ones"
            ),
        },
    ),
    "meth-gap-selling": Spec(
        names=("Gap Selling",),
        process_elements=("The Gap",),
        rules={
            "Current State": _all("current_state_described"),
            "Problems": _all("pain_confirmed"),
            "Impact": _all("impact_quantified"),
            # Why the problem exists, diagnosed with the customer: symptoms are not a cause.
            "Root Cause": _all("root_cause_found"),
            "Future State": _any("future_state_described", "metrics_baselined"),
            "The Gap": _all("value_case_validated", "compelling_event"),
        },
    ),
}

# Words that show an element being worked on in an activity summary or a note (prefixes).
CHECK_TERMS: dict[str, tuple[str, ...]] = {
    "pain_confirmed": ("pain", "problem", "manual", "backlog", "workload"),
    "champion_identified": ("champion", "introduc"),
    "economic_buyer_identified": ("approv", "signs", "sign off", "economic buyer", "budget holder"),
    "economic_buyer_engaged": ("approv", "signs", "sign off", "economic buyer", "budget holder"),
    "decision_criteria_known": ("criteria", "compare", "requirement"),
    "decision_process_known": ("decision", "approv", "steps"),
    "budget_confirmed": ("budget", "fund", "pric"),
    "demo_completed": ("demo",),
    "technical_validation_done": ("validation", "sandbox", "integration", "security"),
    "value_case_shared": ("value case", "roi", "payback", "benefit"),
    "value_case_validated": ("value case", "roi", "payback", "benefit"),
    "proposal_sent": ("proposal",),
    "mutual_action_plan_agreed": ("mutual action plan", "milestone"),
    "procurement_engaged": ("procurement", "purchasing", "payment terms"),
    "legal_review_started": ("legal", "redline", "msa", "contract"),
    "multi_threaded": ("stakeholder",),
    "compelling_event": ("deadline", "audit", "renewal", "go-live"),
    "impact_quantified": ("cost", "minutes", "hours", "figures", "rejection"),
    "needs_recorded": ("need", "requirement"),
    "metrics_baselined": ("baseline", "target", "measure", "figures", "estimate"),
    "metrics_stated": ("baseline", "target", "measure"),
    "impact_stated": ("cost", "hours", "days"),
    "root_cause_found": ("cause", "because", "reason", "why"),
    "current_state_described": ("today", "current", "situation", "manual"),
    "future_state_described": ("target", "future", "goal"),
    "messages_tailored": ("message",),
    "next_step_agreed": ("next step",),
    "differentiated": ("compare", "differentiat"),
    "competition_known": ("competitor", "alternative"),
}

# Element-specific words, for elements whose evidence checks say little about the conversation.
ELEMENT_TERMS: dict[str, tuple[str, ...]] = {
    "metrics": ("estimate", "figures", "baseline", "measure"),
    "competition": ("competitor", "alternative"),
    "champion": ("champion", "introduc", "arrang", "internal"),
    "mobilizers": ("leadership", "board", "committee", "convene", "organis", "organiz"),
    "need-payoff": ("benefit", "payoff", "would mean", "worth"),
    "up-front contract": ("agenda", "agreed up front", "outcome", "purpose"),
    "take control": ("discount", "concession", "steps", "mutual action plan"),
}

# The customer role whose activity shows an element being worked on.
CHECK_ROLES: dict[str, str] = {
    "champion_identified": "champion",
    "economic_buyer_identified": "economic_buyer",
    "economic_buyer_engaged": "economic_buyer",
    "procurement_engaged": "procurement",
    "legal_review_started": "legal",
}
