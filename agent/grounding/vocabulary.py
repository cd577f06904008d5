"""The agent's own words: what the grounding checker accepts in output although no input and no
cited knowledge supplied it.

The checker looks at capitalised words that do not start a sentence (a name, a company, a
product) and at numbers. Templates and the capabilities' fixed sentences put a few ordinary
words there ("Hi Owen", "Tie it to", "Largest gap: …"); those words, and only those, are listed
here. The list is explicit and short on purpose: it holds no name, no company and no number, so a
model that writes "30% faster in 45 days" or names a customer no input mentions is caught.
`tests/unit/test_grounding_vocabulary.py` keeps it that way.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from functools import cache
from pathlib import Path

from agent.files import write_atomic
from agent.resources import cache_dir, knowledge_dir

AGENT_WORDS: frozenset[str] = frozenset(
    (
        "Act",
        "Add",
        "Advanced",
        "Agree",
        "All",
        "Answer",
        "Ask",
        "Authority",
        "Balanced",
        "Base",
        "Baseline",
        "Best",
        "Book",
        "CFO",
        "CRM",
        "Cc",
        "Competition",
        "Confirm",
        "Defend",
        "Deliver",
        "Equip",
        "Estimate",
        "Every",
        "Focus",
        "Goal",
        "Handle",
        "Hi",
        "Hold",
        "I'd",
        "Introductions",
        "Largest",
        "Lead",
        "Likelihood",
        "Lines",
        "Longer",
        "Make",
        "Note",
        "Only",
        "Practise",
        "Prepare",
        "Prove",
        "Raise",
        "Restate",
        "Retire",
        "Scored",
        "Send",
        "Shadow",
        "Short",
        "Show",
        "Slower",
        "Solve",
        "Subject",
        "Thank",
        "Their",
        "Tie",
        "Timing",
        "Tone",
        "Unverified",
    )
)
# Words people open a sentence with in conversation that no knowledge document happens to use
# in lower case; none of them is anybody's name.
SENTENCE_OPENERS = frozenset(
    [
        "thanks",
        "thank",
        "hi",
        "hello",
        "hey",
        "yes",
        "yeah",
        "no",
        "ok",
        "okay",
        "sure",
        "great",
        "well",
        "so",
        "right",
        "look",
        "sorry",
    ]
)
_WORD = re.compile(r"\b[a-z][a-z'’-]+\b")


KEPT = "vocabulary"  # the folder under the user's cache folder
log = logging.getLogger(__name__)


@cache
def ordinary_words() -> frozenset[str]:
    """Words the shipped knowledge writes in lower case: ordinary English, never a name. A
    lesson that travels to other deals keeps a capitalised word only when it is one of these."""
    return frozenset({w.lower() for w in AGENT_WORDS} | SENTENCE_OPENERS | knowledge_words())


def knowledge_words(root: Path | None = None) -> frozenset[str]:
    """The lower-case words of the knowledge under `root` (the shipped knowledge), kept in the
    user's cache folder under a fingerprint of its files' bytes. Why: reading and validating the
    whole corpus is about a tenth of a second of every start of a command that reads a deal,
    for words that change only when the knowledge does; a changed file is a new fingerprint,
    so the kept list is always the one the files give. A list that cannot be read is computed
    again; one that cannot be written is simply not kept."""
    folder = (root or knowledge_dir()).resolve()
    path = cache_dir() / KEPT / f"{_fingerprint(folder)}.json"
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = None
    if isinstance(kept, list) and all(isinstance(w, str) for w in kept):
        return frozenset(kept)
    from knowledge.corpus import corpus

    words: set[str] = set()
    for doc in (corpus() if root is None else corpus((folder,))).docs.values():
        for section in doc.sections:
            words.update(_WORD.findall(section.heading + " " + section.text))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(sorted(words), ensure_ascii=False))
    except OSError as exc:
        log.debug("knowledge words not kept (%s)", exc)
    return frozenset(words)


def _fingerprint(folder: Path) -> str:
    """Every markdown file under `folder` (its place and its bytes), the word rule and the code
    that reads the files into sections: a release that reads them otherwise keeps new words."""
    import knowledge.corpus
    import knowledge.documents

    digest = hashlib.sha256(_WORD.pattern.encode())
    for module in (knowledge.corpus, knowledge.documents):
        digest.update(Path(str(module.__file__)).read_bytes())
    for path in sorted(folder.rglob("*.md")):
        digest.update(b"\0" + path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]
