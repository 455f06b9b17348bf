"""The spaCy pieces of the embedded engine, registered when this module is imported.

- `safercity.CharNgramBOW.v1`: a text classifier architecture for spaCy's `textcat`: a bag
  of hashed features (folded words, word bigrams, character 2-5-grams of every word, and
  one heavy feature per hand-written cue stem hit, see rules.CUE_STEMS) feeding a sparse
  linear layer and a softmax. Character n-grams make "lites", "lite", "light" and "luces"
  share evidence, which is what SMS spelling needs; the cues carry knowledge to words the
  training data never used.
- `safercity_lexicon`: a pipeline component that folds each token (case and accents) into
  `NORM` and writes a coarse word class into `LEMMA` (inside a known place name, relation
  word, article, landmark noun...), so the NER's hash embeddings see the gazetteer.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy
from spacy.language import Language
from spacy.ml.models.textcat import resize_and_set_ref
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model, SparseLinear_v2, chain, resizable, softmax_activation, with_cpu
from thinc.layers.resizable import resize_linear_weighted as _resize_linear_weighted

from nlu.embedded.kriol_spelling import respell
from nlu.embedded.rules import cue_labels, word_class
from nlu.text import fold

NEG_VALUE = -5000.0
_MAX_NGRAM = 5
_MIN_NGRAM = 2
_DOC_KEY = "safercity_bow_features"
_PARTS_KEY = "safercity_bow_parts"
_CUE_WEIGHT = 6  # a cue stem counts like six features (cross-validated on train)
# Words repeat across messages ("the", "di", "light"): their features and folded forms are
# computed once per process (bounded, a few MB at most).
_WORD_CACHE_SIZE = 32768


def _h(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8"))


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def _word_keys(word: str) -> tuple[int, ...]:
    """The features of one word on its own: the word and its character n-grams."""
    keys = [_h("w:" + word)]
    if any(ch.isalpha() for ch in word):
        padded = "<" + word + ">"
        last = len(padded)
        for n in range(_MIN_NGRAM, _MAX_NGRAM + 1):
            for i in range(0, last - n + 1):
                keys.append(_h("c:" + padded[i : i + n]))
    return tuple(keys)


def _feature_parts(words: Sequence[str]) -> tuple[list[int], list[int]]:
    """A message's word, n-gram, bigram and length keys; and its cue keys, repeated."""
    keys: list[int] = []
    prev = "<s>"
    for word in words:
        keys.extend(_word_keys(word))
        keys.append(_h("b:" + prev + " " + word))
        prev = word
    if words:
        keys.append(_h("b:" + prev + " </s>"))
    keys.append(_h("len:" + str(min(len(words), 12))))
    cues: list[int] = []
    for label in cue_labels(list(words)):
        cues.extend([_h("cue:" + label)] * _CUE_WEIGHT)
    return keys, cues


def text_features(parts: tuple[list[int], list[int]], distinct: bool) -> list[int]:
    """Hashed features of a message's folded words (order-insensitive except bigrams), from
    its `_feature_parts`.

    distinct: each word, bigram and character n-gram counts once however often the message
    repeats it (cue hits still add up). Counted, the n-grams most words share ("<th", "the",
    "di", "la") outweigh the rarer ones that say what happened: the category classifier
    reads distinct features (3-fold CV on train level, the blind dev4 writer's macro-F1
    0.947 -> 0.956 over four seeds); the urgency classifier keeps counts (its CV recall
    fell 0.960 -> 0.936 with distinct ones)."""
    keys, cues = parts
    return (list(dict.fromkeys(keys)) if distinct else keys) + cues


def doc_words(doc: Doc) -> list[str]:
    return [t.norm_ for t in doc if not t.is_space and not t.is_punct] or [
        t.norm_ for t in doc if not t.is_space
    ]


def _extract_forward(
    model: Model[list[Doc], tuple[Any, Any, Any]], docs: list[Doc], is_train: bool
) -> tuple[tuple[Any, Any, Any], Callable[[Any], list[Any]]]:
    # Features are cached by text while training only (train.fit switches the cache on and
    # off): thinc's with_cpu calls begin_update even when predicting, so is_train cannot tell.
    cache: dict[str, tuple[numpy.ndarray, numpy.ndarray]] | None = model.attrs["cache"]
    distinct: bool = model.attrs["distinct"]
    doc_key = _DOC_KEY + (":distinct" if distinct else "")
    batch_keys = []
    batch_vals = []
    for doc in docs:
        cached = cache.get(doc.text) if cache is not None else doc.user_data.get(doc_key)
        if cached is None:
            # the classifiers of one message share the words' keys, whichever way they count
            parts = doc.user_data.get(_PARTS_KEY) if cache is None else None
            if parts is None:
                parts = _feature_parts(doc_words(doc))
                if cache is None:
                    doc.user_data[_PARTS_KEY] = parts
            raw = text_features(parts, distinct)
            keys_arr, counts = numpy.unique(numpy.asarray(raw, dtype="uint64"), return_counts=True)
            vals = counts.astype("float32")
            norm = float(numpy.sqrt((vals * vals).sum())) or 1.0
            cached = (keys_arr, vals / norm)
            if cache is not None:
                cache[doc.text] = cached
            else:  # the classifiers of one message share its features
                doc.user_data[doc_key] = cached
        batch_keys.append(cached[0])
        batch_vals.append(cached[1])
    lengths = numpy.asarray([k.shape[0] for k in batch_keys], dtype="int32")
    keys = numpy.concatenate(batch_keys) if batch_keys else numpy.zeros((0,), dtype="uint64")
    vals = numpy.concatenate(batch_vals) if batch_vals else numpy.zeros((0,), dtype="float32")

    def backprop(_: Any) -> list[Any]:
        return []

    return (keys, vals, lengths), backprop


def set_feature_cache(model: Model[Any, Any], on: bool) -> None:
    """Cache each training text's features (on) or never keep any (off, for serving)."""
    for node in model.walk():
        if node.name == "extract_char_ngrams":
            node.attrs["cache"] = {} if on else None


def extract_char_ngrams(distinct: bool = False) -> Model[list[Doc], tuple[Any, Any, Any]]:
    return Model(
        "extract_char_ngrams", _extract_forward, attrs={"cache": None, "distinct": distinct}
    )


@registry.architectures("safercity.CharNgramBOW.v1")  # type: ignore[untyped-decorator]
def build_char_ngram_bow(
    exclusive_classes: bool = True,
    length: int = 262144,
    nO: int | None = None,
    distinct_features: bool = False,
) -> Model[list[Doc], Any]:
    fill_defaults = {"b": NEG_VALUE, "W": 0}
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    resizable_layer: Model[Any, Any] = resizable(
        sparse_linear,
        resize_layer=partial(_resize_linear_weighted, fill_defaults=fill_defaults),
    )
    model: Model[Any, Any] = chain(extract_char_ngrams(distinct_features), resizable_layer)
    model = with_cpu(model, model.ops)
    model = chain(model, with_cpu(softmax_activation(), model.ops))
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = not exclusive_classes
    model.attrs["resize_output"] = partial(resize_and_set_ref, resizable_layer=resizable_layer)
    return model


# ----------------------------------------------------------------- lexicon
@lru_cache(maxsize=_WORD_CACHE_SIZE)
def _fold_word(word: str) -> str:
    """A token's NORM: folded (case, accents), phonetic Kriol respelt (kriol_spelling)."""
    return respell(fold(word))


_word_class = lru_cache(maxsize=_WORD_CACHE_SIZE)(word_class)


class LexiconTagger:
    """Folds tokens into NORM and marks known place names and location words in LEMMA."""

    def __init__(self, nlp: Language, name: str, phrases: Iterable[str] = ()) -> None:
        self.name = name
        self.phrases: list[str] = []
        self._index: dict[str, list[tuple[str, ...]]] = {}
        self.set_phrases(phrases)

    def set_phrases(self, phrases: Iterable[str]) -> None:
        unique = sorted({" ".join(fold(p).split()) for p in phrases if p and p.strip()})
        self.phrases = unique
        index: dict[str, list[tuple[str, ...]]] = {}
        for phrase in unique:
            toks = tuple(respell(w) for w in phrase.replace(".", " ").replace(",", " ").split())
            if toks:
                index.setdefault(toks[0], []).append(toks)
        for options in index.values():
            options.sort(key=len, reverse=True)
        self._index = index

    def __call__(self, doc: Doc) -> Doc:
        tokens = list(doc)
        norms = [_fold_word(t.text) for t in tokens]
        classes = ["O"] * len(doc)
        i = 0
        while i < len(doc):
            matched = 0
            for option in self._index.get(norms[i], ()):
                j, k = i, 0
                while j < len(doc) and k < len(option):
                    if tokens[j].is_punct and norms[j] in {".", ","}:
                        j += 1
                        continue
                    if norms[j] != option[k]:
                        break
                    j += 1
                    k += 1
                if k == len(option):
                    matched = j - i
                    break
            if matched:
                classes[i] = "PLACE_B"
                for m in range(i + 1, i + matched):
                    classes[m] = "PLACE_I"
                i += matched
            else:
                i += 1
        for token, norm, cls in zip(tokens, norms, classes, strict=True):
            token.norm_ = norm
            token.lemma_ = cls if cls != "O" else _word_class(norm)
        return doc

    def to_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "phrases.json").write_text(json.dumps(self.phrases), encoding="utf-8")

    def from_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> LexiconTagger:
        data = json.loads((Path(path) / "phrases.json").read_text(encoding="utf-8"))
        self.set_phrases(str(p) for p in data)
        return self


def clear_word_caches() -> None:
    for cached in (_word_keys, _fold_word, _word_class):
        cached.cache_clear()


@Language.factory("safercity_lexicon", default_config={})
def make_lexicon(nlp: Language, name: str) -> LexiconTagger:
    return LexiconTagger(nlp, name)


NER_MODEL: dict[str, Any] = {
    "@architectures": "spacy.TransitionBasedParser.v2",
    "state_type": "ner",
    "extra_state_tokens": False,
    "hidden_width": 128,
    "maxout_pieces": 2,
    "use_upper": True,
    "nO": None,
    "tok2vec": {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {
            "@architectures": "spacy.MultiHashEmbed.v2",
            "width": 64,
            "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE", "LEMMA"],
            "rows": [4000, 1000, 2000, 500, 200],
            "include_static_vectors": False,
        },
        "encode": {
            "@architectures": "spacy.MaxoutWindowEncoder.v2",
            "width": 64,
            "depth": 4,
            "window_size": 1,
            "maxout_pieces": 3,
        },
    },
}


def textcat_model(length: int, distinct_features: bool = False) -> dict[str, Any]:
    return {
        "@architectures": "safercity.CharNgramBOW.v1",
        "exclusive_classes": True,
        "length": length,
        "nO": None,
        "distinct_features": distinct_features,
    }
