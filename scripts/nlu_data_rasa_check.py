"""Check the NLU data with Rasa's own reader and tokenizer (run it in the Rasa environment).

Every file must load as Rasa 3.x NLU data and every `location` span must start and end on
WhitespaceTokenizer token boundaries, or DIET cannot learn it ("misaligned entity").

    .venv-rasa/bin/python scripts/nlu_data_rasa_check.py nlu/data/train nlu/data/test
"""

from __future__ import annotations

import sys

from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.loading import load_data


def main(paths: list[str]) -> int:
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    failures = 0
    for path in paths:
        data = load_data(path)
        for example in data.entity_examples:
            tokens = tokenizer.tokenize(example, "text")
            starts = {t.start for t in tokens}
            ends = {t.end for t in tokens}
            for entity in example.get("entities"):
                if entity["start"] not in starts or entity["end"] not in ends:
                    failures += 1
                    print(f"misaligned: {entity['value']!r} in {example.get('text')!r}")
        print(
            f"{path}: {len(data.intent_examples)} examples, {len(data.intents)} intents, "
            f"{len(data.entity_examples)} with a location, {len(data.lookup_tables)} lookup "
            f"tables, {len(data.entity_synonyms)} synonyms"
        )
    print("misaligned spans:", failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["nlu/data/train", "nlu/data/test"]))
