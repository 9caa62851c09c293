"""The course's embedding model, `course-embed-1`: LSA (latent semantic analysis).

What it is, honestly: TF-IDF over word stems, reduced to DIMENSIONS numbers
by TruncatedSVD, fitted on the small corpus in `courselib._embedding_corpus`. Words that appear
together in that corpus ("refund", "money back", "returned") share directions, so related texts get
nearby vectors even with no word in common; a real embedding model learns the same kind of thing
from billions of texts, far better. Word endings are cut ("refunds", "refunded" -> "refund"), but a
word the corpus never uses, or a typo, carries no meaning at all. Vectors have length 1, so a dot
product is the cosine.

The fit runs once per process, on the first request (about 0.2 s; numpy and scikit-learn load then,
not when the server starts), and is the same on every computer: the SVD's random state is fixed.
"""

from __future__ import annotations

import functools
import hashlib
from typing import TYPE_CHECKING

from courselib._embedding_corpus import TOPICS
from courselib._llm_rules import content_words

if TYPE_CHECKING:
    import numpy as np
    from sklearn.pipeline import Pipeline

__all__ = ["DIMENSIONS", "embed"]

DIMENSIONS = 64  # enough for the corpus's two dozen topics; OpenAI's small model has 1536


def _documents() -> list[str]:
    """Each sentence, and each run of three neighbouring sentences of a topic (so that words of
    one topic co-occur beyond a single sentence)."""
    documents = []
    for sentences in TOPICS.values():
        documents += sentences
        documents += [" ".join(sentences[i:i + 3]) for i in range(len(sentences) - 2)]
    return documents


def _stems(text: str) -> list[str]:
    return sorted(content_words(text))


@functools.cache
def _model() -> Pipeline:
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from threadpoolctl import threadpool_limits

    lsa = make_pipeline(TfidfVectorizer(analyzer=_stems, sublinear_tf=True),
                        TruncatedSVD(n_components=DIMENSIONS, algorithm="arpack", random_state=0))
    with threadpool_limits(1):  # a small matrix: threads only add start-up cost on a busy machine
        lsa.fit(_documents())
    return lsa


def embed(texts: list[str], dimensions: int | None = None) -> list[np.ndarray]:
    """One unit-length vector per text (the first `dimensions` numbers, renormalised, when given)."""
    import numpy as np

    reduced = _model().transform(texts)
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
