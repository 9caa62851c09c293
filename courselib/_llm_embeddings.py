"""The course's embedding model, `course-embed-1`: LSA (latent semantic analysis).

What it is, honestly: TF-IDF over word stems, reduced to DIMENSIONS numbers
by TruncatedSVD, fitted on the small corpus in `courselib._embedding_corpus`. Words that appear
together in that corpus ("refund", "money back", "returned") share directions, so related texts get
nearby vectors even with no word in common; a real embedding model learns the same kind of thing
from billions of texts, far better. Word endings are cut ("refunds", "refunded" -> "refund"), but a
word the corpus never uses, or a typo, carries no meaning at all. Vectors have length 1, so a dot
product is the cosine.

The fit runs once per process, on the first request (about 0.1 s; numpy loads then, not when the
server starts), and gives the same vectors on every computer.
"""

from __future__ import annotations

import functools
import hashlib
from typing import TYPE_CHECKING

from courselib._embedding_corpus import TOPICS
from courselib._llm_rules import content_words

if TYPE_CHECKING:
    import numpy as np

__all__ = ["DIMENSIONS", "embed"]

DIMENSIONS = 64  # enough for the corpus's two dozen topics; OpenAI's small model has 1536


def _documents() -> list[str]:
    """Each sentence, and each run of three neighbouring sentences of a topic (so that words of
    one topic co-occur beyond a single sentence)."""
    documents = []
    for sentences in TOPICS.values():
        documents += sentences
        documents += [" ".join(sentences[i : i + 3]) for i in range(len(sentences) - 2)]
    return documents


def _stems(text: str) -> list[str]:
    return sorted(content_words(text))


@functools.cache
def _model() -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """The fitted LSA: each stem's column, its IDF weight, and the DIMENSIONS directions (rows).

    The same computation as scikit-learn's TfidfVectorizer(smooth_idf, norm="l2") followed by
    TruncatedSVD (tests/courselib check they agree), written with numpy alone because importing
    scikit-learn takes seconds and the first embeddings request should not."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    documents = [_stems(document) for document in _documents()]
    vocabulary = {stem: column for column, stem in enumerate(sorted(set().union(*documents)))}
    present = np.zeros((len(documents), len(vocabulary)))
    for row, stems in enumerate(documents):
        present[row, [vocabulary[stem] for stem in stems]] = 1.0
    idf = np.log((1 + len(documents)) / (1 + present.sum(axis=0))) + 1
    weighted = _normalised(present * idf)
    # the SVD's top directions through the smaller documents x documents matrix, on one thread:
    # BLAS threads on a busy machine made this 100 times slower
    with threadpool_limits(1):
        values, vectors = np.linalg.eigh(weighted @ weighted.T)
    top = np.argsort(values)[::-1][:DIMENSIONS]
    directions = (weighted.T @ vectors[:, top] / np.sqrt(values[top])).T
    # an SVD's directions have no sign of their own: fix it (largest entry positive), as scikit-learn does
    signs = np.sign(directions[np.arange(DIMENSIONS), np.abs(directions).argmax(axis=1)])
    return vocabulary, idf, directions * signs[:, None]


def _normalised(rows: np.ndarray) -> np.ndarray:
    import numpy as np

    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1, norms)


def embed(texts: list[str], dimensions: int | None = None) -> list[np.ndarray]:
    """One unit-length vector per text (the first `dimensions` numbers, renormalised, when given)."""
    import numpy as np

    vocabulary, idf, directions = _model()
    present = np.zeros((len(texts), len(vocabulary)))
    for row, text in enumerate(texts):
        present[row, [vocabulary[stem] for stem in _stems(text) if stem in vocabulary]] = 1.0
    reduced = _normalised(present * idf) @ directions.T
    vectors = []
    for text, vector in zip(texts, reduced, strict=True):
        vector = vector[:dimensions] if dimensions else vector
        norm = float(np.linalg.norm(vector))
        if norm < 1e-9:  # nothing the corpus knows: a fixed direction drawn from the text itself
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            vector, norm = np.random.default_rng(seed).standard_normal(len(vector)), 0.0
            norm = float(np.linalg.norm(vector))
        vectors.append((vector / norm).astype(np.float32))
    return vectors
