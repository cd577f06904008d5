"""The utterance classifier's second head: TF-IDF over word and character n-grams.

The embedding head reads what a turn means; this one reads the words it uses ("can't",
"budget", "not now"), which a sentence embedding blurs. Averaged, the two score better than
either (README "What an utterance does").

`terms` is the ONE analyser: training passes it to scikit-learn's TfidfVectorizer as
`analyzer=`, and prediction calls it again here, so the two can never drift apart. The fitted
vocabulary, idf, weights and intercepts ship as numpy arrays (no pickle) and prediction needs
numpy only: a sparse dot through a dict from term to column.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

import numpy as np
import numpy.typing as npt

from agent.memo import Recent

Vector = npt.NDArray[np.float32]
_WORD = re.compile(r"\w+(?:'\w+)?")
CHAR_SIZES = range(2, 6)  # character n-grams 2-5 within word boundaries (like char_wb)
_KEPT_WORDS = 1 << 16


def terms(text: str) -> list[str]:
    """Lower-case words ("w:"), word bigrams ("b:") and character 2-5 grams of each word padded
    with a space ("c:", like scikit-learn's char_wb). A word shorter than n gives itself once."""
    words = _WORD.findall(text.lower())
    out = [f"w:{w}" for w in words]
    out += [f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    for w in words:
        out += _char_grams(w)
    return out


@lru_cache(maxsize=1 << 15)
def _char_grams(word: str) -> tuple[str, ...]:
    """One word's character grams, in `terms`' order, kept per word."""
    padded = f" {word} "
    out: list[str] = []
    for n in CHAR_SIZES:
        if len(padded) <= n:
            out.append(f"c:{padded}")
            break
        out += [f"c:{padded[i : i + n]}" for i in range(len(padded) - n + 1)]
    return tuple(out)


@dataclass(frozen=True)
class Lexical:
    """The fitted TF-IDF head: vocabulary, idf, one row of weights per label and a bias.
    `sublinear` is scikit-learn's sublinear_tf (1 + log count); rows are l2-normalised."""

    terms: tuple[str, ...]
    idf: Vector
    weights: Vector
    bias: Vector
    sublinear: bool
    index: dict[str, int] = field(init=False, repr=False, compare=False)
    # a text's logits, kept by text: a call says "Okay." and "Makes sense." many times
    rows: Recent[str, Vector] = field(init=False, repr=False, compare=False)
    # a word's own column and its character grams' columns (-1: not in the vocabulary)
    words: dict[str, tuple[int, tuple[int, ...]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {t: i for i, t in enumerate(self.terms)})
        object.__setattr__(self, "rows", Recent(maxsize=4096))
        object.__setattr__(self, "words", {})

    def arrays(self, prefix: str) -> dict[str, npt.NDArray[np.generic]]:
        """What `save` writes, keys prefixed (the utterance head's file holds both heads)."""
        return {
            f"{prefix}terms": np.array(self.terms),
            f"{prefix}idf": self.idf.astype(np.float32),
            f"{prefix}weights": self.weights.astype(np.float16),
            f"{prefix}bias": self.bias.astype(np.float32),
            f"{prefix}sublinear": np.array(self.sublinear),
        }

    @classmethod
    def from_arrays(cls, data: Mapping[str, Any], prefix: str) -> Lexical:
        """From `arrays`' keys in an opened npz (or a dict of arrays)."""
        get = data.__getitem__
        return cls(
            terms=tuple(str(t) for t in get(f"{prefix}terms")),
            idf=np.asarray(get(f"{prefix}idf"), dtype=np.float32),
            weights=np.asarray(get(f"{prefix}weights"), dtype=np.float32),
            bias=np.asarray(get(f"{prefix}bias"), dtype=np.float32),
            sublinear=bool(get(f"{prefix}sublinear")),
        )

    def scores(self, texts: Sequence[str]) -> Vector:
        """Probabilities, one row per text and one column per label."""
        z = self.logits(texts)
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))), dtype=np.float32)

    def logits(self, texts: Sequence[str]) -> Vector:
        """The linear scores before the sigmoid (the utterance head's union row adds them to
        the embedding head's). A row depends on its text alone (the same float32 operations in
        the same order whatever the batch), so it is kept per text and a line said again is
        looked up."""
        if not texts:
            return np.zeros((0, len(self.bias)), dtype=np.float32)
        return np.stack([self.rows.get(text, partial(self._logits, text)) for text in texts])

    def columns(self, text: str) -> list[int]:
        """The vocabulary's columns of `terms(text)`, in its order, unknown terms left out
        (tests/unit/test_ngrams.py holds the two equal). A word's own and character grams'
        columns are looked up once per word: a call says the same words again and again."""
        words = _WORD.findall(text.lower())
        per = [self.words.get(w) or self._word(w) for w in words]
        out = [c for c, _ in per if c >= 0]
        get = self.index.get
        pairs = zip(words, words[1:], strict=False)
        out += [c for a, b in pairs if (c := get(f"b:{a} {b}", -1)) >= 0]
        for _, chars in per:
            out += chars
        return out

    def _word(self, word: str) -> tuple[int, tuple[int, ...]]:
        get = self.index.get
        found = (
            get(f"w:{word}", -1),
            tuple(c for t in _char_grams(word) if (c := get(t, -1)) >= 0),
        )
        if len(self.words) >= _KEPT_WORDS:  # bounded: start again rather than grow
            self.words.clear()
        self.words[word] = found
        return found

    def _logits(self, text: str) -> Vector:
        """One text's logits: its columns counted (Counter over the list, in C), in the order
        the terms first come, as the vectoriser counted them in training."""
        z = self.bias.copy()
        known = Counter(self.columns(text))
        if not known:
            return z
        cols = np.fromiter(known.keys(), dtype=np.int64, count=len(known))
        tf = np.fromiter(known.values(), dtype=np.float32, count=len(known))
        if self.sublinear:
            tf = np.asarray(1.0 + np.log(tf), dtype=np.float32)
        values = tf * self.idf[cols]
        values /= max(float(np.linalg.norm(values)), 1e-12)
        z += self.weights[:, cols] @ values
        return z
