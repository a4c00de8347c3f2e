"""Survey: rep counts and post-set shaking on sets as they really happen (issue 12).

Prints the table of ``tests/real_sets_survey.py`` (each situation of
``thrustlab.simulate.situation`` over seeded sets, in the hip-thrust and cyclic modes):
``python benchmarks/survey_real_sets.py [--seeds 25] [--first 0]`` (16 rows x seeds, about 15 s
at 25; ``--first 24`` for seeds the tests do not hold).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from real_sets_survey import survey, table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=25)
    parser.add_argument("--first", type=int, default=0, help="the first seed (other seeds)")
    args = parser.parse_args()
    print(table(survey(args.seeds, first=args.first)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
