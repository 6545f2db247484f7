"""Run every benchmark module of this package (each has a ``main()`` printing its figures)."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import benchmarks


def main() -> int:
    names = sorted(
        m.name for m in pkgutil.iter_modules(benchmarks.__path__) if not m.name.startswith("_")
    )
    chosen = sys.argv[1:] or names
    unknown = sorted(set(chosen) - set(names))
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(names)}")
        return 2
    print(f"lotwise benchmarks on {os.cpu_count()} cores: {', '.join(chosen)}", flush=True)
    sys.argv = sys.argv[:1]  # each benchmark parses its own options: run it with its defaults
    for name in chosen:
        print(f"\n=== {name} ===", flush=True)
        importlib.import_module(f"benchmarks.{name}").main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
