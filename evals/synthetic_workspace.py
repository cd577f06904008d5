"""Synthetic workspaces of any size, built from the shipped sample, for cost benchmarks.

Copy 0 is the sample itself (same ids, same reps), so a request about D-1003 or rep-priya does
the same work in a 14-deal and a 5,000-deal workspace; copy k renames every deal id
(`D-1003` -> `D-1003-c7`) and every rep id (`rep-priya` -> `rep-priya-c7`) in its files, so
each synthetic rep owns as many deals as a sample rep: per-request cost can then be compared
across sizes. Files that name no id are hard-linked (a 5,000-deal workspace builds in seconds).

    python -m evals.synthetic_workspace OUT_DIR --deals 5000
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
from pathlib import Path

from agent.resources import sample_workspace

_REP = re.compile(r"\brep-[a-z]+\b")


def _deal_ids(sample: Path) -> list[str]:
    return sorted(p.name for p in (sample / "deals").iterdir() if (p / "deal.yaml").is_file())


def build(out: Path, deals: int, sample: Path | None = None) -> Path:
    """A workspace of `deals` deals at `out` (replaced if it exists); returns `out`."""
    sample = sample or sample_workspace()
    ids = _deal_ids(sample)
    if out.exists():
        shutil.rmtree(out)
    (out / "deals").mkdir(parents=True)
    shutil.copytree(sample / "org", out / "org")
    shutil.copy2(sample / "workspace.yaml", out / "workspace.yaml")
    deal_pattern = re.compile(r"\b(" + "|".join(re.escape(d) for d in ids) + r")\b")
    made = 0
    copy = 0
    while made < deals:
        for deal_id in ids:
            if made == deals:
                break
            _copy_deal(sample / "deals" / deal_id, out / "deals", copy, deal_pattern)
            made += 1
        copy += 1
    return out


def _copy_deal(src: Path, deals: Path, copy: int, deal_pattern: re.Pattern[str]) -> None:
    suffix = f"-c{copy}" if copy else ""
    target = deals / f"{src.name}{suffix}"
    for path in sorted(src.rglob("*")):
        dest = target / path.relative_to(src)
        if path.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8") if path.suffix != ".py" else ""
        if not suffix or not (deal_pattern.search(text) or _REP.search(text)):
            _link(path, dest)
            continue
        text = deal_pattern.sub(lambda m: m.group(0) + suffix, text)
        dest.write_text(_REP.sub(lambda m: m.group(0) + suffix, text), encoding="utf-8")


_FIRST = ("Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas")
_LAST = (
    "Alder",
    "Brook",
    "Carver",
    "Dunmore",
    "Ellery",
    "Fenwick",
    "Garland",
    "Holt",
    "Ivers",
    "Jessop",
    "Kestrel",
    "Lowry",
    "Marsh",
    "Norcott",
    "Oakes",
    "Pryor",
    "Quill",
    "Rowan",
    "Sable",
    "Thorne",
)
_TITLES = (
    "Operations Analyst",
    "Finance Manager",
    "IT Architect",
    "Order Desk Lead",
    "Procurement Specialist",
    "Controller",
    "Director of Operations",
    "Branch Manager",
)


def big_deal(out: Path, activities: int = 5000, contacts: int = 200, deal: str = "D-1003") -> Path:
    """A one-deal workspace at `out` whose deal has `contacts` contacts and `activities`
    activities: the sample deal's own, repeated with earlier dates and more participants, so the
    analysis sees a long, busy deal (what `coach` does with a large CRM record)."""
    import datetime as dt

    import yaml

    sample = sample_workspace()
    if out.exists():
        shutil.rmtree(out)
    (out / "deals").mkdir(parents=True)
    shutil.copytree(sample / "org", out / "org")
    shutil.copy2(sample / "workspace.yaml", out / "workspace.yaml")
    shutil.copytree(sample / "deals" / deal, out / "deals" / deal)
    path = out / "deals" / deal / "deal.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    people = list(data["contacts"])
    for i in range(len(people), contacts):
        name = f"{_FIRST[i % len(_FIRST)]} {_LAST[(i // len(_FIRST)) % len(_LAST)]}"
        if i >= len(_FIRST) * len(_LAST):
            name += f" {i}"
        people.append(
            {
                "id": f"c-syn-{i}",
                "name": name,
                "title": _TITLES[i % len(_TITLES)],
                "dmu_role": "user",
                "influence": "low",
                "sentiment": "neutral",
            }
        )
    data["contacts"] = people
    originals = list(data["activities"])
    created = data["created"]
    made = []
    for i in range(activities):
        base = dict(originals[i % len(originals)])
        extra = [people[(i * 7 + k) % len(people)]["id"] for k in range(2)]
        base["id"] = f"a{i + 1}"
        if i >= len(originals):
            base["date"] = created + dt.timedelta(days=i % 150)
        base["participants"] = list(dict.fromkeys([*base.get("participants", []), *extra]))
        made.append(base)
    data["activities"] = sorted(made, key=lambda a: a["date"])
    for j, a in enumerate(data["activities"]):
        a["id"] = f"a{j + 1}"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


def _link(path: Path, dest: Path) -> None:
    try:
        os.link(path, dest)
    except OSError:  # another file system
        shutil.copy2(path, dest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--deals", type=int, default=1000)
    args = parser.parse_args(argv)
    build(args.out, args.deals)
    print(f"{args.deals} deals in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
