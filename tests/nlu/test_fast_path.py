"""The embedded engine's serving shortcuts change nothing a citizen would see.

The fast token encoder (nlu.embedded.fast_tok2vec), the one-layer classifiers
(nlu.embedded.fast_classifier) and the word and place caches make a
parse cheaper; every message must come out exactly as the plain spaCy pipeline parses it.
"""

from __future__ import annotations

from typing import Any

import numpy
import pytest
import spacy

from nlu.embedded import fast_tok2vec
from nlu.embedded.engine import EmbeddedEngine
from nlu.embedded.store import ensure_model
from nlu.training_data import load, split_dir

MESSAGES = [ex.text for ex in load(split_dir("test")).examples]


@pytest.fixture(scope="module")
def engines() -> tuple[EmbeddedEngine, EmbeddedEngine]:
    model_dir, _, _ = ensure_model(None)
    return (
        EmbeddedEngine.from_dir(model_dir),
        EmbeddedEngine.from_dir(model_dir, fast=False),
    )


def test_the_fast_encoder_is_in_use_and_parses_every_message_the_same(
    engines: tuple[EmbeddedEngine, EmbeddedEngine],
) -> None:
    fast, plain = engines
    assert fast.fast_tagger and not plain.fast_tagger
    assert fast.fast_classifiers and not plain.fast_classifiers
    names = [node.name for node in fast.nlp.get_pipe("ner").model.walk()]  # type: ignore[attr-defined]
    assert "fast_tok2vec" in names and "fast_lower" in names
    for classifier in ("textcat", "urgency", "language"):
        assert fast.nlp.get_pipe(classifier).model.name == "fast_classifier"  # type: ignore[attr-defined]
    differ = [text for text in MESSAGES if fast.parse(text) != plain.parse(text)]
    assert differ == []


def test_the_fast_encoder_gives_the_models_vectors_for_batches_and_empty_docs(
    engines: tuple[EmbeddedEngine, EmbeddedEngine],
) -> None:
    _, plain = engines
    original = plain.nlp.get_pipe("ner").model.get_ref("tok2vec").layers[0]  # type: ignore[attr-defined]
    encoder = fast_tok2vec.FastTok2Vec(original)
    texts = ["", *MESSAGES[:40], "", "ok"]
    docs = [fast_tok2vec.prepared(plain.nlp, "ner", text) for text in texts]
    expected = original.predict(docs)
    got = encoder(docs)
    assert [a.shape for a in got] == [a.shape for a in expected]
    for a, b in zip(expected, got, strict=True):
        assert numpy.allclose(a, b, atol=1e-5)
    for doc in docs[:12]:  # one message at a time: the encoder's shorter path
        [alone] = encoder([doc])
        [model_alone] = original.predict([doc])
        assert alone.shape == model_alone.shape
        assert numpy.allclose(alone, model_alone, atol=1e-5)


def test_an_encoder_it_does_not_know_is_left_alone() -> None:
    nlp = spacy.blank("en")
    ner: Any = nlp.add_pipe(
        "ner",
        config={
            "model": {
                "@architectures": "spacy.TransitionBasedParser.v2",
                "state_type": "ner",
                "hidden_width": 16,
                "maxout_pieces": 2,
                "use_upper": True,
                "tok2vec": {
                    "@architectures": "spacy.HashEmbedCNN.v2",
                    "width": 16,
                    "depth": 1,
                    "embed_size": 100,
                    "window_size": 2,  # a wider window than FastTok2Vec runs
                    "maxout_pieces": 3,
                    "subword_features": True,
                    "pretrained_vectors": None,
                },
            }
        },
    )
    ner.add_label("LOCATION")
    nlp.initialize()
    before = [node.name for node in ner.model.walk()]
    assert fast_tok2vec.install(nlp) is False
    assert [node.name for node in ner.model.walk()] == before
    assert nlp("a street light on ring road") is not None


def test_cached_words_and_places_give_the_same_answers_as_cold_ones(
    engines: tuple[EmbeddedEngine, EmbeddedEngine],
) -> None:
    fast, _ = engines
    sample = MESSAGES[::7]
    fast.clear_caches()
    cold = [fast.parse(text) for text in sample]
    warm = [fast.parse(text) for text in sample]
    assert warm == cold
    assert any(result.location is not None and result.location.place for result in warm)
    fast.clear_caches()
    assert [fast.parse(text) for text in reversed(sample)] == list(reversed(cold))
