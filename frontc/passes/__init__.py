"""Graph rewrites: passes and the named pipelines ``reconstruct`` and ``cmodel``."""
from frontc.passes.base import Pass, PatternPass
from frontc.passes.pipeline import PIPELINES, PipelineReport, run_pipeline

__all__ = ["PIPELINES", "Pass", "PatternPass", "PipelineReport", "run_pipeline"]
