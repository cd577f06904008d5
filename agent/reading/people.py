"""People the free text names with a title or role: "the CFO, Henrike Sauer, signs off anything
above EUR 150k", "our CISO has to review this", "Siobhán has not been involved so far".

Rules a coach can read, no model: a title from a lexicon of buying roles (C-level acronyms,
"finance director", "head of procurement", "general counsel" ...) with the name written next to
it, if any; the buying role it implies; whether the sentence gives them authority over the spend
("signs off", "approves", "budget holder") and whether we have met them ("we have not met her").
A person who is one of the deal's contacts is tied to that contact; the seller's own people and
the seller's own roles ("our sales manager" in a rep's note) are not buyers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from agent.contracts.deal import Deal, DmuRole
from agent.contracts.facts import Fact
from agent.grounding.vocabulary import ordinary_words
from agent.memo import PerObject
from agent.reading.gates import gate
from agent.reading.spans import sentence_spans

_NAME_WORD = r"[^\W\d_][\w'’.-]*"
_PARTICLE = r"(?:van|von|de|da|del|der|ní|ni|bin|binti|al|le|la|du|dos)"
_NAME = rf"(?:{_NAME_WORD})(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{0,2}}"
# A department or an unnamed person in it: someone to engage only when the text says they did
# something for the deal ("Purchasing sent us the supplier form", "someone from procurement
# asked for our insurance certificate"); "the procurement process takes six weeks" is no one.
_DEPARTMENT = (
    r"(?:someone|somebody|a (?:person|colleague|guy|lady|woman|man)) (?:from|in) "
    r"(?:procurement|purchasing|sourcing|Einkauf)|"
    r"(?:procurement|purchasing|sourcing|Einkauf)(?: (?:team|department|dept|colleague|person|"
    r"guy|lady|contact|people))?"
)
# (pattern, implied role, finance-or-executive: may own the budget)
_TITLES: list[tuple[str, DmuRole, bool]] = [
    (
        r"CFO|chief financial officer|finance director|director of finance|head of finance|"
        r"VP(?:,)? finance|vice president(?:,)? finance|financial controller|group controller|"
        r"treasurer",
        "economic_buyer",
        True,
    ),
    (
        r"CEO|chief executive(?: officer)?|managing director|general manager|MD|"
        r"owner|founder|co-founder|president|COO|chief operating officer|"
        r"(?:deputy )?(?:managing|executive|general) director|plant director|"
        r"chairman|chair of the board",
        "economic_buyer",
        True,
    ),
    (
        r"CISO|chief information security officer|"
        r"(?:head|director) of (?:IT |information )?security|security officer|"
        r"data protection officer|DPO|infosec lead|security architect",
        "technical_evaluator",
        False,
    ),
    (
        r"CIO|CTO|chief (?:information|technology|digital) officer|head of IT|IT director|"
        r"director of IT|enterprise architect",
        "technical_evaluator",
        False,
    ),
    (
        r"general counsel|legal counsel|head of legal|legal director|in-house lawyer|"
        r"company secretary",
        "legal",
        False,
    ),
    (
        r"(?:head|director|manager|lead|officer) of (?:procurement|purchasing|sourcing|"
        r"Einkauf)|procurement (?:manager|lead|officer|director|advisor|specialist)|"
        r"purchasing (?:manager|director|lead|officer)|category (?:manager|buyer|lead)|"
        r"strategic sourcing lead|(?:senior|lead|strategic|indirect|principal|commodity|"
        r"procurement|purchasing|IT) buyer|purchaser|Eink[äa]ufer(?:in)?|Einkaufsleiter(?:in)?|"
        + _DEPARTMENT,
        "procurement",
        False,
    ),
    (
        r"CRO|CMO|CHRO|CPO|chief (?:revenue|marketing|people|human resources|product) officer|"
        r"VP(?:,)? \w+|vice president(?: of)? \w+|(?:head|director) of \w+(?: \w+)?",
        "influencer",
        False,
    ),
]
_TITLE = re.compile(
    r"\b(?:(?P<det>the|our|my|their|its|his|her|group|company|new|interim|acting)\s+)?"
    r"(?P<title>" + "|".join(f"(?:{t})" for t, _, _ in _TITLES) + r")\b",
    re.IGNORECASE,
)
# A word every title above holds, lower-cased: an ASCII sentence without any of them holds no
# title, so the long pattern above is not tried at each of its words (a call's thousand
# sentences). Not for other text: case-blind matching also pairs "ſ" with "s" and "K" with "k".
_IN_EVERY_TITLE = (
    *("cfo", "ceo", "md", "coo", "ciso", "dpo", "cio", "cto", "cro", "cmo", "chro", "cpo", "vp"),
    *("chief", "financ", "controller", "treasurer", "director", "manager", "owner", "founder"),
    *("president", "chair", "security", "officer", "infosec", "head", "architect", "counsel"),
    *("lawyer", "secretary", "procurement", "purchasing", "sourcing", "eink", "category"),
    *("buyer", "purchaser"),
)


def may_hold_title(sentence: str) -> bool:
    """False only when `sentence` cannot hold a title (_TITLE cannot match)."""
    if not sentence.isascii():
        return True
    low = sentence.lower()
    return any(word in low for word in _IN_EVERY_TITLE)


_ACRONYM = re.compile(r"^[A-Z]{2,5}$")
_AUTHORITY = re.compile(
    r"\b(?:signs?(?: off| the)?|sign-off|signature|approves?|approval|has to approve|"
    r"must approve|budget (?:holder|owner)|holds the budget|owns the budget|final say|"
    r"authori[sz]es?|releases? the budget|decides|decision maker|chairs? the investment)\b",
    re.IGNORECASE,
)
_SPEND = re.compile(
    r"\b(?:spend|budget|anything above|over|above|investment|purchase|contract|deal|"
    r"payback|business case|capex|opex|[$€£¥]|EUR|USD|GBP|SGD|JPY|AUD|CAD|CHF|INR)\b",
    re.IGNORECASE,
)
_NOT_MET = re.compile(
    r"\b(?:(?:have|has|had)n'?t (?:yet )?(?:met|spoken|talked)|(?:have|has|had) not (?:yet )?"
    r"(?:met|spoken|talked|been involved)|never (?:met|spoken)|not (?:been )?involved|"
    r"no contact with|not (?:yet )?met|we don'?t know (?:her|him|them))\b",
    re.IGNORECASE,
)
_MET = re.compile(
    r"\b(?:we met|met with|spoke with|presented to|walked (?:her|him) through)\b", re.IGNORECASE
)
_UNSURE = re.compile(
    r"\b(?:not sure|unsure|maybe|perhaps|might be|may be|unclear|don'?t know|do not know|"
    r"doesn'?t know|does not know|no idea|will find out|to find out|whether|either|or the)\b",
    re.IGNORECASE,
)
_SELLER_SIDE = ("our", "my")


@dataclass(frozen=True)
class _Known:
    contact_id: str
    tokens: frozenset[str]
    acronym: str
    title: str


def _acronym(title: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z]+", title) if w.lower() not in ("of", "and", "the")]
    return "".join(w[0] for w in words).upper()


def _known(deal: Deal) -> tuple[_Known, ...]:
    """Once per deal object: asked for every sentence, and a big deal has hundreds of contacts."""
    return _KNOWN.get(
        deal, None, lambda: _known_of(tuple((c.id, c.name, c.title) for c in deal.contacts))
    )


_KNOWN: PerObject[tuple[_Known, ...]] = PerObject(maxsize=64)


@lru_cache(maxsize=256)
def _known_of(contacts: tuple[tuple[str, str, str], ...]) -> tuple[_Known, ...]:
    """Cached by the contacts' ids, names and titles: read once per text, built once."""
    return tuple(
        _Known(cid, frozenset(t.lower() for t in name.split()), _acronym(title), title)
        for cid, name, title in contacts
    )


def _seller_names(deal: Deal) -> list[frozenset[str]]:
    return list(_SELLERS.get(deal, None, lambda: _sellers_of(deal)))


def _sellers_of(deal: Deal) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(t.lower() for t in m.name.split()) for m in [deal.owner, *deal.team])


_SELLERS: PerObject[tuple[frozenset[str], ...]] = PerObject(maxsize=64)


def _is_seller(name: str, sellers: list[frozenset[str]]) -> bool:
    """The name is one of ours: all its words are one seller's ('Rita', 'Rita Seller'); a
    customer who shares a first name with one of ours ('Mark Jensen', 'Mark Rossi') is not."""
    tokens = {t.lower() for t in name.split()}
    return any(tokens <= seller for seller in sellers)


def _role_of(title: str) -> tuple[DmuRole, bool]:
    for pattern, role, executive in _TITLES:
        if re.fullmatch(pattern, title, re.IGNORECASE):
            return role, executive
    return "influencer", False


def _name_near(sentence: str, start: int, end: int) -> str | None:
    """A name written next to the title: 'the CFO, Henrike Sauer,' / 'CFO Abdul Rahman' /
    'Owner (Jim)' / 'Siobhán Keane (Finance Director)' / 'Henrike Sauer, our CFO' /
    'Gemma Ruiz is their CISO'."""
    after = re.match(rf"\s*(?:,|\()?\s*(?P<n>{_NAME})", sentence[end:])
    if after and (name := _leading_name(after.group("n"))):
        return name
    # "Gemma Ruiz is their CISO", not "Helixor is the IT director's platform"
    copula = r"|\s(?:is|was)\s+" if not re.match(r"['’]s\b", sentence[end:]) else ""
    before = re.search(
        rf"(?P<n>{_NAME})\s*(?:\((?:[^(),]{{1,30}},\s*)?|,\s*(?:the|our|their|its|group)?\s*"
        rf"{copula})$",
        sentence[:start],
    )
    if before and (name := _trailing_name(before.group("n"), before.start("n") == 0)):
        return name
    return None


def _word_kind(word: str) -> str | None:
    """'name' for a capitalised word that can only be a name; 'ordinary' for one that is also
    an ordinary word ('Mark', 'Rose', 'Seller'), a name only next to a 'name' word; 'particle'
    for 'van', 'de' ...; None for anything else: a title word, an acronym, a lower-case word."""
    bare = word.rstrip(".,;:'’")
    if bare in _PARTICLES:  # lower case, as in "van der Berg"; "De Vries" starts a name
        return "particle"
    if (
        not bare
        or not bare[0].isupper()
        or _ACRONYM.match(bare)
        or bare.lower() in _TITLE_WORDS
        or bare.lower() in _STOP
    ):
        return None
    return "ordinary" if bare.lower() in ordinary_words() else "name"


def _name_from(words: list[str], kinds: list[str | None]) -> list[str]:
    """The name in a run of words read outwards from the title (nearest first): it stops at
    the first word that cannot be part of a name. An ordinary word is part of it only next to
    a word that can only be a name ('Mark Jensen', 'Rita Seller'; not 'Economic Buyer')."""
    kept: list[str] = []
    for i, (word, kind) in enumerate(zip(words, kinds, strict=True)):
        if kind == "particle" and kept:
            kept.append(word)
            continue
        beside = kinds[max(i - 1, 0) : i + 2]
        if kind == "name" or (kind == "ordinary" and "name" in beside):
            kept.append(word.rstrip(".,;:"))
            continue
        break
    while kept and kept[-1].lower() in _PARTICLES:
        kept.pop()
    return kept


def _leading_name(text: str) -> str | None:
    words = text.split()
    found = _name_from(words, [_word_kind(w) for w in words])
    return " ".join(found) if found else None


def _trailing_name(text: str, starts_sentence: bool = False) -> str | None:
    """A name that ends where the title starts; the sentence's first word, capitalised only
    because it starts the sentence, is no name unless it can only be one ('Met Priya Nair')."""
    words = text.split()
    kinds = [_word_kind(w) for w in words]
    if starts_sentence and kinds and kinds[0] == "ordinary":
        kinds[0] = None
    found = _name_from(words[::-1], kinds[::-1])
    return " ".join(found[::-1]) if found else None


_PARTICLES = frozenset(
    (
        "van",
        "von",
        "de",
        "da",
        "del",
        "der",
        "ní",
        "ni",
        "bin",
        "binti",
        "al",
        "le",
        "la",
        "du",
        "dos",
    )
)
_STOP = frozenset(
    (
        "the",
        "our",
        "their",
        "its",
        "his",
        "her",
        "a",
        "an",
        "and",
        "or",
        "but",
        "who",
        "which",
        "that",
        "this",
        "we",
        "they",
        "she",
        "he",
        "it",
        "i",
        "after",
        "before",
        "when",
        "if",
        "so",
        "then",
        "also",
        "has",
        "have",
        "had",
        "is",
        "was",
        "will",
        "would",
        "said",
        "says",
        "told",
        "asked",
        "approves",
        "signs",
        "sign",
        "confirmed",
        "mentioned",
        "meeting",
        "call",
        "with",
        # the day a note is about, capitalised only because it starts the sentence
        "yesterday",
        "today",
        "tomorrow",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
    )
)
_TITLE_WORDS = frozenset(
    (
        "chief",
        "officer",
        "director",
        "head",
        "manager",
        "lead",
        "vp",
        "svp",
        "evp",
        "president",
        "owner",
        "founder",
        "operations",
        "finance",
        "procurement",
        "legal",
        "security",
        "it",
        "sales",
        "marketing",
        "group",
        "deputy",
        "managing",
        "general",
        "executive",
        "senior",
        "junior",
        "interim",
        "acting",
        "board",
        "committee",
        "team",
        "department",
        "controller",
        "counsel",
        "architect",
    )
)


_UNDER = r"(?:deputy|assistant|associate|vice|former|ex)"


def _contact_for(name: str | None, title: str, known: Sequence[_Known]) -> str | None:
    if name:
        tokens = {t.lower() for t in name.split()}
        for k in known:
            if tokens & k.tokens and (len(tokens & k.tokens) >= min(2, len(tokens))):
                return k.contact_id
        return None
    acronym = title.upper() if _ACRONYM.match(title) else _acronym(title)
    wanted = title.lower()
    matches = [
        k
        for k in known
        if k.acronym == acronym
        or wanted in k.title.lower()
        or any(_acronym(part) == acronym for part in re.split(r"[,&/]| and ", k.title))
    ]
    if len(matches) > 1:  # "the CISO" is the Chief Information Security Officer, not the
        # deputy CISO: a title under the one written is a different seat
        under = re.compile(rf"\b{_UNDER}[- ]{re.escape(wanted)}\b", re.IGNORECASE)
        matches = [k for k in matches if not under.search(k.title)] or matches
    return matches[0].contact_id if len(matches) == 1 else None


_PRONOUN = re.compile(r"\b(?:her|him|them|she|he|they)\b", re.IGNORECASE)


def _met(sentence: str, following: str, name: str | None, text: str) -> bool | None:
    """False when the text says we have not met them: in the same sentence, in the next one
    about 'her' or 'him', or anywhere it uses their first name; True when it says we met."""
    if _NOT_MET.search(sentence):
        return False
    if _NOT_MET.search(following) and _PRONOUN.search(following):
        return False
    if name:
        first = re.escape(name.split()[0])
        for a, b in sentence_spans(text):
            other = text[a:b]
            if re.search(rf"\b{first}\b", other) and _NOT_MET.search(other):
                return False
    return True if _MET.search(sentence) else None


# What someone does for the deal: sends, asks, runs, reviews. Not authority ("signs off
# anything above"), nor a plan ("will send"), nor what we did to them ("we sent the CFO").
_ACTED = re.compile(
    r"\b(?:sent|sends|mailed|e-?mailed|e-?mails|forwarded|shared|asked|asks|requested|requests|"
    r"runs|is running|ran|leads|is leading|led|reviewed|reviews|is reviewing|returned|called|"
    r"rang|replied|answered|wrote|joined|invited|set up|opened|issued|started|kicked off|"
    r"came back|got back|reached out|contacted|raised|queried|pushed back|signed off|"
    r"challenged|provided|handed (?:us|over))\b",
    re.IGNORECASE,
)
_NOT_DONE_YET = re.compile(
    r"\b(?:not|never|yet to)\b|n['’]t\b|\b(?:will|would|shall|going to|to be|should|needs? to|"
    r"has to|have to|may|might|could|can|once|if|when|whether|before)\b",
    re.IGNORECASE,
)
# Someone else doing it: "the CFO, whom we emailed, ..."; a new clause after a full stop.
_OTHER_SUBJECT = re.compile(r"\b(?:we|I|you|us)\b|[;.!?]", re.IGNORECASE)
_IS_DEPARTMENT = re.compile(_DEPARTMENT, re.I)
_DEPARTMENT_LEAD = re.compile(
    r"\s+(?:(?:has|have|had|already|also|now|just|then|today|yesterday|finally)\s+){0,3}", re.I
)
_PRONOUN_SUBJECT = re.compile(r"^\W*(?:she|he|they)\s+(?:\w+ly\s+|also\s+|now\s+)?", re.I)


def acted_for_deal(sentence: str, after: int, following: str = "") -> bool | None:
    """True when the person named just before `after` is the subject of something done for the
    deal ("... mailed us the onboarding pack", "..., who runs the commercial round"); False when
    the words say they have not done it; None when they say nothing either way. The next
    sentence counts when it carries on about 'she' or 'he' ("She runs the round from now")."""
    rest = sentence[after : after + 120]
    m = _ACTED.search(rest)
    if m is not None and _OTHER_SUBJECT.search(rest[: m.start()]) is None:
        before = rest[: m.start()]
        if re.search(r"\b(?:not|never|yet to)\b|n['’]t\b", before, re.I):
            return False
        if _NOT_DONE_YET.search(before) is None:
            return True
    lead = _PRONOUN_SUBJECT.match(following)
    if lead is not None and _ACTED.match(following, lead.end()) is not None:
        return True
    return None


_TITLE_GATE = gate(_TITLE)


def read_people(ref: str, text: str, deal: Deal, seller_written: bool) -> Iterator[Fact]:
    """Person facts in one free text. `seller_written`: a rep's note or an activity summary,
    where 'our CFO' is the seller's own."""
    if not _TITLE_GATE.may_match(text):
        return
    spans = sentence_spans(text)
    for n, (s_start, s_end) in enumerate(spans):
        sentence = text[s_start:s_end]
        following = text[s_end : spans[n + 1][1]] if n + 1 < len(spans) else ""
        found = list(_people_in(sentence, following, text, ref, deal, seller_written))
        named_roles = {f.role for f in found if f.person}
        for fact in found:  # "Signe Halvorsen (Einkauf, category buyer)": one person
            if fact.person or not _is_department(fact.title) or fact.role not in named_roles:
                yield fact


def _is_department(title: str | None) -> bool:
    return title is not None and _IS_DEPARTMENT.fullmatch(title) is not None


def _people_in(
    sentence: str, following: str, text: str, ref: str, deal: Deal, seller_written: bool
) -> Iterator[Fact]:
    """Person facts in one sentence of `text`."""
    if not may_hold_title(sentence):
        return
    known, sellers = _known(deal), _seller_names(deal)
    for m in _TITLE.finditer(sentence):
        det = (m.group("det") or "").lower()
        if seller_written and det in _SELLER_SIDE:
            continue
        title = m.group("title")
        department = _is_department(title)
        if (  # a bare lower-case phrase ("owner of the process") is not a title
            _ACRONYM.match(title.replace(" ", "")) is None
            and title[0].islower()
            and not det
            and not department
            and not re.search(
                r"\b(?:director|officer|counsel|manager|head|buyer|purchaser)\b", title, re.I
            )
        ):
            continue
        acted: bool | None
        if department:  # "Purchasing sent us ...": the verb right after the department
            lead = _DEPARTMENT_LEAD.match(sentence, m.end())
            acted = lead is not None and _ACTED.match(sentence, lead.end()) is not None
            if not acted:
                continue  # a department mentioned ("the procurement process"), nobody acting
        else:
            acted = acted_for_deal(sentence, m.end(), following)
        name = None if department else _name_near(sentence, m.start(), m.end())
        if name and _is_seller(name, sellers):
            continue
        role, executive = _role_of(title)
        authority = bool(_AUTHORITY.search(sentence)) or None
        if role == "influencer" and authority:
            role = "economic_buyer" if _SPEND.search(sentence) else role
        elif role == "economic_buyer" and not executive:
            role = "influencer"
        met = _met(sentence, following, name, text)
        hedged = bool(_UNSURE.search(sentence)) and not name
        yield Fact(
            kind="person",
            ref=ref,
            quote=sentence.strip(),
            person=name,
            title=title,
            contact_id=_contact_for(name, title, known),
            role=role,
            authority=None if hedged else authority,
            acted=acted,
            met=met,
            hedged=hedged,
        )


def contact_for(deal: Deal, name: str | None, title: str | None) -> str | None:
    """The contact a person written as `name` and/or `title` is, by the rules' own matching:
    for facts read by a model, so that a contact is never added again as someone new."""
    if not name and not title:
        return None
    return _contact_for(name, title or "", _known(deal))


def is_seller(deal: Deal, name: str | None) -> bool:
    """A name of the seller's own people (the owner, the team): never a buyer."""
    return bool(name) and _is_seller(name or "", _seller_names(deal))


def seller_side(quote: str, title: str) -> bool:
    """'our CFO' in a rep's note is the seller's own CFO."""
    return re.search(rf"\b(?:our|my)\s+{re.escape(title)}\b", quote, re.IGNORECASE) is not None
