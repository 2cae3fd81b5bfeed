"""``keras-workbench verify [NAME ...]``: check entries against their outside references
(keras.applications, torchvision and paper parameter counts, tf-keras-vis's Grad-CAM,
pycocotools' COCOeval, the CartPole threshold) on this machine; results are cached."""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("verify", help="check catalog entries against their outside references",
                       description=__doc__)
    p.add_argument("names", nargs="*", metavar="NAME",
                   help="catalog entries to check (default: every entry that has a reference)")
    p.add_argument("--json", action="store_true", help="a JSON list, one object per check")
    p.add_argument("--no-cache", action="store_true", help="recompute instead of reading cached results")
    p.add_argument("--root", action="append", default=[], metavar="DIR",
                   help="runs folder searched by threshold checks (repeatable; default: the user's data folder, see README)")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench import references
    from workbench.cli import emit_json

    names = list(dict.fromkeys(args.names)) or references.names_with_references()
    results = []
    for name in names:
        result = references.run_check(name, use_cache=not args.no_cache, runs_roots=args.root)
        results.append(result)
        if not args.json:
            print(_row(result), flush=True)
    if args.json:
        emit_json(results)
    failed = [r for r in results if r["ok"] is False]
    if failed:
        print(f"keras-workbench: {len(failed)} of {len(results)} checks failed: "
              + "; ".join(r["detail"] for r in failed), file=sys.stderr)
        return 1
    return 0


def mark(ok) -> str:
    return {True: "ok", False: "FAIL", None: "-"}[ok]


def _row(result: dict) -> str:
    from workbench.references.checks import format_number

    ref = result["reference"]
    version = f"{ref['library']} {ref['version']}" if ref["version"] else (ref["library"] or ref["source"])
    cached = " (cached)" if result.get("cached") else f" ({result['seconds']:.1f}s)"
    expected, measured = format_number(result["expected"]), format_number(result["measured"])
    return (f"{mark(result['ok']):<5}{result['name']:<16}{result['kind']:<14}"
            f"expected {expected:>13}  measured {measured:>13}  [{version}]{cached}  {result['detail']}")
