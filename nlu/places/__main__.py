"""Try the gazetteer from a shell:

    python -m nlu.places resolve "backa di skool"
    python -m nlu.places find "street light out on Ring Road near the market"
    python -m nlu.places reverse 17.2534 -88.7756
    python -m nlu.places resolve "San Jose" --city "Punta Gorda" --lang es

Prints the LocationResult as JSON and the confirmation line (or the numbered choice).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from nlu.places.describe import candidate_menu, describe
from nlu.places.gazetteer import DEFAULT_CITY, get_gazetteer


def main(argv: list[str] | None = None) -> int:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--city", default=DEFAULT_CITY, help="the default (pilot) city")
    common.add_argument("--lang", default="en", choices=["en", "es", "bzj"])
    parser = argparse.ArgumentParser(
        prog="python -m nlu.places",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    resolve = sub.add_parser("resolve", parents=[common], help="a whole answer")
    resolve.add_argument("text")
    find = sub.add_parser("find", parents=[common], help="a place inside a longer message")
    find.add_argument("text")
    reverse = sub.add_parser("reverse", parents=[common], help="a pin")
    reverse.add_argument("lat", type=float)
    reverse.add_argument("lon", type=float)
    args = parser.parse_args(argv)

    gazetteer = get_gazetteer(args.city)
    if args.command == "resolve":
        result = gazetteer.resolve(args.text)
    elif args.command == "find":
        result = gazetteer.find_in_text(args.text)
    else:
        result = gazetteer.reverse(args.lat, args.lon)
    if result is None:
        print("null")
        print("(no place recognised)", file=sys.stderr)
        return 1
    print(json.dumps(dataclasses.asdict(result), ensure_ascii=False, indent=2))
    if result.candidates and not result.resolved:
        print(candidate_menu(result, args.lang))
    else:
        print(describe(result, args.lang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
