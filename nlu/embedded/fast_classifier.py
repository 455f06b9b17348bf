"""The text classifiers' forward pass as one layer, at serving time only.

Each classifier (`textcat`, `urgency`, `language`; components.build_char_ngram_bow) is
`with_cpu(extract_char_ngrams >> resizable(sparse_linear)) >> with_cpu(softmax)`: eight thinc
layers, and on one message the calls between them (with_cpu copying its inputs, chain and
resizable passing them on) cost more than the sparse product itself. `install(nlp)` swaps
each such model for one layer that runs the same three steps (the same hashed features, the
same sparse_linear forward, thinc's softmax in numpy) after checking on a few probe messages
that the scores are the model's; any other architecture or any difference leaves the
classifier as it was. Training never uses it.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import Model

from nlu.embedded.components import extract_char_ngrams
from nlu.embedded.fast_tok2vec import PROBES, as_layer, prepared

log = logging.getLogger(__name__)

_TOLERANCE = 1e-6


class _Classifier:
    """Hashed features -> sparse linear scores -> softmax, for a batch of docs."""

    def __init__(self, sparse_linear: Model[Any, Any], distinct: bool) -> None:
        self.extract = extract_char_ngrams(distinct)
        self.sparse_linear = sparse_linear

    def __call__(self, docs: list[Doc]) -> Any:
        features, _ = self.extract(docs, is_train=False)
        scores, _ = self.sparse_linear(features, is_train=False)
        # thinc's Ops.softmax, the same steps
        shifted = scores - numpy.max(scores, axis=-1, keepdims=True)
        probs = numpy.exp(shifted)
        probs /= probs.sum(axis=-1, keepdims=True)
        return probs


def _one(nlp: Language, name: str) -> bool:
    pipe: Any = nlp.get_pipe(name)
    model: Model[Any, Any] = pipe.model
    names = [node.name for node in model.walk()]
    linears = [node for node in model.walk() if node.name == "sparse_linear"]
    if (
        names.count("extract_char_ngrams") != 1
        or len(linears) != 1
        or names.count("softmax_activation") != 1
        or len(names) != 8
    ):
        raise ValueError(f"{name}: not a CharNgramBOW classifier")
    extract = next(node for node in model.walk() if node.name == "extract_char_ngrams")
    fast = _Classifier(linears[0], bool(extract.attrs.get("distinct", False)))
    docs = [prepared(nlp, name, text) for text in PROBES]
    expected = model.predict(docs)
    for doc in docs:  # the features each doc kept: computed again by the fast layer
        doc.user_data.clear()
    got = fast(docs)
    if expected.shape != got.shape or not numpy.allclose(expected, got, atol=_TOLERANCE):
        log.warning("fast classifier not used for %s: its scores differ from the model's", name)
        return False
    pipe.model = as_layer("fast_classifier", fast, model, keep_attrs=True)
    return True


def install(nlp: Language, names: tuple[str, ...]) -> bool:
    """Serve each classifier in `names` through one layer; True when all of them are."""
    try:
        return all([_one(nlp, name) for name in names])
    except Exception as exc:  # an architecture this module does not know
        log.info("fast classifiers not used: %s", exc)
        return False
