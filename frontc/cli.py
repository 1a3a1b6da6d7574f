"""`frontc <verb>`: the command line.

Exit statuses: 0 done, 1 a check failed (the output says which), 2 a bad input, option or output
(one line on stderr, argparse's errors included), 130 interrupted (Ctrl-C or SIGTERM; temporary
files removed). Outputs follow frontc.outputs: atomic, all or nothing, replaced only with --force.
"""
from __future__ import annotations

import argparse
import contextlib
import faulthandler
import importlib
import os
import re
import signal
import sys
import threading
import warnings
from collections.abc import Callable

from frontc.ir.errors import FrontcError, FrontcNote

# verb -> module in frontc.commands; each module has add_arguments(parser) and main(args) -> int
COMMANDS = {
    "checklist": "Take a model through every checklist step and write checklist.md.",
    "info": "Summarize an IR graph: ops, params, inputs and outputs.",
    "viz": "Render an IR graph to PNG, SVG, PDF or DOT with graphviz.",
    "run": "Run an IR graph in the numpy reference interpreter.",
    "ops": "List the IR's ops with their inputs and attributes.",
    "compile": "Compile a model into IR_for_reconstruct and IR_fused_for_CModel.",
    "reconstruct": "Rebuild an IR in PyTorch or TensorFlow and compare it with a result.",
    "diff": "Per-layer divergence between two runs of the same IR (interpreter, torch, tf).",
    "complexity": "nnz, sparsity, dense and sparse FLOPs of an IR, per layer.",
    "perf": "Step 7: per-layer latency of an IR on a hardware YAML (roofline model).",
    "matrix": "Every source model into every target runtime through the IR: agreement, distances, latency.",
    "bench": "Accuracy, latency and throughput of the bench suite in every runtime; fails on drift.",
    "zoo": "The model zoo: submit, list, show, verify and export versions.",
    "calibrate": "Calibrate an IR on images or arrays: a per-tensor range table (JSON).",
    "prune": "Remove whole channels from an IR (structured pruning that shrinks params, FLOPs, latency).",
    "quantize": "Quantize a fused IR by a step-6 config; per-layer error and the final distance.",
    "accuracy": "Top-1/top-5 of the float IR and every quantization strategy on labelled images.",
    "cmodel": "The bit-exact integer C model of a quantized IR: emit, build, run.",
    "qimport": "Import an already quantized model (ONNX QDQ/QLinear, TFLite int8) as an integer IR.",
}


class Parser(argparse.ArgumentParser):
    """argparse with errors on one line: ``frontc VERB: error: ... (see frontc VERB --help)``."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="frontc", description=(
        "frontc: an IR-centric frontend compiler for deep-learning accelerators. "
        "Errors in inputs are reported on one line with exit status 2."))
    from frontc import __version__
    parser.add_argument("--version", action="version", version=f"frontc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for verb, help_text in COMMANDS.items():
        module = importlib.import_module(f"frontc.commands.{verb}")
        cmd = sub.add_parser(verb, help=help_text, description=module.__doc__ or help_text)
        module.add_arguments(cmd)
        cmd.set_defaults(handler=module.main)
    return parser


# hints written for the Python API, as the command line says them
_API_TO_CLI = [(re.compile(r"\bmodule=\s*(<[^>]*>|the architecture\b)?"), "--module package.module:Class"),
               (re.compile(r"\binput_shapes=\{'([^']*)': \(([^)]*)\)\}"),
                lambda m: f"--input-shape {m.group(1)}={m.group(2).replace(' ', '')}"),
               (re.compile(r"\bcustom_objects="),
                "custom_objects= (Python API: frontc.load(path, 'tf', custom_objects=...))")]


def for_cli(message: str) -> str:
    """``message`` with the Python API's argument names replaced by the command line's flags."""
    for pattern, replacement in _API_TO_CLI:
        message = pattern.sub(replacement, message)
    return message


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM ends like Ctrl-C: temporaries removed, "interrupted", 130


@contextlib.contextmanager
def _native_stderr_muted():
    """Native libraries' writes to fd 2 (TensorFlow's and absl's start-up lines, MXNet's and onnxruntime's
    logs) go to /dev/null; Python's sys.stderr, and faulthandler, keep the terminal."""
    try:
        real = sys.stderr.fileno() == 2 and sys.stderr is sys.__stderr__
    except (AttributeError, ValueError, OSError):
        real = False
    if not real:
        yield
        return
    sys.stderr.flush()
    was_enabled = faulthandler.is_enabled()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1)
    faulthandler.enable(file=sys.stderr)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        sys.stderr.close()
        sys.stderr = sys.__stderr__
        faulthandler.enable(file=sys.stderr) if was_enabled else faulthandler.disable()


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's C++ start-up chatter (warnings included)
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a one-line usage error
        return exc.code if isinstance(exc.code, int) else 2
    with _native_stderr_muted():
        return _run(args)


_python_showwarning = warnings.showwarning


def _note(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings that are FrontcNotes print as ``note: ...`` on stdout; the others as Python prints them."""
    if issubclass(category, FrontcNote):
        print(f"note: {for_cli(str(message))}")
    else:
        _python_showwarning(message, category, filename, lineno, file, line)


def _run(args: argparse.Namespace) -> int:
    with warnings.catch_warnings():
        warnings.showwarning = _note
        warnings.simplefilter("always", FrontcNote)
        return _handle(args)


def _handle(args: argparse.Namespace) -> int:
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main_thread else None
    try:
        status = int(args.handler(args) or 0)
        sys.stdout.flush()
        return status
    except FrontcError as exc:
        print(f"frontc {args.command}: error: {for_cli(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"frontc {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader left (frontc ops | head): what it read is all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.__stdout__.fileno())
        return 0
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


def run_script(name: str, body: Callable[[argparse.Namespace], object], args: argparse.Namespace) -> int:
    """A project or example script's ``body(args)`` under the CLI's contract: one-line errors with exit
    status 2, ``interrupted`` with 130, FrontcNotes as ``note:`` lines; 0 when it returns."""
    def handler(namespace: argparse.Namespace) -> int:
        body(namespace)
        return 0

    args.command, args.handler = name, handler
    return _run(args)


if __name__ == "__main__":
    sys.exit(main())
