"""A faster forward pass for the location tagger's token encoder, at serving time only.

The tagger's `tok2vec` (spaCy's `Tok2Vec.v2`: `MultiHashEmbed.v2` then
`MaxoutWindowEncoder.v2`, see components.NER_MODEL) is about forty small thinc layers; on a
twelve-word message the calls between them cost more than the arithmetic. `FastTok2Vec`
reads the trained weights once and runs the same operations, with the same thinc ops
(hash, gather_add, maxout, seq2col; numpy's matrix product, faster than thinc's gemm on
a dozen rows) in the same order, as one function: the vectors are the same numbers (to
float32 rounding), in a fraction of the time.

`install(nlp)` swaps it into the loaded pipeline's tagger after checking, on a few probe
messages, that it gives what the thinc layers give; any other architecture, or any
difference, leaves the pipeline as it was (and says so in the log). Training never uses it.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import Model

log = logging.getLogger(__name__)

# Messages the fast paths are checked on at load (nlu/embedded/fast_classifier.py too).
PROBES = (
    "di lite pos da mi kaana noh di wok",
    "hay unos hombres vendiendo droga cerca del mercado",
    "Street light out on Ring Road by the BTL office, 3 weeks now!!",
    "ok",
)
_TOLERANCE = 1e-4
# distinct tokens whose embedded vector is kept (64 float32 each: about 6 MB at most)
_EMBED_CACHE_SIZE = 20000
_ENCODERS: weakref.WeakSet[FastTok2Vec] = weakref.WeakSet()


def clear_caches() -> None:
    """Forget every FastTok2Vec's cached token vectors (for benchmarks and tests)."""
    for encoder in list(_ENCODERS):
        encoder.clear_cache()


@dataclass(frozen=True, slots=True)
class _Maxout:
    # (nI, nP * nO), contiguous (numpy's BLAS is fastest on small inputs this way), its
    # columns piece by piece: piece p of every output is columns p*nO..(p+1)*nO, so the
    # maximum over pieces is nP - 1 elementwise maxima of slices
    WT: Any
    b: Any  # (nP * nO,), in the same order
    nO: int
    nP: int


@dataclass(frozen=True, slots=True)
class _LayerNorm:
    G: Any
    b: Any


@dataclass(frozen=True, slots=True)
class _Embedding:
    column: int
    seed: int
    E: Any


class FastTok2Vec:
    """Inference of one trained Tok2Vec.v2 (hash embeddings + maxout window encoder)."""

    def __init__(self, tok2vec: Model[Any, Any]) -> None:
        nodes = list(tok2vec.walk(order="dfs_pre"))
        names = [node.name for node in nodes]
        if names.count("extract_features") != 1 or "static_vectors" in names:
            raise ValueError("not a MultiHashEmbed tok2vec")
        self.ops = tok2vec.ops
        self.columns: list[Any] = list(nodes[names.index("extract_features")].attrs["columns"])
        self.embeddings = [
            _Embedding(int(node.attrs["column"]), int(node.attrs["seed"]), node.get_param("E"))
            for node in nodes
            if node.name == "hashembed"
        ]
        maxouts = [self._maxout(node) for node in nodes if node.name == "maxout"]
        norms = [
            _LayerNorm(node.get_param("G"), node.get_param("b"))
            for node in nodes
            if node.name == "layernorm"
        ]
        windows = [int(node.attrs["window_size"]) for node in nodes if node.name == "expand_window"]
        residuals = [n for n in nodes if n.name.startswith("residual(") and len(n.layers) == 1]
        pads = [
            int(node.attrs["pad"]) for node in nodes if node.name.startswith("with_array(residual(")
        ]
        depth = len(windows)
        if (
            not self.embeddings
            or len(maxouts) != depth + 1
            or len(norms) != depth + 1
            or len(residuals) != depth
            or len(pads) != 1
            or any(w != 1 for w in windows)
            or pads[0] < depth
            or sorted(e.column for e in self.embeddings) != list(range(len(self.columns)))
        ):
            raise ValueError("tok2vec layers are not the expected embed + window encoder")
        self.reduce = maxouts[0]
        self.reduce_norm = norms[0]
        self.blocks = list(zip(maxouts[1:], norms[1:], strict=True))
        self.pad = pads[0]
        self._cache: dict[tuple[int, ...], Any] = {}
        _ENCODERS.add(self)

    @staticmethod
    def _maxout(node: Model[Any, Any]) -> _Maxout:
        nO, nP, nI = (node.get_dim(d) for d in ("nO", "nP", "nI"))
        # thinc keeps W as (nO, nP, nI) and b as (nO, nP): reorder both piece-major
        W = numpy.asarray(node.get_param("W")).reshape(nO, nP, nI).transpose(1, 0, 2)
        WT = numpy.ascontiguousarray(W.reshape(nP * nO, nI).T)
        b = numpy.ascontiguousarray(numpy.asarray(node.get_param("b")).reshape(nO, nP).T)
        return _Maxout(WT, b.reshape(nP * nO), nO, nP)

    @staticmethod
    def _apply_maxout(layer: _Maxout, X: Any) -> Any:
        Y = numpy.matmul(X, layer.WT)
        Y += layer.b
        nO = layer.nO
        if layer.nP == 1:
            return Y
        best = numpy.maximum(Y[:, :nO], Y[:, nO : 2 * nO])
        for piece in range(2, layer.nP):
            numpy.maximum(best, Y[:, piece * nO : (piece + 1) * nO], out=best)
        return best

    @staticmethod
    def _apply_norm(layer: _LayerNorm, X: Any) -> Any:
        # thinc's LayerNorm: (X - mean) / sqrt(var + 1e-8) * G + b, over each row
        # (the sums divided by the width: ndarray.mean's own steps, without its overhead)
        width = X.shape[1]
        dist = X - numpy.add.reduce(X, axis=1, keepdims=True) / width
        var = numpy.add.reduce(numpy.square(dist), axis=1, keepdims=True) / width
        var += 1e-08
        Y = dist * var ** (-1.0 / 2.0)
        Y *= layer.G
        Y += layer.b
        return Y

    def _embed(self, ids: Any) -> Any:
        """Each token's vector before the window encoder: its hashed attributes' embeddings,
        reduced to the encoder's width and normalised (a function of the token alone)."""
        ops: Any = self.ops
        vectors = [
            ops.gather_add(
                embed.E,
                ops.hash(numpy.ascontiguousarray(ids[:, embed.column]), embed.seed)
                % embed.E.shape[0],
            )
            for embed in self.embeddings
        ]
        return self._apply_norm(
            self.reduce_norm, self._apply_maxout(self.reduce, numpy.hstack(vectors))
        )

    def _embedded(self, ids: Any) -> Any:
        """`_embed`, each distinct token (its attribute ids) computed once while it is in
        the cache: most words of a message ("the", "di", "light") have been seen before."""
        keys = [tuple(row) for row in ids.tolist()]
        rows: list[Any] = [self._cache.get(key) for key in keys]
        missing = [i for i, row in enumerate(rows) if row is None]
        if missing:
            if len(self._cache) + len(missing) > _EMBED_CACHE_SIZE:
                self._cache.clear()
            computed = self._embed(ids[missing])
            for j, i in enumerate(missing):
                rows[i] = self._cache[keys[i]] = computed[j].copy()
        return numpy.stack(rows)

    def clear_cache(self) -> None:
        self._cache.clear()

    def _encode_one(self, X: Any) -> Any:
        """The window encoder on one message between its `pad` rows of zeros, computing
        only the rows the message's vectors depend on: a block's output row reads the rows
        next to it (window 1), so the last block needs the message's rows, the one before
        one more row each side, and so on back to the zeros; each block's outer rows, which
        nothing after it reads, are never computed. The same numbers as every padded row
        (see __call__), in fewer rows."""
        n = X.shape[0]
        zeros = numpy.zeros((len(self.blocks), X.shape[1]), dtype=X.dtype)
        X = numpy.concatenate((zeros, X, zeros))
        for maxout, norm in self.blocks:
            # thinc's seq2col(X, 1) on the rows that have both neighbours: [X[i-1], X[i], X[i+1]]
            windows = numpy.concatenate((X[:-2], X[1:-1], X[2:]), axis=1)
            X = X[1:-1] + self._apply_norm(norm, self._apply_maxout(maxout, windows))
        return X[:n]

    def __call__(self, docs: Sequence[Doc]) -> list[Any]:
        ops: Any = self.ops
        lengths = [len(doc) for doc in docs]
        width = self.reduce.nO
        present = [n for n in lengths if n]
        if not present:
            return [ops.alloc2f(0, width) for _ in docs]
        ids = numpy.concatenate(
            [doc.to_array(self.columns).reshape(len(doc), -1) for doc in docs if len(doc)]
        ).astype("uint64")
        X = self._embedded(ids)
        if len(present) == 1:  # one message, as the service parses them
            encoded_one = self._encode_one(X)
            return [encoded_one if n else ops.alloc2f(0, width) for n in lengths]
        # The encoder sees the messages as thinc's with_array(pad=...) lays them out: one
        # after the other, each between `pad` rows of zeros, which the window layers read.
        zeros = numpy.zeros((self.pad, width), dtype=X.dtype)
        parts: list[Any] = [zeros]
        starts: list[int] = []
        offset, row = 0, self.pad
        for n in present:
            parts += [X[offset : offset + n], zeros]
            starts.append(row)
            offset, row = offset + n, row + n + self.pad
        X = numpy.concatenate(parts)
        for maxout, norm in self.blocks:
            X = X + self._apply_norm(norm, self._apply_maxout(maxout, ops.seq2col(X, 1)))
        encoded = iter(X[start : start + n] for start, n in zip(starts, present, strict=True))
        return [next(encoded) if n else ops.alloc2f(0, width) for n in lengths]


class _Concatenated:
    """FastTok2Vec then the tagger's `list2array`: every token's vector in one array."""

    def __init__(self, fast: FastTok2Vec) -> None:
        self.fast = fast

    def __call__(self, docs: Sequence[Doc]) -> Any:
        return numpy.concatenate(self.fast(docs))


class _FoldedLower:
    """The tagger's `linear` and its `precomputable_affine` as one matrix product.

    The parser feeds each token's vector through `linear` (width -> hidden) and then
    precomputes every (token, feature) row of its hidden layer with `precomputable_affine`
    (hidden -> nF * nO * nP); both are linear, so X @ Wl.T + bl, then @ W.T, is
    X @ (Wl.T @ W.T) + W @ bl: one product of a dozen rows by a (width, nF*nO*nP) matrix
    computed once here, instead of two (thinc's gemm, the slower on a dozen rows, for the
    larger one). The padding row and the hidden bias `b` are the model's own.
    """

    def __init__(self, linear: Model[Any, Any], lower: Model[Any, Any]) -> None:
        nF, nO, nP, nI = (lower.get_dim(d) for d in ("nF", "nO", "nP", "nI"))
        W = numpy.asarray(lower.get_param("W"), dtype="float64").reshape(nF * nO * nP, nI)
        Wl = numpy.asarray(linear.get_param("W"), dtype="float64")  # (nI, width)
        bl = numpy.asarray(linear.get_param("b"), dtype="float64")  # (nI,)
        self.M = numpy.ascontiguousarray((W @ Wl).T, dtype="float32")  # (width, nF*nO*nP)
        self.c = (W @ bl).astype("float32")
        self.pad = numpy.asarray(lower.get_param("pad")).reshape(nF, nO, nP)
        self.shape = (nF, nO, nP)

    def __call__(self, X: Any) -> Any:
        Y = numpy.empty((X.shape[0] + 1, self.M.shape[1]), dtype="float32")
        numpy.matmul(X, self.M, out=Y[1:])
        Y[1:] += self.c
        Yf = Y.reshape((Y.shape[0], *self.shape))
        Yf[0] = self.pad
        return Yf


def as_layer(
    name: str,
    fast: Callable[[Any], Any],
    original: Model[Any, Any],
    dims: Sequence[str] = ("nO",),
    params: Sequence[str] = (),
    *,
    keep_attrs: bool = False,
) -> Model[Any, Any]:
    """`fast` as an inference-only thinc layer in `original`'s place, with `original`'s
    `dims` and `params` (and attrs, with `keep_attrs`) for the code that reads them; a
    training call goes to `original`. Also serves nlu/embedded/fast_classifier.py."""

    def forward(model: Model[Any, Any], X: Any, is_train: bool) -> tuple[Any, Callable[[Any], Any]]:
        if is_train:  # never expected: keep the trainable layers for any update
            return original(X, is_train)

        def backprop(_: Any) -> list[Any]:
            raise NotImplementedError(f"{name} is for inference only")

        return fast(X), backprop

    return Model(
        name,
        forward,
        dims={dim: original.maybe_get_dim(dim) for dim in dims},
        params={param: original.get_param(param) for param in params},
        attrs=dict(original.attrs) if keep_attrs else {},
    )


def _same(expected: Any, got: Any) -> bool:
    if isinstance(expected, list):
        return len(expected) == len(got) and all(
            _same(a, b) for a, b in zip(expected, got, strict=True)
        )
    return bool(expected.shape == got.shape and numpy.allclose(expected, got, atol=_TOLERANCE))


def install(nlp: Language, pipe: str = "ner") -> bool:
    """Serve `pipe`'s tok2vec through FastTok2Vec when it gives the same numbers: for the
    parser's `tok2vec >> list2array >> linear` chain before a `precomputable_affine`, the
    chain and that layer together (`_FoldedLower`), else the tok2vec alone."""
    try:
        tagger: Any = nlp.get_pipe(pipe)
        chain = tagger.model.get_ref("tok2vec")
        fast = FastTok2Vec(chain.layers[0])
        docs = [prepared(nlp, pipe, text) for text in PROBES]
        names = [layer.name for layer in chain.layers]
        lower = tagger.model.get_ref("lower") if tagger.model.has_ref("lower") else None
        if (
            names[1:] == ["list2array", "linear"]
            and lower is not None
            and (lower.name == "precomputable_affine")
        ):
            encode = _Concatenated(fast)
            folded = _FoldedLower(chain.layers[2], lower)
            # the probes together (a batch) and one by one (as the service parses them)
            same = all(
                _same(lower.predict(chain.predict(batch)), folded(encode(batch)))
                for batch in [docs, *([doc] for doc in docs)]
            )
            swaps = [(chain, as_layer("fast_tok2vec", encode, chain))]
            swaps.append((lower, _as_lower(folded, lower)))
        else:
            original = chain.layers[0]
            same = all(
                _same(original.predict(batch), fast(batch))
                for batch in [docs, *([doc] for doc in docs)]
            )
            swaps = [(original, as_layer("fast_tok2vec", fast, original))]
    except Exception as exc:  # an architecture this module does not know
        log.info("fast tok2vec not used: %s", exc)
        return False
    if not same:
        log.warning("fast tok2vec not used: its vectors differ from the model's")
        return False
    for original_node, new_node in swaps:
        tagger.model.replace_node(original_node, new_node)
    return True


def _as_lower(folded: _FoldedLower, original: Model[Any, Any]) -> Model[Any, Any]:
    """`folded` as the parser's lower layer, with the original's dims and hidden bias `b`
    (the parser reads them)."""
    return as_layer("fast_lower", folded, original, ("nF", "nO", "nP", "nI"), ("b",))


def prepared(nlp: Language, pipe: str, text: str) -> Doc:
    """The doc as the tagger receives it: tokenized and through the pipes before it."""
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == pipe:
            break
        doc = proc(doc)
    return doc
