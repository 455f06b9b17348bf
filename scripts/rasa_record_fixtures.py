"""Record real Rasa /model/parse answers for the adapter's tests (tests/fixtures/rasa/).

Run against a server started with `bash scripts/rasa-env.sh start`:
    .venv/bin/python scripts/rasa_record_fixtures.py [--url http://127.0.0.1:5005]
The tests' fake server replays these bodies, so they keep Rasa's exact answer shape.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import httpx

MESSAGES = (
    "di lite pos backa di market noh di wok",
    "hay unos hombres vendiendo droga cerca del mercado",
    "man wid a gun robbing di shop pan hummingbird hwy rite now",
    "hi",
    "xyzzy plugh",
    # DIET cuts this place phrase into fragments: the adapter joins them.
    "there is an empty two storey building at the corner of constitution drive and ring road "
    "where people go to do drugs",
    "the abandoned gas station is full of garbage and homeless people",
)

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "rasa"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with httpx.Client(base_url=args.url, timeout=10, trust_env=False) as client:
        status = client.get("/status").raise_for_status().json()
        version = client.get("/version").raise_for_status().json()
        answers = {}
        for text in MESSAGES:
            response = client.post("/model/parse", json={"text": text})
            answers[text] = response.raise_for_status().json()
    record = {
        "recorded_from": {"rasa": version.get("version"), "model_file": status.get("model_file")},
        "status": status,
        "parse": answers,
    }
    path = OUT / "model_parse.json"
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"recorded {len(answers)} answers into {path}")


if __name__ == "__main__":
    main()
