"""Where trained models live, and training them when the data or the code changed.

A model is cached in `<cache>/<key>/` where the key hashes the training data files, the
gazetteer's data files (the place names the location tagger knows) and CODE_VERSION.
`<cache>` is `$SAFERCITY_NLU_CACHE` if set, else `$XDG_CACHE_HOME/safercity/nlu` (default
`~/.cache/safercity/nlu`). A model is written to a temporary directory and renamed into
place, so concurrent processes never see a half-written model.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nlu.training_data import NluData, data_files, fingerprint, load, split_dir

# Bump when a change to the engine's code makes cached models stale; the sources that shape
# training (features, cue lists, training loop) are hashed into the key as well.
CODE_VERSION = "embedded-3"
_TRAINING_SOURCES = ("components.py", "kriol_spelling.py", "rules.py", "train.py")

log = logging.getLogger(__name__)


def cache_root() -> Path:
    env = os.environ.get("SAFERCITY_NLU_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "safercity" / "nlu"


def place_phrases(data: NluData) -> list[str]:
    """Every place form the location tagger should recognise: lookups, synonyms, gazetteer."""
    phrases: set[str] = set()
    for name, items in data.lookups.items():
        if name == "location":
            phrases.update(items)
    for canonical, forms in data.synonyms.items():
        phrases.add(canonical)
        phrases.update(forms)
    try:
        from nlu.places.gazetteer import get_gazetteer

        for place in get_gazetteer().places:
            phrases.add(place.name)
            phrases.update(place.aliases)
    except Exception:  # the gazetteer is optional knowledge here, never a reason to fail
        log.warning("gazetteer names unavailable to the location tagger", exc_info=True)
    return sorted(p.strip() for p in phrases if p and p.strip())


PLACES_DATA = Path(__file__).resolve().parent.parent / "places" / "data"


def model_key(train_dir: Path) -> str:
    """Hash of the code, the training files and the gazetteer's data files (the place
    names the location tagger learns from): cheap, no YAML parsing."""
    digest = hashlib.sha256()
    digest.update(CODE_VERSION.encode())
    here = Path(__file__).resolve().parent
    digest.update(fingerprint(here / name for name in _TRAINING_SOURCES).encode())
    digest.update(fingerprint(data_files(train_dir)).encode())
    if PLACES_DATA.is_dir():
        digest.update(fingerprint(p for p in PLACES_DATA.iterdir() if p.is_file()).encode())
    return digest.hexdigest()[:16]


def ensure_model(
    train_dir: Path | None = None,
    *,
    root: Path | None = None,
    force: bool = False,
    progress: bool = True,
    echo: Callable[[str], None] | None = None,
) -> tuple[Path, dict[str, Any], bool]:
    """The directory of an up-to-date model, training one first if needed.

    Returns (model directory, meta, whether it was trained now).
    """
    import json

    from nlu.embedded.train import train_model

    train_dir = train_dir or split_dir("train")
    key = model_key(train_dir)
    root = root or cache_root()
    target = root / key
    if not force and (target / "meta.json").is_file():
        meta: dict[str, Any] = json.loads((target / "meta.json").read_text(encoding="utf-8"))
        return target, meta, False
    data = load(train_dir)
    phrases = place_phrases(data)
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=root))
    try:
        if echo:
            echo(f"training the embedded NLU on {len(data.examples)} examples -> {target}")
        meta = train_model(
            data,
            phrases,
            tmp,
            progress=progress,
            extra_meta={"key": key, "code_version": CODE_VERSION, "train_dir": str(train_dir)},
            log=echo,
        )
        if force and target.exists():
            shutil.rmtree(target, ignore_errors=True)
        if (target / "meta.json").is_file():
            # another process trained the same data meanwhile: keep its model (someone may
            # be loading it right now) and drop ours
            meta = json.loads((target / "meta.json").read_text(encoding="utf-8"))
        else:
            try:
                tmp.rename(target)
            except OSError:  # another process won the race: its model is as good as ours
                if not (target / "meta.json").is_file():
                    raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    prune(root, keep=KEEP_MODELS)
    return target, meta, True


KEEP_MODELS = 5


def prune(root: Path, *, keep: int) -> None:
    """Delete all but the `keep` most recently trained models (and day-old scraps)."""
    try:
        models = sorted(
            (p for p in root.iterdir() if p.is_dir() and (p / "meta.json").is_file()),
            key=lambda p: (p / "meta.json").stat().st_mtime,
            reverse=True,
        )
        scraps = [
            p
            for p in root.iterdir()
            if p.is_dir() and p.name.startswith(".") and time.time() - p.stat().st_mtime > 86400
        ]
    except OSError:
        return
    for old in [*models[keep:], *scraps]:
        shutil.rmtree(old, ignore_errors=True)
