"""Win themes: why this customer buys from us, from what the record grounds (confirmed pains,
decision criteria where our position is strong, the value case's drivers, the agreed core
message).

Both an open deal's strategy and a won deal's (closed.py) state them, so they are built once.
"""

from __future__ import annotations

from agent.capabilities.deal_strategy.contract import WinTheme
from agent.contracts.context import DealContext


def win_themes(ctx: DealContext) -> list[WinTheme]:
    themes: list[WinTheme] = []
    if ctx.discovery:
        for i, pain in enumerate(ctx.discovery.pains):
            if pain.confirmed:
                themes.append(
                    WinTheme(
                        theme=f"Solve: {pain.description}",
                        evidence=pain.impact or "confirmed by the customer",
                        citations=[f"discovery.pains[{i}]"],
                    )
                )
        for i, crit in enumerate(ctx.discovery.decision_criteria):
            if crit.our_position == "strong":
                themes.append(
                    WinTheme(
                        theme=f"Lead on {crit.name}",
                        evidence=f"{crit.weight} weight, our position strong",
                        citations=[f"discovery.decision_criteria[{i}]"],
                    )
                )
    if ctx.value:
        for i, driver in enumerate(ctx.value.value_drivers):
            themes.append(
                WinTheme(
                    theme=f"Deliver {driver.name}",
                    evidence=driver.metric or "in the value case",
                    citations=[f"value.value_drivers[{i}]"],
                )
            )
    if ctx.argumentation and ctx.argumentation.core_message:
        themes.append(
            WinTheme(
                theme=ctx.argumentation.core_message,
                evidence="the agreed core message",
                citations=["argumentation.core_message"],
            )
        )
    return themes[:5]
