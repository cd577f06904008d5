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
from typing import Any

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]
_WORD = re.compile(r"\w+(?:'\w+)?")
CHAR_SIZES = range(2, 6)  # character n-grams 2-5 within word boundaries (like char_wb)


def terms(text: str) -> list[str]:
    """Lower-case words ("w:"), word bigrams ("b:") and character 2-5 grams of each word padded
    with a space ("c:", like scikit-learn's char_wb). A word shorter than n gives itself once."""
    words = _WORD.findall(text.lower())
    out = [f"w:{w}" for w in words]
    out += [f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    for w in words:
        padded = f" {w} "
        for n in CHAR_SIZES:
            if len(padded) <= n:
                out.append(f"c:{padded}")
                break
            out += [f"c:{padded[i : i + n]}" for i in range(len(padded) - n + 1)]
    return out


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {t: i for i, t in enumerate(self.terms)})

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
        the embedding head's)."""
        z = np.tile(self.bias, (len(texts), 1))
        for row, text in enumerate(texts):
            counts = Counter(t for t in terms(text) if t in self.index)
            if not counts:
                continue
            cols = np.fromiter((self.index[t] for t in counts), dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
            if self.sublinear:
                tf = np.asarray(1.0 + np.log(tf), dtype=np.float32)
            values = tf * self.idf[cols]
            values /= max(float(np.linalg.norm(values)), 1e-12)
            z[row] += self.weights[:, cols] @ values
        return np.asarray(z, dtype=np.float32)
