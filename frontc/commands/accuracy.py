"""Top-1/top-5 accuracy of the float IR and of every strategy x weight granularity of a step-6
config on its labelled EVALUATION set, with top-1 agreement with float: a markdown table, and
with --json one entry per run (strategy, weight_quan, top1, top5, agreement)."""
from __future__ import annotations

import argparse
import json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config-file", "--config_file", required=True, help="a step-6 YAML config (seed format)")
    parser.add_argument("--strategies", help="comma-separated subset (default: every strategy)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--batch-size", type=int, help="inputs per run (default EVALUATION.batch_size)")
    parser.add_argument("--force", action="store_true", help="replace the JSON file if it exists")


def main(args: argparse.Namespace) -> int:
    from frontc.commands.quantize import prepare
    from frontc.ir.errors import FrontcError, OptionError
    from frontc.outputs import Outputs
    from frontc.quant import quantize_graph
    from frontc.quant.accuracy import Candidate, evaluate, markdown
    from frontc.quant.config import GRANULARITIES, STRATEGIES, evaluation_set

    chosen = [s for s in (args.strategies or ",".join(STRATEGIES)).split(",") if s]
    unknown = [s for s in chosen if s not in STRATEGIES]
    if unknown:
        raise OptionError(f"--strategies: unknown strategy '{unknown[0]}'", hint=f"one of {list(STRATEGIES)}")
    config, graph, _, output, _, _, ranges = prepare(args.config_file, "symmetry_max", "perlayer")
    inputs, labels = evaluation_set(config, graph.inputs[0], labelled=True)
    candidates = [Candidate("float", None, graph)]
    failed: list[tuple[str, str, str]] = []  # a strategy that cannot quantize this graph is reported, not fatal
    for strategy in chosen:
        for weight_quan in ([None] if strategy == "null" else GRANULARITIES):
            try:
                candidates.append(Candidate(strategy, weight_quan, quantize_graph(
                    graph, ranges or {}, strategy, weight_quan=weight_quan or "perlayer",
                    weight_bits=config.weight_bits, act_bits=config.act_bits, layers=config.layers)))
            except FrontcError as exc:
                failed.append((strategy, weight_quan, str(exc)))
    with Outputs("accuracy", force=args.force) as out:
        staged = out.file(args.json) if args.json else None
        results = evaluate(candidates, inputs, labels, output, batch_size=args.batch_size or config.batch_size)
        print(markdown(results, f"{graph.name}: {len(inputs)} labelled inputs, W{config.weight_bits}"
                                f"A{config.act_bits}, table {config.table.name if config.table else '-'}"))
        for strategy, weight_quan, message in failed:
            print(f"| {strategy} | {weight_quan} | cannot quantize: {message} | | |")
        if staged is not None:
            doc = {"graph": graph.name, "images": len(inputs), "output": output,
                   "runs": [r.to_json() for r in results] + [
                       {"strategy": s, "weight_quan": w, "error": m, "top1": None, "top5": None, "agreement": None}
                       for s, w, m in failed]}
            staged.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    if args.json:
        print(f"wrote {args.json}")
    return 0
