"""Print the summary of ONNX's node conformance suite through frontc (pass / refused with the
reasons / wrong); --all lists every case."""
from __future__ import annotations

import argparse
import warnings

from frontc.frontends.onnx.conformance import node_cases, run_case, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--all", action="store_true", help="one line per case")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    outcomes = [run_case(case) for case in node_cases()]
    if args.all:
        for o in outcomes:
            bound = f" [bound as constants: {', '.join(o.bound)}]" if o.bound else ""
            print(f"{o.status:8s} {o.case} {o.reason}{bound}")
    print(summary(outcomes))


if __name__ == "__main__":
    main()
