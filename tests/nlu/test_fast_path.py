"""The embedded engine's serving shortcuts change nothing a citizen would see.

The fast token encoder (nlu.embedded.fast_tok2vec), the tagger's greedy decoding in numpy
(nlu.embedded.fast_decoder), the one-layer classifiers (nlu.embedded.fast_classifier) and
the word and place caches make a parse cheaper; every message must come out exactly as the
plain spaCy pipeline parses it.
"""

from __future__ import annotations

from typing import Any

import numpy
import pytest
import spacy
from spacy.tokens import Span

from nlu.embedded import fast_decoder, fast_tok2vec
from nlu.embedded.components import NER_MODEL
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
    assert fast.fast_decoder and not plain.fast_decoder
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
    assert fast_decoder.install(nlp) is None
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


# Messages whose tokens test the decoder's edges: whitespace tokens (no entity opens on one,
# an open one runs through it), a place as the first or the last token, one token alone.
EDGES = [
    "light out  by the market",
    "belmopan",
    "market \n\n by di bridge",
    "di lite pos da mi kaana noh di wok by san ignacio",
    "  ",
    "x",
    "robbery at the bus terminal in belmopan and another one in santa elena",
]


def _entities(doc: Any) -> list[tuple[int, int, str]]:
    return [(ent.start, ent.end, ent.label_) for ent in doc.ents]


@pytest.fixture
def decoder_and_tagger(
    engines: tuple[EmbeddedEngine, EmbeddedEngine],
) -> tuple[EmbeddedEngine, Any, Any]:
    """The fast engine, a fast decoder installed on its pipeline, and spaCy's own tagger."""
    fast, _ = engines
    decoder = fast_decoder.install(fast.nlp)
    assert decoder is not None
    return fast, decoder, fast.nlp.get_pipe("ner")


def test_the_fast_decoder_finds_what_spacys_decoding_finds(
    decoder_and_tagger: tuple[EmbeddedEngine, Any, Any],
) -> None:
    fast, decoder, tagger = decoder_and_tagger
    texts = [ex.text for ex in load(split_dir("train")).examples] + MESSAGES + EDGES
    differ = []
    found = 0
    for text in texts:
        expected = tagger(fast_tok2vec.prepared(fast.nlp, "ner", text))
        got = decoder(fast_tok2vec.prepared(fast.nlp, "ner", text))
        found += len(got.ents)
        if _entities(got) != _entities(expected) or [t.ent_iob for t in got] != [
            t.ent_iob for t in expected
        ]:
            differ.append(text)
    assert differ == []
    assert found > len(texts) // 2  # most messages name a place: the comparison has teeth


def test_a_doc_with_entities_already_set_goes_through_spacys_own_decoding(
    decoder_and_tagger: tuple[EmbeddedEngine, Any, Any],
) -> None:
    fast, decoder, tagger = decoder_and_tagger
    text = "the street light by the market is out"
    preset = fast_tok2vec.prepared(fast.nlp, "ner", text)
    preset.set_ents([Span(preset, 1, 3, label="LOCATION")], default="unmodified")
    expected = fast_tok2vec.prepared(fast.nlp, "ner", text)
    expected.set_ents([Span(expected, 1, 3, label="LOCATION")], default="unmodified")
    got = decoder(preset)
    assert _entities(got) == _entities(tagger(expected))
    assert (1, 3, "LOCATION") in _entities(got)  # the preset entity is kept


@pytest.mark.parametrize("weights", ["random", "zero"])
def test_the_fast_decoder_follows_spacys_rules_where_a_trained_tagger_never_goes(
    weights: str,
) -> None:
    """An untrained tagger opens, continues and closes entities everywhere: with random
    output weights on whitespace, at the last token, in every order the rules allow. With
    spaCy's own zero initialisation every move scores the same and the first valid move in
    the tagger's order wins: an untrained tagger lists "O" first, so it finds nothing."""
    nlp = spacy.blank("en")
    tagger: Any = nlp.add_pipe("ner", config={"model": NER_MODEL})
    tagger.add_label("LOCATION")
    nlp.initialize()
    upper = tagger.model.get_ref("upper")
    if weights == "random":
        rng = numpy.random.default_rng(7)
        upper.set_param("W", rng.normal(0, 1, upper.get_param("W").shape).astype("float32"))
    else:
        assert not upper.get_param("W").any()
    assert fast_tok2vec.install(nlp)
    decoder = fast_decoder.install(nlp)
    assert decoder is not None
    texts = EDGES + [" ".join(text.split()[:n]) + "  " for text in MESSAGES[:60] for n in (1, 3)]
    kinds = set()
    for text in texts + MESSAGES[:200]:
        expected = tagger(nlp.make_doc(text))
        got = decoder(nlp.make_doc(text))
        assert _entities(got) == _entities(expected), text
        kinds |= {"one" if e.end - e.start == 1 else "longer" for e in got.ents}
        kinds |= {"at the end" for e in got.ents if e.end == len(got)}
        kinds |= {"over a space" for e in got.ents if any(t.is_space for t in e)}
    if weights == "random":
        assert kinds == {"one", "longer", "at the end", "over a space"}
    else:
        assert kinds == set()
