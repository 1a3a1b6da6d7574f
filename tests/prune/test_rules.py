"""generate_prune_dict rules, and the sparsity pattern recorded in the IR and checked by lint."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import frontc
from frontc.compiler import compile_graph
from frontc.ir.errors import GraphError, OptionError
from frontc.ir.validate import lint
from frontc.models.torch.fashion import fashion_cnn, fashion_resnet
from frontc.prune import generate_prune_dict
from frontc.prune.annotate import annotate
from frontc.prune.masks import mask_for, parse_pattern

CNN_WEIGHTS = ["features.0.0.weight", "features.2.0.weight", "features.4.0.weight", "classifier.1.weight",
               "classifier.3.weight"]


def test_rules_select_by_kind_position_size_and_overrides() -> None:
    model = fashion_cnn()
    assert generate_prune_dict(model, 0.5) == {"features.2.0.weight": 0.5, "features.4.0.weight": 0.5}
    assert sorted(generate_prune_dict(model, 0.5, {"ops": ("conv", "dense"), "skip_first_conv": False,
                                                   "skip_classifier": False})) == sorted(CNN_WEIGHTS)
    assert generate_prune_dict(model, 0.5, {"min_size": 10000}) == {"features.4.0.weight": 0.5}
    rules = {"ops": ("conv", "dense"), "overrides": {"features.4.0.weight": 0.75, r"classifier\..*": None}}
    assert generate_prune_dict(model, 0.5, rules) == {"features.2.0.weight": 0.5, "features.4.0.weight": 0.75}
    resnet = generate_prune_dict(fashion_resnet(), 0.5, {"overrides": {r"layer\d\.conv\d\.weight": 0.9}})
    assert resnet["layer1.conv1.weight"] == 0.9 and resnet["layer2.shortcut.0.weight"] == 0.5
    wrapped = generate_prune_dict(torch.nn.DataParallel(model), 0.5, {"overrides": {"module.features.2.0.weight": 0.6}})
    assert wrapped == {"features.2.0.weight": 0.6, "features.4.0.weight": 0.5}


@pytest.mark.parametrize("rate, rules, message", [
    (1.0, None, r"prune_dict\['<rate>'\]=1.0"),
    (0.5, {"ops": ("convs",)}, "unknown layer kind"),
    (0.5, {"skip_first": True}, r"unknown key\(s\) \['skip_first'\]"),
    (0.5, {"overrides": {"fc.weight": 0.5}}, r"overrides \['fc.weight'\] match no parameter"),
    (0.5, {"overrides": {"features.2.0.weight": 1.5}}, r"features.2.0.weight'\]=1.5"),
    (0.5, {"overrides": {"features[": 0.5}}, "not a name or a valid regex"),
])
def test_rule_errors(rate, rules, message: str) -> None:
    with pytest.raises(OptionError, match=message):
        generate_prune_dict(fashion_cnn(), rate, rules)


def test_pattern_recorded_in_the_ir_survives_folding_and_lint_names_a_breaking_layer() -> None:
    torch.manual_seed(0)
    model = fashion_resnet().eval()
    patterns = {}
    with torch.no_grad():
        for name, param in model.named_parameters():
            if name in ("layer2.conv2.weight", "layer3.conv1.weight"):
                param.mul_(torch.from_numpy(mask_for(param.numpy(), 0.5, parse_pattern("2:4"))))
                patterns[name] = {"pattern": "2:4", "rate": 0.5}
    graph = annotate(frontc.load(model, "torch", input_shapes={"x": (1, 1, 28, 28)}), patterns)
    result = compile_graph(graph)
    recorded = [n.name for n in result.cmodel.nodes if "sparsity" in n.meta]
    assert recorded == ["layer2.conv2", "layer3.conv1"]
    assert not any(n.op == "BatchNorm" for n in result.cmodel.nodes)   # folded into the recorded convs
    node = next(n for n in result.cmodel.nodes if "sparsity" in n.meta)
    weight = result.cmodel.params[node.inputs[1]]
    weight.reshape(-1)[np.flatnonzero(weight == 0)[0]] = 1.0   # one group now has 3 nonzeros
    with pytest.raises(GraphError, match=f"node '{node.name}'.*breaks its recorded sparsity 2:4: 1 of"):
        lint(result.cmodel)
    with pytest.raises(OptionError, match="pattern for 'layer9.weight': no Conv/Dense node"):
        annotate(frontc.load(model, "torch", input_shapes={"x": (1, 1, 28, 28)}), {"layer9.weight": patterns[
            "layer2.conv2.weight"]})
