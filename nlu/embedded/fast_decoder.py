"""The location tagger's greedy decoding without spaCy's per-token loop, at serving time only.

spaCy's transition-based tagger (`spacy.TransitionBasedParser.v2` with `state_type: ner`, see
components.NER_MODEL) decodes one token at a time in C: for each token it sums three
precomputed feature rows, takes the maxout, multiplies by the output layer (blis's sgemm, which
packs its operands on every call: about 7 microseconds for a 1 x 128 x 6 product) and takes the
GIL to pick the move. On a dozen-word message that loop is a fifth of the whole parse.

The state the tagger reads is small. Its three features are the current token, the first token
of the open entity and the token before the current one, the last two only while an entity is
open. So every score the decoder can ask for is either "outside an entity at token i" (one
batch for the whole message) or "inside the entity opened at token s, at token i" (one batch
per entity opened, computed when it opens). `GreedyDecoder` computes those batches with numpy,
in the order spaCy adds them up, and then walks the tokens in Python with spaCy's rules for
which moves are valid (one label; no preset entities, no sentence starts, nothing opened on a
whitespace token). The entities are the same; `install()` checks so on probe messages and
leaves the pipeline's own decoding in place otherwise. A doc that arrives with entities already
set goes through spaCy's decoding too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy
from spacy.attrs import ENT_IOB, IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc, Span

from nlu.embedded.fast_tok2vec import PROBES, prepared

log = logging.getLogger(__name__)

_MOVES = ("B", "I", "L", "U", "O")  # begin, in, last, unit, out


class GreedyDecoder:
    """`pipe(doc)` for a one-label transition-based entity tagger whose token encoder and lower
    layer are already served by fast_tok2vec (`fast_tok2vec`, `fast_lower`)."""

    def __init__(self, pipe: Any) -> None:
        model = pipe.model
        names = [node.name for node in model.walk()]
        if names != ["parser_model", "fast_tok2vec", "fast_lower", "linear"]:
            raise ValueError(f"not a served tagger: {names}")
        if not model.attrs.get("has_upper", False):
            raise ValueError("no output layer")
        labels = list(pipe.labels)
        if len(labels) != 1:
            raise ValueError(f"{len(labels)} labels, not one")
        self.label = labels[0]
        moves = pipe.moves
        index: dict[str, int] = {}
        for i in range(moves.n_moves):
            name = moves.get_class_name(i)
            move, _, label = name.partition("-")
            if label == self.label and move in _MOVES:
                index[move] = i
            elif name == "O":
                index["O"] = i
            elif name != "U-":  # the blocked unit: valid only on preset annotation
                raise ValueError(f"unknown move {name}")
        if sorted(index) != sorted(_MOVES):
            raise ValueError(f"moves {sorted(index)}")
        self.n_classes = moves.n_moves
        self.begin, self.in_, self.last, self.unit, self.out = (index[m] for m in _MOVES)
        self.pipe = pipe
        self.encode = model.get_ref("tok2vec")
        lower = model.get_ref("lower")
        self.lower = lower
        self.nF, self.nO, self.nP = (lower.get_dim(d) for d in ("nF", "nO", "nP"))
        if self.nF != 3:
            raise ValueError(f"{self.nF} state features, not 3")
        self.bias = numpy.asarray(lower.get_param("b"), dtype="float32").reshape(self.nO, self.nP)
        upper = model.get_ref("upper")
        self.W = numpy.ascontiguousarray(numpy.asarray(upper.get_param("W"), dtype="float32").T)
        self.b = numpy.asarray(upper.get_param("b"), dtype="float32")
        if self.W.shape != (self.nO, self.n_classes):
            raise ValueError(f"output layer {self.W.shape}")
        unseen = model.attrs.get("unseen_classes") or set()
        self.unseen = sorted(int(c) for c in unseen)

    def _scores(self, unmaxed: Any) -> list[list[float]]:
        """Rows of summed features (k, nO, nP) -> the moves' scores, a list per row."""
        unmaxed += self.bias
        hidden = unmaxed[:, :, 0]
        for piece in range(1, self.nP):  # the maxout (ndarray.max has more overhead)
            hidden = numpy.maximum(hidden, unmaxed[:, :, piece])
        scores = hidden @ self.W
        scores += self.b
        if self.unseen:  # spaCy gives a class it never saw the lowest score of the state
            scores[:, self.unseen] = scores.min(axis=1, keepdims=True)
        rows: list[list[float]] = scores.tolist()
        return rows

    def entities(self, doc: Doc, space: list[int] | None = None) -> list[tuple[int, int]]:
        """The (start, end) token offsets of the entities spaCy's greedy decoding finds
        (`space`: which tokens are whitespace, when the caller has it)."""
        n = len(doc)
        if n == 0:
            return []
        if space is None:
            space = doc.to_array(IS_SPACE).tolist()
        Y = self.lower.predict(self.encode.predict([doc]))  # (n + 1, 3, nO, nP); row 0: the padding
        pad = Y[0]
        # outside an entity: (token i, none, none), spaCy's summation order
        outside = self._scores(Y[1:, 0] + pad[1] + pad[2])
        begin, in_, last, unit, out = self.begin, self.in_, self.last, self.unit, self.out
        found: list[tuple[int, int]] = []
        start = -1
        inside: list[list[float]] = []
        for i in range(n):
            if start < 0:
                row = outside[i]
                best = out
                if not space[i]:
                    # spaCy keeps the first of equal scores, in move order
                    candidates = (begin, unit) if i < n - 1 else (unit,)
                    for move in candidates:
                        if row[move] > row[best] or (row[move] == row[best] and move < best):
                            best = move
                if best == begin:
                    start = i
                    # inside the entity opened at i (never the last token), at tokens
                    # i+1..n-1: (token j, token i, token j-1)
                    inside = self._scores(Y[i + 2 :, 0] + Y[i + 1, 1] + Y[i + 1 : n, 2])
                elif best == unit:
                    found.append((i, i + 1))
            else:
                row = inside[i - start - 1]
                if i < n - 1 and (row[in_] > row[last] or (row[in_] == row[last] and in_ < last)):
                    continue
                found.append((start, i + 1))
                start = -1
        return found

    def __call__(self, doc: Doc) -> Doc:
        iob, space = doc.to_array([ENT_IOB, IS_SPACE]).T.tolist() if len(doc) else ([], [])
        if any(iob):  # entities preset: spaCy's own rules
            result: Doc = self.pipe(doc)
            return result
        spans = [Span(doc, s, e, label=self.label) for s, e in self.entities(doc, space)]
        doc.set_ents(spans, default="outside")
        return doc


def install(nlp: Language, pipe: str = "ner") -> Callable[[Doc], Doc] | None:
    """A GreedyDecoder for `pipe` when it finds what the pipe finds on the probe messages;
    None (the pipe decodes as before) otherwise."""
    try:
        decoder = GreedyDecoder(nlp.get_pipe(pipe))
        probes = [*PROBES, "light out  by the market", "x"]
        for text in probes:
            expected = decoder.pipe(prepared(nlp, pipe, text))
            got = decoder(prepared(nlp, pipe, text))
            if [(e.start, e.end, e.label_) for e in expected.ents] != [
                (e.start, e.end, e.label_) for e in got.ents
            ]:
                log.warning("fast decoder not used: it differs from the tagger on a probe")
                return None
    except Exception as exc:  # an architecture this module does not know
        log.info("fast decoder not used: %s", exc)
        return None
    return decoder
