"""List the IR's ops: inputs, attributes with defaults, family and a one-line description."""
from __future__ import annotations

import argparse

from frontc.ir.schema import REQUIRED, get_schema, known_ops


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("op", nargs="?", help="show one op only")


def main(args: argparse.Namespace) -> int:
    for op in [args.op] if args.op else known_ops():
        schema = get_schema(op)
        attrs = ", ".join(f"{name}: {spec.kind}" + ("" if spec.default is REQUIRED else f" = {spec.default!r}")
                          for name, spec in schema.attrs.items())
        print(f"{op}({', '.join(schema.inputs)})  [{schema.family}]  {schema.doc}")
        if attrs:
            print(f"    {attrs}")
    return 0
