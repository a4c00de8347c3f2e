"""Survey misses: the seeds whose rep count is wrong in one situation of the realistic-set
survey (``tests/real_sets_survey.py``), to iterate on one row fast.

``python benchmarks/survey_misses.py no_gravity_no_gyro [--first 0] [--seeds 100]
[--cyclic]`` prints each missed seed with the count found and the true count, split at the
seeds the tests hold (0-23) and the held-out ones.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from real_sets_survey import run_set
from thrustlab.config import AnalysisConfig
from thrustlab.simulate import SITUATIONS, Situation

TESTED_SEEDS = 24
"""``tests/test_real_sets.py`` holds seeds 0-23; the others are held out."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("situation", choices=SITUATIONS)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--cyclic", action="store_true", help="the cyclic mode")
    args = parser.parse_args()
    config = AnalysisConfig(mode="cyclic") if args.cyclic else AnalysisConfig()
    name = cast(Situation, args.situation)
    groups: dict[str, list[str]] = {"tested": [], "held out": []}
    totals = {"tested": 0, "held out": 0}
    for seed in range(args.first, args.first + args.seeds):
        _, findings, truth = run_set(name, seed, config)
        group = "tested" if seed < TESTED_SEEDS else "held out"
        totals[group] += 1
        if findings.set.rep_count != truth.n_reps:
            groups[group].append(f"{seed} ({findings.set.rep_count} of {truth.n_reps})")
    for group, missed in groups.items():
        if totals[group]:
            exact = totals[group] - len(missed)
            print(f"{group}: {exact}/{totals[group]} exact; missed: {', '.join(missed) or '-'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
