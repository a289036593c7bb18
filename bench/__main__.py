"""``python -m bench [--quick] [name …]``: run every bench/figures_*.py (or the named ones)."""
import argparse
import importlib
import os
import pkgutil
import sys

from .harness import Harness


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="figures modules to run, e.g. home mood")
    parser.add_argument("--quick", action="store_true", help="short runs (a smoke test)")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per measurement")
    parser.add_argument("--full-night", action="store_true",
                        help="sync: all 10,000 stations' night instead of a 1,000-station "
                             "sample (about 4 M records; an hour of this machine)")
    args = parser.parse_args()
    here = os.path.dirname(__file__)
    modules = sorted(m.name for m in pkgutil.iter_modules([here]) if m.name.startswith("figures_"))
    if args.names:
        modules = [m for m in modules if m.removeprefix("figures_") in args.names]
    harness = Harness(seconds=args.seconds, quick=args.quick)
    harness.full_night = args.full_night
    print(f"kiosk benchmarks: {len(modules)} module(s), figures as ratios to a baseline "
          f"measured in the same run\n", flush=True)
    failed = False
    try:
        for name in modules:
            print(f"== {name.removeprefix('figures_')}", flush=True)
            try:
                importlib.import_module(f"bench.{name}").run(harness)
            except Exception as exc:  # one broken figure must not hide the others
                failed = True
                print(f"    FAILED: {exc!r}", flush=True)
            print(flush=True)
    finally:
        harness.summary()
        harness.close()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
