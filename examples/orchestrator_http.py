"""An orchestrator that uses the sales coach as a sub-agent over HTTP.

A small LangGraph parent graph, the way a pipeline-review agent would be built: it asks the
coach for the deal strategy (win probability), then, when the deal is at risk, for the next
best action, and writes one line for a manager's review from the two typed answers. The coach
runs as its own service (`coach serve`); this graph only speaks HTTP to it.

    coach serve --port 8000 &
    python examples/orchestrator_http.py --deal D-1003            # local mode: no key
    python examples/orchestrator_http.py --deal D-1003 --url https://coach.example --key $KEY
"""

from __future__ import annotations

import argparse
from typing import Any, TypedDict

import httpx
from langgraph.graph import END, START, StateGraph

AT_RISK = 0.5  # below this win probability the orchestrator asks what to do next


class Review(TypedDict, total=False):
    deal_id: str
    request_ids: list[str]
    win_probability: float
    next_action: str | None
    line: str


def build(url: str, key: str | None = None, timeout_s: float = 60.0) -> Any:
    """The parent graph, calling the coach at `url` (with `key` when the service has keys)."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    client = httpx.Client(base_url=url, headers=headers, timeout=timeout_s)

    def ask(capability: str, state: Review) -> tuple[dict[str, Any], str]:
        """One call to the sub-agent: its typed route, its typed answer, its request id."""
        got = client.post(f"/v1/{capability}", json={"deal_id": state["deal_id"]})
        if got.status_code != 200:  # one readable message: what, where, how to fix
            raise RuntimeError(f"coach said {got.status_code}: {got.json()['error']['message']}")
        return got.json(), got.headers["x-request-id"]

    def assess(state: Review) -> Review:
        answer, rid = ask("deal_strategy", state)
        value = answer["result"]["win_probability"]["value"]
        return {"win_probability": value, "request_ids": [rid]}

    def plan(state: Review) -> Review:
        answer, rid = ask("next_best_action", state)
        title = answer["result"]["primary"]["title"]
        return {"next_action": title, "request_ids": [*state.get("request_ids", []), rid]}

    def write(state: Review) -> Review:
        chance = f"{state['win_probability']:.0%}"
        step = state.get("next_action")
        line = f"{state['deal_id']}: win probability {chance}" + (
            f", at risk: {step}" if step else ", on track"
        )
        return {"line": line}

    graph = StateGraph(Review)
    graph.add_node("assess", assess)
    graph.add_node("plan", plan)
    graph.add_node("write", write)
    graph.add_edge(START, "assess")
    graph.add_conditional_edges(
        "assess", lambda s: "plan" if s["win_probability"] < AT_RISK else "write"
    )
    graph.add_edge("plan", "write")
    graph.add_edge("write", END)
    return graph.compile(name="pipeline-review")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--key", default=None)
    parser.add_argument("--deal", default="D-1003")
    args = parser.parse_args()
    review = build(args.url, args.key).invoke({"deal_id": args.deal})
    print(review["line"])


if __name__ == "__main__":
    main()
