"""Run every benchmark module (bench/bench_*.py), or the ones named on the command line."""

import importlib
import pkgutil
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str]) -> int:
    RESULTS.mkdir(exist_ok=True)
    names = argv or sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    if not names:
        print("No benchmarks yet.")
        return 0
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}")
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
