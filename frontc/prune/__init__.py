"""Sparse training and pruning: the ``Prune`` object for PyTorch and Gluon loops (a Keras callback in
``frontc.prune.keras``), schedules, prune-dict rules, mask patterns, and recording sparsity in the IR.

No framework is imported until a model of that framework is given.
"""
from frontc.prune.annotate import annotate
from frontc.prune.masks import Pattern, parse_pattern
from frontc.prune.prune import Prune
from frontc.prune.rules import PruneRules, generate_prune_dict
from frontc.prune.schedule import SCHEDULES

__all__ = ["SCHEDULES", "Pattern", "Prune", "PruneRules", "annotate", "generate_prune_dict", "parse_pattern"]
