"""Run benchmarks by name (all when none is given) and print one JSON object each."""

from __future__ import annotations

import importlib
import json
import sys

BENCHMARKS = ["foundation", "transcripts", "tui", "agreement", "exchange", "exports",
              "codings", "stall", "scale", "team", "privacy", "reports", "suggest"]


def main(names: list[str]) -> None:
    for name in names or BENCHMARKS:
        if name not in BENCHMARKS:
            sys.exit(f"Unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}.")
        module = importlib.import_module(f"bench.{name}")
        figures = module.run()
        print(json.dumps({"benchmark": name, **figures}, ensure_ascii=False, indent=2),
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
