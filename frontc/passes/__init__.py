"""Graph rewrites: registered passes composed into named flows (``reconstruct``, ``cmodel``, ...)."""
from frontc.passes.base import Pass, PatternPass
from frontc.passes.flows import Flow, flow_names, get_flow, register_flow, register_pass
from frontc.passes.pipeline import PipelineReport, run_pipeline

__all__ = ["Flow", "Pass", "PatternPass", "PipelineReport", "flow_names", "get_flow", "register_flow",
           "register_pass", "run_pipeline"]
