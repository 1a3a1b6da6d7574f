"""The model zoo: `frontc zoo submit | list | show | verify | export`.

Root: --zoo, else $FRONTC_ZOO, else ./MODEL_ZOO. Layout:
<root>/<domain>/<task>/<model>/{original | YYYYMMDD_sp<rate>_<H>x<W>}/ with the source files, moffett_ir/,
<model>_<strategy>_quantization.pb, card.yaml and MANIFEST.sha256. Versions are written once: submit
stages beside the target and renames into place, and never overwrites. verify exits with 1 when a
file is missing, modified or extra.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from frontc.commands.common import in_range
from frontc.zoo.card import read_card
from frontc.zoo.layout import zoo_root
from frontc.zoo.manifest import verify_folder
from frontc.zoo.store import export, folder_submission, select, submit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--zoo", help="zoo root (default: $FRONTC_ZOO, else ./MODEL_ZOO)")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("submit", parents=[common],
                         help="add a checklist output folder (or files and a card) as a new version")
    p.add_argument("folder", nargs="?", help="checklist output folder (source/, moffett_ir/, card.yaml)")
    p.add_argument("--card", help="card.yaml, with explicit files instead of a folder")
    p.add_argument("--file", action="append", default=[], metavar="[NAME=]PATH",
                   help="a file to submit (NAME: its path inside the version; repeatable)")
    p.add_argument("--version", help="version folder name (default: the card's, else from date/sparsity/shape)")
    p = verbs.add_parser("list", parents=[common],
                         help="table of versions (domain, task, model, version, sparsity, accuracy)")
    p.add_argument("--task", help="only this task")
    p.add_argument("--min-sparsity", type=in_range(float, 0, 1), default=0.0,
                   help="only versions at least this sparse (0-1)")
    p.add_argument("--max-sparsity", type=in_range(float, 0, 1), default=1.0,
                   help="only versions at most this sparse (0-1)")
    for verb, text in (("show", "card and files of versions"), ("verify", "recompute every hash")):
        p = verbs.add_parser(verb, parents=[common], help=text)
        p.add_argument("selector", nargs="?" if verb == "verify" else None,
                       help="MODEL[/VERSION] or DOMAIN/TASK/MODEL[/VERSION]" + (" (default: all)" if verb == "verify"
                                                                             else ""))
    p = verbs.add_parser("export", parents=[common], help="copy a verified version to a folder or a .tar.gz")
    p.add_argument("selector", help="MODEL/VERSION or DOMAIN/TASK/MODEL/VERSION")
    p.add_argument("-o", "--output", required=True, help="target folder or .tar.gz")
    p.add_argument("--force", action="store_true", help="replace an existing target")


def main(args: argparse.Namespace) -> int:
    root = zoo_root(args.zoo)
    return {"submit": _submit, "list": _list, "show": _show, "verify": _verify, "export": _export}[args.verb](
        root, args)


def _submit(root: Path, args: argparse.Namespace) -> int:
    from frontc.ir.errors import OptionError
    if bool(args.folder) == bool(args.card):
        raise OptionError("give a checklist output folder or --card with --file", hint="see `frontc zoo submit -h`")
    if args.folder:
        files, card = folder_submission(Path(args.folder))
    else:
        card = read_card(args.card)
        files = {}
        for item in args.file:
            name, sep, path = item.partition("=")
            files[name if sep else Path(item).name] = Path(path if sep else item)
    entry = submit(root, files, card, version=args.version)
    print(f"submitted {entry.key} ({len(files)} files + card.yaml + MANIFEST.sha256) to {root}")
    return 0


def _list(root: Path, args: argparse.Namespace) -> int:
    rows = [("domain", "task", "model", "version", "sparsity", "acc top1", "quant acc")]
    for entry in select(root, None) if root.exists() else []:
        if args.task and entry.task != args.task:
            continue
        card = entry.card()
        if not args.min_sparsity <= card["sparsity"] <= args.max_sparsity:
            continue
        quant = ", ".join(f"{k} {_acc(v)}" for k, v in sorted(card["accuracy"]["quantized"].items())) or "n/a"
        rows.append((entry.domain, entry.task, entry.model, entry.version, f"{card['sparsity']:.4f}",
                     _acc(card["accuracy"]["float"]), quant))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _acc(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def _show(root: Path, args: argparse.Namespace) -> int:
    for entry in select(root, args.selector):
        print(f"== {entry.key} ({entry.path})")
        print((entry.path / "card.yaml").read_text().rstrip())
        print("files:")
        for path in sorted(p for p in entry.path.rglob("*") if p.is_file()):
            print(f"  {path.relative_to(entry.path).as_posix()}  {path.stat().st_size} bytes")
    return 0


def _verify(root: Path, args: argparse.Namespace) -> int:
    bad = 0
    for entry in select(root, args.selector):
        check = verify_folder(entry.path)
        problems = [f"{kind} {name}" for kind in ("missing", "modified", "extra") for name in getattr(check, kind)]
        bad += bool(problems)
        print(f"{entry.key}: " + ("ok" if not problems else "; ".join(problems)))
    return 1 if bad else 0


def _export(root: Path, args: argparse.Namespace) -> int:
    from frontc.ir.errors import OptionError
    matches = select(root, args.selector)
    if len(matches) != 1:
        raise OptionError(f"'{args.selector}' matches {len(matches)} versions", hint="name one MODEL/VERSION")
    print(f"exported {matches[0].key} to {export(matches[0], Path(args.output), overwrite=args.force)}")
    return 0
