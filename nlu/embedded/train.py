"""Training the embedded pipeline from the project's Rasa YAML data.

Two passes over the training split, both on this machine in seconds:
1. the classifiers are trained on 85% of the training split (stratified by intent, fixed
   seed) and scored on the other 15%: that held-back slice fits the temperature that
   calibrates the category confidence and the urgency threshold;
2. everything (classifiers and location tagger) is trained again on the whole split, and
   the fitted temperature and threshold are stored beside it.
The work splits in two: with a second core, a child process
(`python -m nlu.embedded.calibrate_worker`) runs pass 1 and then trains pass 2's classifiers,
while the location tagger, the slowest part, trains here; the child hands back the
calibration and the classifiers' weights.
Both train with thinc's numpy backend doing its matrix products through numpy's BLAS on one
thread rather than through BLIS (`training_ops`): on a 2-core AMD EPYC machine here that
took `safercity nlu train` from 85-91 s to 47-53 s, and the models are as good (3-fold CV
exact span F1, seeds 7, 1 and 2: 0.9403, 0.9432, 0.9430 against BLIS's 0.9450, 0.9424,
0.9414; the classifiers, which make no dense products, are the same to the byte).
The test split is never read here.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import pickle
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy
import spacy
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.pipeline.textcat import TextCategorizer
from spacy.tokens import Doc, Span
from spacy.training import Example
from thinc.api import Adam, Optimizer, fix_random_seed, use_ops
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
from tqdm import tqdm  # type: ignore[import-untyped]

import nlu.embedded.components as components
from nlu.categories import LANGUAGES
from nlu.training_data import NluData, NluExample

_log = logging.getLogger(__name__)
URGENT, CALM = "URGENT", "CALM"
LOCATION = "LOCATION"
TEXTCATS = ("textcat", "urgency", "language")


@dataclass(slots=True)
class TrainConfig:
    textcat_epochs: int = 8
    ner_epochs: int = 12
    batch_size: int = 64
    ner_batch_size: int = 64
    learn_rate: float = 0.02
    ner_learn_rate: float = 0.003
    dropout: float = 0.1
    ner_dropout: float = 0.2
    # the location tagger keeps its weights averaged over all updates, not the last ones
    # (thinc's optimiser tracks the averages): steadier from seed to seed, better on new writers
    ner_averaged: bool = True
    validation_share: float = 0.15
    bow_length: int = 65536
    seed: int = 7


@dataclass(slots=True)
class Calibration:
    temperature: float = 1.0
    urgent_threshold: float = 0.5
    min_report_confidence: float = 0.0
    validation: dict[str, float] = field(default_factory=dict)


@contextlib.contextmanager
def training_ops() -> Iterator[None]:
    """The backend models are built and trained with: thinc's numpy ops with the matrix
    products through numpy's BLAS instead of BLIS (BLIS took half of the tagger's training
    time on the AMD EPYC machines here, numpy's products a third of that), on one BLAS
    thread (with the classifiers training in a child on the other core, a second thread
    only waits for it: 71 s against 52 s). A model keeps the ops it was made with, and the
    tagger makes its output layer when it is initialised, so a whole training runs inside
    this."""
    with use_ops("numpy", use_blis=False), one_blas_thread():
        yield


def one_blas_thread() -> contextlib.AbstractContextManager[object]:
    """Limit numpy's BLAS to one thread in this process, from now on; used as a context
    manager, only until its block ends. When threadpoolctl finds no BLAS it can limit,
    nothing changes (and it says so in the log)."""
    try:
        limits: contextlib.AbstractContextManager[object] = threadpool_limits(
            limits=1, user_api="blas"
        )
    except Exception:  # pragma: no cover - threadpoolctl found no BLAS it can limit
        _log.info("BLAS threads left as they are")
        return contextlib.nullcontext()
    return limits


def build_pipeline(phrases: Sequence[str], config: TrainConfig) -> Language:
    nlp = spacy.blank("xx")
    lexicon = nlp.add_pipe("safercity_lexicon", name="lexicon")
    assert isinstance(lexicon, components.LexiconTagger)
    lexicon.set_phrases(phrases)
    nlp.add_pipe("ner", config={"model": components.NER_MODEL})
    for name in TEXTCATS:
        nlp.add_pipe(
            "textcat",
            name=name,
            config={
                "model": components.textcat_model(
                    config.bow_length, distinct_features=name == "textcat"
                ),
                "threshold": 0.0,
            },
        )
    return nlp


def _pipe(nlp: Language, name: str) -> TrainablePipe:
    proc = nlp.get_pipe(name)
    assert isinstance(proc, TrainablePipe)
    return proc


def labels_of(nlp: Language, name: str) -> list[str]:
    proc = nlp.get_pipe(name)
    assert isinstance(proc, TextCategorizer)
    return list(proc.labels)


def _predicted(nlp: Language, text: str) -> Doc:
    lexicon = nlp.get_pipe("lexicon")
    doc: Doc = lexicon(nlp.make_doc(text))
    return doc


def _reference(nlp: Language, text: str) -> Doc:
    return nlp.make_doc(text)


def _cats_examples(
    nlp: Language, rows: Sequence[tuple[Doc, str]], labels: Sequence[str]
) -> list[Example]:
    out = []
    for doc, gold in rows:
        ref = _reference(nlp, doc.text)
        ref.cats = {label: 1.0 if label == gold else 0.0 for label in labels}
        out.append(Example(doc, ref))
    return out


class _NerExample(Example):
    """An Example whose aligned gold entities are worked out once, not on every update.

    spaCy's tagger asks each example for its gold entities in BILUO form at every update
    (`get_aligned_ents_and_ner`, which walks both docs token by token); the answer depends
    only on the reference's entities and the two tokenizations, which training never
    changes. The same model to the byte, about 2 s sooner on a 50 s training."""

    _gold: tuple[list[Any], list[Any]] | None = None

    def get_aligned_ents_and_ner(self) -> tuple[list[Any], list[Any]]:
        if self._gold is None:
            self._gold = super().get_aligned_ents_and_ner()
        ents, tags = self._gold
        return list(ents), list(tags)


def _ner_examples(nlp: Language, rows: Sequence[tuple[Doc, NluExample]]) -> list[Example]:
    out: list[Example] = []
    for doc, ex in rows:
        ref = _reference(nlp, doc.text)
        spans: list[Span] = []
        for ent in ex.locations:
            span = ref.char_span(ent.start, ent.end, label=LOCATION, alignment_mode="expand")
            if span is not None and all(span.end <= s.start or span.start >= s.end for s in spans):
                spans.append(span)
        ref.ents = spans
        out.append(_NerExample(doc, ref))
    return out


def _training_sets(
    nlp: Language, examples: Sequence[NluExample], intents: Sequence[str], names: Sequence[str]
) -> dict[str, list[Example]]:
    docs = [(_predicted(nlp, ex.text), ex) for ex in examples]
    builders: dict[str, Callable[[], list[Example]]] = {
        "ner": lambda: _ner_examples(nlp, docs),
        "textcat": lambda: _cats_examples(nlp, [(d, ex.intent) for d, ex in docs], intents),
        "urgency": lambda: _cats_examples(
            nlp, [(d, URGENT if ex.urgent else CALM) for d, ex in docs], (URGENT, CALM)
        ),
        "language": lambda: _cats_examples(
            nlp, [(d, ex.lang) for d, ex in docs if ex.lang in LANGUAGES], LANGUAGES
        ),
    }
    return {name: builders[name]() for name in names}


def _batches(items: list[Example], size: int, rng: random.Random) -> list[list[Example]]:
    items = list(items)
    rng.shuffle(items)
    return [items[i : i + size] for i in range(0, len(items), size)]


def fit(
    nlp: Language,
    examples: Sequence[NluExample],
    intents: Sequence[str],
    config: TrainConfig,
    *,
    with_ner: bool = True,
    only: Sequence[str] | None = None,
    progress: bool = True,
    desc: str = "training",
) -> None:
    """Initialise and train the pipeline's components on `examples` (or just `only`)."""
    # thinc draws initial weights and dropout masks from numpy's global generator: seeded
    # here, the same data and code give the same model, run after run
    fix_random_seed(config.seed)
    rng = random.Random(config.seed)  # noqa: S311 (shuffling, not secrets)
    names = [*TEXTCATS, "ner"] if with_ner else list(TEXTCATS)
    if only is not None:
        names = [name for name in names if name in only]
    sets = _training_sets(nlp, examples, intents, names)
    for name in names:
        exs = sets[name]
        _pipe(nlp, name).initialize(lambda exs=exs: exs, nlp=nlp)
    optimizers: dict[str, Optimizer] = {
        name: Adam(config.ner_learn_rate if name == "ner" else config.learn_rate) for name in names
    }
    classifiers = [name for name in names if name in TEXTCATS]
    for name in classifiers:
        components.set_feature_cache(_pipe(nlp, name).model, True)
    plan: list[tuple[str, int]] = []
    for name in names:
        epochs = config.ner_epochs if name == "ner" else config.textcat_epochs
        plan.extend((name, e) for e in range(epochs))

    def batch_size(name: str) -> int:
        return config.ner_batch_size if name == "ner" else config.batch_size

    total = sum(math.ceil(len(sets[name]) / batch_size(name)) for name, _ in plan)
    with tqdm(total=total, desc=desc, unit="batch", disable=not progress, leave=False) as bar:
        for name, epoch in plan:
            proc = _pipe(nlp, name)
            drop = config.ner_dropout if name == "ner" else config.dropout
            losses: dict[str, float] = {}
            for batch in _batches(sets[name], batch_size(name), rng):
                proc.update(batch, sgd=optimizers[name], drop=drop, losses=losses)
                bar.update(1)
            bar.set_postfix_str(f"{name} epoch {epoch + 1} loss {losses.get(name, 0.0):.3f}")
    if "ner" in names and config.ner_averaged:
        _use_averages(_pipe(nlp, "ner"), optimizers["ner"])
    for name in classifiers:  # the training feature cache is not needed any more
        components.set_feature_cache(_pipe(nlp, name).model, False)


def _use_averages(proc: TrainablePipe, optimizer: Optimizer) -> None:
    """Replace the component's weights by the optimiser's running averages of them."""
    averages = optimizer.averages
    if averages is None:  # an optimiser made with use_averages=False
        return
    for node in proc.model.walk():
        for pname in node.param_names:
            key = (node.id, pname)
            if key in averages:
                node.set_param(pname, averages[key].copy())


# ------------------------------------------------------------- calibration
def class_scores(nlp: Language, name: str, docs: Sequence[Doc]) -> tuple[list[str], Any]:
    scores = _pipe(nlp, name).model.predict(list(docs))
    return labels_of(nlp, name), numpy.asarray(scores, dtype="float64")


def apply_temperature(probs: Any, temperature: float) -> Any:
    logp = numpy.log(numpy.clip(probs, 1e-12, 1.0)) / temperature
    logp -= logp.max(axis=-1, keepdims=True)
    out = numpy.exp(logp)
    return out / out.sum(axis=-1, keepdims=True)


def _nll(probs: Any, gold: Any, temperature: float) -> float:
    p = apply_temperature(probs, temperature)[numpy.arange(len(gold)), gold]
    return float(-numpy.log(numpy.clip(p, 1e-12, 1.0)).mean())


def fit_temperature(probs: Any, gold: Sequence[int]) -> float:
    """The temperature minimising the negative log-likelihood (log-grid, then refine)."""
    gold_arr = numpy.asarray(gold)
    grid = numpy.exp(numpy.linspace(math.log(0.05), math.log(20.0), 121))
    best = min(grid, key=lambda t: _nll(probs, gold_arr, float(t)))
    fine = numpy.linspace(best * 0.9, best * 1.1, 41)
    return float(min(fine, key=lambda t: _nll(probs, gold_arr, float(t))))


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool]) -> float:
    """ECE over 10 equal-width confidence bins."""
    if not confidence:
        return 0.0
    conf = numpy.asarray(confidence, dtype="float64")
    hit = numpy.asarray(correct, dtype="float64")
    bins = numpy.minimum((conf * 10).astype(int), 9)
    ece = 0.0
    for b in range(10):
        mask = bins == b
        if mask.any():
            ece += mask.mean() * abs(hit[mask].mean() - conf[mask].mean())
    return float(ece)


def _urgent_threshold(p_urgent: Any, rule_hits: Sequence[bool], gold: Sequence[bool]) -> float:
    """The threshold maximising F3 (recall weighs nine times precision) with the rules on:
    a missed emergency costs far more than a false alarm staff dismiss."""
    best_t, best_f = 0.5, -1.0
    for t in numpy.linspace(0.05, 0.6, 12):
        pred = [bool(r or p >= t) for p, r in zip(p_urgent, rule_hits, strict=True)]
        tp = sum(p and g for p, g in zip(pred, gold, strict=True))
        fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
        fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
        denom = 10 * tp + 9 * fn + fp
        f3 = 10 * tp / denom if denom else 0.0
        if f3 > best_f + 1e-9:
            best_t, best_f = float(t), f3
    return best_t


def _fit_urgent_threshold(
    data: NluData, phrases: Sequence[str], config: TrainConfig, folds: int = 4
) -> float:
    """The urgency threshold, fitted on out-of-fold predictions over the whole training
    split (the urgency classifier is cheap to train, and urgent examples are few)."""
    from nlu.categories import CATEGORY_CODES
    from nlu.embedded.rules import urgent_cues

    reports = [ex for ex in data.examples if ex.intent in CATEGORY_CODES]
    if sum(ex.urgent for ex in reports) < folds:
        return 0.5
    order = list(range(len(reports)))
    random.Random(config.seed).shuffle(order)  # noqa: S311 (shuffling, not secrets)
    p_urgent = numpy.zeros(len(reports))
    for k in range(folds):
        held = set(order[k::folds])
        nlp = build_pipeline(phrases, config)
        train = [ex for i, ex in enumerate(reports) if i not in held]
        fit(nlp, train, data.intents, config, with_ner=False, only=("urgency",), progress=False)
        idx = sorted(held)
        labels, probs = class_scores(
            nlp, "urgency", [_predicted(nlp, reports[i].text) for i in idx]
        )
        p_urgent[idx] = probs[:, labels.index(URGENT)]
    hits = [bool(urgent_cues(ex.text)) for ex in reports]
    return _urgent_threshold(p_urgent, hits, [ex.urgent for ex in reports])


def _min_report_confidence(probs: Any, labels: Sequence[str], gold: Sequence[str]) -> float:
    """The confidence below which a report category is withheld (the message is then no
    report), chosen for the best category-or-none accuracy on the held-back slice."""
    from nlu.categories import CATEGORY_CODES

    codes = set(CATEGORY_CODES)
    gold_cat = [g if g in codes else None for g in gold]
    top = [labels[int(row.argmax())] for row in probs]
    conf = [float(row.max()) for row in probs]
    best_t, best_acc = 0.0, -1.0
    for t in numpy.linspace(0.0, 0.5, 26):
        right = 0
        for label, c, g in zip(top, conf, gold_cat, strict=True):
            pred = label if label in codes and c >= t else None
            right += pred == g
        if right > best_acc + 1e-9:
            best_t, best_acc = float(t), right
    return best_t


def _stratified_split(
    examples: Sequence[NluExample], share: float, seed: int
) -> tuple[list[NluExample], list[NluExample]]:
    by_intent: dict[str, list[NluExample]] = defaultdict(list)
    for ex in examples:
        by_intent[ex.intent].append(ex)
    rng = random.Random(seed)  # noqa: S311 (shuffling, not secrets)
    train: list[NluExample] = []
    held: list[NluExample] = []
    for intent in sorted(by_intent):
        group = list(by_intent[intent])
        rng.shuffle(group)
        k = max(1, round(len(group) * share)) if len(group) >= 4 else 0
        held.extend(group[:k])
        train.extend(group[k:])
    return train, held


def calibrate(
    data: NluData, phrases: Sequence[str], config: TrainConfig, *, progress: bool = True
) -> Calibration:
    """Pass 1: train the classifiers on 85% of the split, fit calibration on the rest."""

    train, held = _stratified_split(data.examples, config.validation_share, config.seed)
    if not held:
        return Calibration()
    nlp = build_pipeline(phrases, config)
    fit(nlp, train, data.intents, config, with_ner=False, progress=progress, desc="calibrating")
    docs = [_predicted(nlp, ex.text) for ex in held]
    labels, probs = class_scores(nlp, "textcat", docs)
    index = {label: i for i, label in enumerate(labels)}
    gold = [index[ex.intent] for ex in held]
    temperature = fit_temperature(probs, gold)
    calibrated = apply_temperature(probs, temperature)
    correct = [int(row.argmax()) == g for row, g in zip(calibrated, gold, strict=True)]
    threshold = _fit_urgent_threshold(data, phrases, config)
    min_report = _min_report_confidence(calibrated, labels, [ex.intent for ex in held])
    return Calibration(
        temperature=temperature,
        urgent_threshold=threshold,
        min_report_confidence=min_report,
        validation={
            "examples": float(len(held)),
            "accuracy": sum(correct) / len(correct),
            "ece_before": expected_calibration_error(
                [float(r.max()) for r in probs],
                [int(r.argmax()) == g for r, g in zip(probs, gold, strict=True)],
            ),
            "ece_after": expected_calibration_error([float(r.max()) for r in calibrated], correct),
        },
    )


class _Calibrating:
    """Pass 1 in a child Python process, fed a pickle of the data, answering JSON.

    A plain subprocess, not multiprocessing: training may start inside a running service
    (threads make `fork` unsafe) or from a script without a `__main__` guard (which `spawn`
    would run again in the child).
    """

    def __init__(self, data: NluData, phrases: Sequence[str], config: TrainConfig) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="safercity-calibrate-"))
        self.out = self.dir / "calibration.json"
        self.log = self.dir / "stderr.log"
        (self.dir / "in.pickle").write_bytes(pickle.dumps((data, list(phrases), config)))
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        with self.log.open("wb") as err:
            self.proc = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
                [sys.executable, "-m", "nlu.embedded.calibrate_worker", str(self.dir)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                env=env,
            )

    @classmethod
    def start(
        cls, data: NluData, phrases: Sequence[str], config: TrainConfig
    ) -> _Calibrating | None:
        """The child, when a second core is there for it (else None: calibrate here)."""
        try:
            cores = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            cores = os.cpu_count() or 1
        if cores < 2:
            return None
        try:
            return cls(data, phrases, config)
        except OSError:
            _log.warning("cannot start a calibration process; calibrating here", exc_info=True)
            return None

    def result(self) -> tuple[Calibration, dict[str, bytes]] | None:
        """The child's calibration and trained classifiers, or None (then both are done
        here) when the child failed."""
        try:
            code = self.proc.wait()
            weights = {name: self.dir / f"{name}.bin" for name in TEXTCATS}
            if code == 0 and self.out.is_file() and all(p.is_file() for p in weights.values()):
                calibration = Calibration(**json.loads(self.out.read_text(encoding="utf-8")))
                return calibration, {name: p.read_bytes() for name, p in weights.items()}
            tail = self.log.read_text(encoding="utf-8", errors="replace")[-2000:]
            _log.warning("calibration process failed (exit %s); calibrating here\n%s", code, tail)
            return None
        finally:
            self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def calibrate_in_dir(work: Path) -> None:
    """The child's side: read `in.pickle` in `work`; write the final classifiers' weights
    (`<name>.bin`) and then `calibration.json` beside it (written last: it says all is there)."""
    data, phrases, config = pickle.loads((work / "in.pickle").read_bytes())  # noqa: S301 (ours)
    with training_ops():
        calibration = calibrate(data, phrases, config, progress=False)
        nlp = build_pipeline(phrases, config)
        fit(nlp, data.examples, data.intents, config, with_ner=False, progress=False)
    for name in TEXTCATS:
        (work / f"{name}.bin").write_bytes(_pipe(nlp, name).to_bytes())
    tmp = work / "calibration.json.tmp"
    tmp.write_text(json.dumps(asdict(calibration)), encoding="utf-8")
    tmp.rename(work / "calibration.json")


def train_pipeline(
    data: NluData,
    phrases: Sequence[str],
    *,
    config: TrainConfig | None = None,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
) -> tuple[Language, dict[str, Any]]:
    """Calibrate and train on the whole split (side by side when a second core is free:
    the classifiers in a child process, the location tagger here): the pipeline and its
    meta (calibration...)."""
    config = config or TrainConfig()
    started = time.perf_counter()
    with training_ops():
        pending = _Calibrating.start(data, phrases, config)
        from_child: tuple[Calibration, dict[str, bytes]] | None = None
        try:
            nlp = build_pipeline(phrases, config)
            only = ("ner",) if pending is not None else None
            fit(
                nlp,
                data.examples,
                data.intents,
                config,
                only=only,
                progress=progress,
                desc="training",
            )
            from_child = pending.result() if pending is not None else None
        finally:
            if pending is not None:
                pending.close()
        if from_child is not None:
            calibration, weights = from_child
            for name, blob in weights.items():
                _pipe(nlp, name).from_bytes(blob)
        else:
            if pending is not None:  # the child failed: its classifiers are trained here
                fit(nlp, data.examples, data.intents, config, with_ner=False, progress=progress)
            calibration = calibrate(data, phrases, config, progress=progress)
    if log:
        log(
            f"calibration: temperature {calibration.temperature:.3f}, urgent threshold "
            f"{calibration.urgent_threshold:.2f}, held-back ECE "
            f"{calibration.validation.get('ece_before', 0):.3f} -> "
            f"{calibration.validation.get('ece_after', 0):.3f}"
        )
    meta: dict[str, Any] = {
        "calibration": asdict(calibration),
        "config": asdict(config),
        "examples": len(data.examples),
        "intents": data.intents,
        "urgent_categories": sorted({ex.intent for ex in data.examples if ex.urgent}),
        "training_seconds": round(time.perf_counter() - started, 2),
    }
    return nlp, meta


def train_model(
    data: NluData,
    phrases: Sequence[str],
    out_dir: Path,
    *,
    config: TrainConfig | None = None,
    progress: bool = True,
    extra_meta: dict[str, Any] | None = None,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Train on the whole split and write the pipeline and its calibration to `out_dir`."""
    nlp, meta = train_pipeline(data, phrases, config=config, progress=progress, log=log)
    meta.update(extra_meta or {})
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir / "pipeline")
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return meta
