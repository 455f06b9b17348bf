"""The three classifiers of one message in one step, at serving time only.

Each classifier (category, urgency, language) is `safercity.CharNgramBOW.v1`: the
message's hashed features feed thinc's `SparseLinear_v2` and a softmax. Run as three spaCy
pipes, each pays for its own chain of thinc calls on a few hundred numbers.
`FastClassifiers` reads the three weight tables once and scores a message with numpy: the
feature keys are hashed into each table exactly as thinc's sparse linear layer does
(MurmurHash3_x86_32 of the 64-bit key, seeds 0 and 1, two rows per key), once for all
three, then per classifier the same float32 sum, in the same order, and the same softmax:
the probabilities are the pipes' to the last bit.

`FastClassifiers.build(nlp, names)` checks, on a few probe messages, that it gives the
probabilities the pipes give; on any other architecture or any difference it returns None
and the pipes are used as trained. Training never uses it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy
from spacy.language import Language
from spacy.pipeline.textcat import TextCategorizer
from spacy.tokens import Doc

from nlu.embedded.components import doc_features

log = logging.getLogger(__name__)

_EXPECTED_LAYERS = {"extract_char_ngrams", "sparse_linear", "softmax_activation"}
_PROBES = (
    "di lite pos da mi kaana noh di wok",
    "hay unos hombres vendiendo droga cerca del mercado",
    "A man with a GUN robbing the shop on Hummingbird Hwy right now!!",
    "thanks",
    "?",
)
_TOLERANCE = 1e-5
_C1, _C2 = numpy.uint32(0xCC9E2D51), numpy.uint32(0x1B873593)


def _rotl(x: Any, r: int) -> Any:
    return (x << numpy.uint32(r)) | (x >> numpy.uint32(32 - r))


def _mix(h: Any, block: Any) -> Any:
    k = block * _C1
    k = _rotl(k, 15) * _C2
    h = _rotl(h ^ k, 13)
    return h * numpy.uint32(5) + numpy.uint32(0xE6546B64)


def murmur32_uint64(keys: Any, seed: int) -> Any:
    """MurmurHash3_x86_32 of each 64-bit key (its 8 bytes, little-endian), as thinc's
    sparse linear layer computes it; uint32 arithmetic wraps like C's."""
    keys = numpy.asarray(keys, dtype=numpy.uint64)
    low = (keys & numpy.uint64(0xFFFFFFFF)).astype(numpy.uint32)
    high = (keys >> numpy.uint64(32)).astype(numpy.uint32)
    h = numpy.full(keys.shape, seed, dtype=numpy.uint32)
    h = _mix(_mix(h, low), high)
    h ^= numpy.uint32(8)
    h ^= h >> numpy.uint32(16)
    h *= numpy.uint32(0x85EBCA6B)
    h ^= h >> numpy.uint32(13)
    h *= numpy.uint32(0xC2B2AE35)
    h ^= h >> numpy.uint32(16)
    return h


def _softmax(scores: Any) -> Any:
    """thinc's softmax (ops.softmax), the same float32 steps."""
    shifted = scores - scores.max(keepdims=True)
    probs = numpy.exp(shifted)
    probs /= probs.sum(keepdims=True)
    return probs


@dataclass(frozen=True, slots=True)
class _Table:
    name: str
    labels: tuple[str, ...]
    W: Any  # (nO, length)
    b: Any  # (nO,)


class FastClassifiers:
    """The classifier pipes `names` of a trained pipeline, scored together."""

    def __init__(self, nlp: Language, names: Sequence[str]) -> None:
        tables = []
        lengths = set()
        for name in names:
            pipe = nlp.get_pipe(name)
            if not isinstance(pipe, TextCategorizer):
                raise ValueError(f"{name} is not a text classifier")
            layers = {node.name for node in pipe.model.walk()}
            if not layers >= _EXPECTED_LAYERS:
                raise ValueError(f"{name} is not a CharNgramBOW classifier")
            linear = pipe.model.get_ref("output_layer")
            if linear.name != "sparse_linear" or linear.attrs.get("v1_indexing", True):
                raise ValueError(f"{name}: not a SparseLinear_v2 output layer")
            n_out, length = linear.get_dim("nO"), linear.get_dim("length")
            lengths.add(length)
            W = numpy.asarray(linear.get_param("W")).reshape(n_out, length)
            tables.append(_Table(name, tuple(pipe.labels), W, numpy.asarray(linear.get_param("b"))))
        if len(lengths) != 1:
            raise ValueError("the classifiers' tables differ in length")
        self.names = tuple(names)
        self.tables = tables
        self.length = lengths.pop()

    def __call__(self, doc: Doc) -> dict[str, float]:
        """Every classifier's label probabilities for `doc` (what the pipes put in doc.cats)."""
        if not len(doc):  # spaCy's classifiers score an empty doc 0 everywhere
            return {label: 0.0 for table in self.tables for label in table.labels}
        keys, vals = doc_features(doc)
        rows1 = murmur32_uint64(keys, 0) % numpy.uint32(self.length)
        rows2 = murmur32_uint64(keys, 1) % numpy.uint32(self.length)
        cats: dict[str, float] = {}
        for table in self.tables:
            # thinc adds, in float32 and in this order: the bias, then per key its two rows
            # times the value; a cumulative sum keeps that order, so the sums are the same
            terms = numpy.empty((table.W.shape[0], 2 * len(keys) + 1), dtype=numpy.float32)
            terms[:, 0] = table.b
            terms[:, 1::2] = table.W[:, rows1] * vals
            terms[:, 2::2] = table.W[:, rows2] * vals
            scores = numpy.cumsum(terms, axis=1, dtype=numpy.float32)[:, -1]
            probs = _softmax(scores)
            cats.update(zip(table.labels, probs.tolist(), strict=True))
        return cats

    @classmethod
    def build(cls, nlp: Language, names: Sequence[str]) -> FastClassifiers | None:
        """FastClassifiers for `names` if they give what the pipes give, else None."""
        try:
            fast = cls(nlp, names)
            for text in _PROBES:
                doc = nlp(text)
                got = fast(_before(nlp, names, text))
                if any(abs(got[label] - float(doc.cats[label])) > _TOLERANCE for label in got):
                    log.warning("fast classifiers not used: they differ from the pipes")
                    return None
        except Exception as exc:  # an architecture this module does not know
            log.info("fast classifiers not used: %s", exc)
            return None
        return fast


def _before(nlp: Language, names: Sequence[str], text: str) -> Doc:
    """`text` through every pipe but the classifiers (they are what is replaced)."""
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name not in names:
            doc = proc(doc)
    return doc
