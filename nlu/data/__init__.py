"""The NLU training data and the held-out test split (Rasa 3.x NLU YAML).

`train/*.yml` and `test/*.yml`; conventions in README.md next to this file. Read them with
`nlu.training_data` (`load(split_dir("train"))`); Rasa reads `train/` directly.
"""
