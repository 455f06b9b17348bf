"""The calibration pass of `nlu.embedded.train`, run in a child process beside the final one.

    python -m nlu.embedded.calibrate_worker WORK_DIR

WORK_DIR holds `in.pickle` (written by the parent: data, place phrases, config); the child
writes `calibration.json` there and exits 0.
"""

from __future__ import annotations

import sys
from pathlib import Path

from nlu.embedded.train import calibrate_in_dir


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m nlu.embedded.calibrate_worker WORK_DIR", file=sys.stderr)
        return 2
    calibrate_in_dir(Path(argv[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
