"""Survey: rep counts on sets from a second simulator written on other assumptions.

Prints the table of ``tests/independent_sets.py`` (3 starts x 4 ends x 3 sensor sets, each
over seeded sets): ``python benchmarks/survey_independent.py [--seeds 20]`` (about 90 s at
20).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from independent_sets import survey, table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    print(table(survey(args.seeds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
