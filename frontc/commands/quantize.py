"""Quantize the fused IR of a step-6 config and analyse the error per layer.

Writes the quantized IR (IR_quant_<strategy>_<weight_quan>_graph.json / _params.npz beside
MODEL.graph or in QUAN.output), a PNG of SNR per layer, at SAVE_PATH a frozen TensorFlow .pb
reproducing the quantized model (frontc.quant.explicit), and with --json the numbers; prints
per layer rel_max, cosine and SNR (cumulative, and isolated: this layer's quantized kernel on the
float inputs) over EVALUATION.input_images, then the line `final distance D` with
D = ||q - f||_2 / ||f||_2 over the output_node tensor of every evaluation input.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from frontc.ir.errors import OptionError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config-file", "--config_file", required=True, help="a step-6 YAML config (seed format)")
    parser.add_argument("--strategy", help="override QUAN.strategy")
    parser.add_argument("--weight-quan", "--weight_quan", help="override QUAN.qconfig.weight_quan")
    parser.add_argument("--json", metavar="FILE", help="also write the numbers as JSON")
    parser.add_argument("--plot", metavar="PNG", help="SNR plot (default: beside the quantized IR)")
    parser.add_argument("--batch-size", type=int, default=4, help="evaluation inputs per run (default 4)")
    parser.add_argument("--no-isolated", action="store_true", help="skip the isolated per-layer analysis")
    parser.add_argument("--no-pb", action="store_true", help="do not write SAVE_PATH (the frozen TensorFlow .pb)")
    parser.add_argument("--force", action="store_true", help="replace outputs that exist")


def prepare(config_file: str, strategy: str | None = None, weight_quan: str | None = None):
    """(config, float graph, input tensor, output tensor, strategy, weight_quan, table ranges or None)."""
    from frontc.ir.serialize import load_graph
    from frontc.quant.config import GRANULARITIES, STRATEGIES, load_config, resolve_node
    from frontc.quant.table import load_table

    config = load_config(config_file)
    strategy = strategy or config.strategy
    weight_quan = weight_quan or config.weight_quan
    if strategy not in STRATEGIES:
        raise OptionError(f"--strategy: unknown strategy '{strategy}'", hint=f"one of {list(STRATEGIES)}")
    if weight_quan not in GRANULARITIES:
        raise OptionError(f"--weight-quan: unknown granularity '{weight_quan}'", hint=f"one of {list(GRANULARITIES)}")
    graph = load_graph(config.graph, config.params)
    source = resolve_node(graph, config.input_node, "EVALUATION.input_node")
    if source not in graph.input_names:
        raise config.fail("EVALUATION.input_node", f"'{config.input_node}' is tensor '{source}', not a graph input",
                          hint=f"inputs: {graph.input_names}")
    if len(graph.inputs) != 1:
        raise config.fail("MODEL.graph", f"graph '{graph.name}' has {len(graph.inputs)} inputs; step 6 feeds one")
    output = resolve_node(graph, config.output_node, "EVALUATION.output_node")
    ranges = None
    if strategy != "null":
        table = load_table(config.need("table", "QUAN.qconfig.table"), graph)
        ranges = table.ranges()
    return config, graph, source, output, strategy, weight_quan, ranges


def main(args: argparse.Namespace) -> int:
    from frontc.ir.serialize import ir_paths, save_graph
    from frontc.outputs import Outputs
    from frontc.quant import quantize_graph
    from frontc.quant.config import evaluation_set, quantized_prefix
    from frontc.quant.error import analyze, plot_snr

    config, graph, _, output, strategy, weight_quan, ranges = prepare(args.config_file, args.strategy,
                                                                       args.weight_quan)
    prefix = quantized_prefix(config, strategy, weight_quan)
    plot = Path(args.plot) if args.plot else prefix.with_name(prefix.name + "_snr.png")
    quantized = quantize_graph(graph, ranges or {}, strategy, weight_quan=weight_quan,
                               weight_bits=config.weight_bits, act_bits=config.act_bits, layers=config.layers)
    inputs, _ = evaluation_set(config, graph.inputs[0], labelled=False)
    with Outputs("quantize", force=args.force) as out:  # all written together, or none
        staged_graph, _ = (out.file(path) for path in ir_paths(prefix))
        staged_plot = out.file(plot)
        staged_json = out.file(args.json) if args.json else None
        staged_pb = out.file(config.save_path) if config.save_path and not args.no_pb else None
        report = analyze(graph, quantized, inputs, output, batch_size=args.batch_size,
                         isolated=not args.no_isolated)
        title = f"{graph.name} {strategy} {weight_quan} W{config.weight_bits}A{config.act_bits}"
        print(f"{title} on {report.images} inputs (isolated: this layer's quantized kernel on float inputs)")
        print(report.table())
        save_graph(quantized, staged_graph, overwrite=True)
        if staged_pb is not None:
            from frontc.quant.explicit import save_quantized_pb
            save_quantized_pb(quantized, staged_pb)
        staged_plot.write_bytes(plot_snr(report, title))
        if staged_json is not None:
            doc = {"graph": graph.name, "strategy": strategy, "weight_quan": weight_quan,
                   "weight_bits": config.weight_bits, "act_bits": config.act_bits, **report.to_json()}
            staged_json.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    extra = [str(p) for p in (args.json, staged_pb and config.save_path) if p]
    print(f"wrote {ir_paths(prefix)[0]}, {ir_paths(prefix)[1].name}, {plot}" + "".join(f", {p}" for p in extra))
    print(f"final distance {report.final_distance}")
    return 0
