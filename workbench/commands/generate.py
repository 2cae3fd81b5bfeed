"""``keras-workbench generate RUN_DIR --prompt TEXT``: continue a prompt with a text generator's run.

Calls the run's entry's ``generate_text`` hook (GPT and any other generator that declares
one). ``--temperature 0`` is greedy decoding; with a temperature above 0 the same
``--seed`` gives the same text. Prompt tokens the vocabulary lacks are matched in another
case or left out, and the result's notes say which.
"""

from __future__ import annotations

import os
import sys

from workbench.errors import WorkbenchError


def register(sub) -> None:
    p = sub.add_parser("generate", help="continue a prompt with a trained text generator (gpt)")
    p.add_argument("run_dir", metavar="RUN_DIR", help="the run directory of a text generator")
    p.add_argument("--prompt", required=True, help="the text to continue")
    p.add_argument("--length", type=int, default=200, help="tokens to generate (default 200)")
    p.add_argument("--temperature", type=float, default=1.0, help="0 = greedy (argmax); default 1.0")
    p.add_argument("--top-k", type=int, default=0, help="sample only from the k likeliest tokens (0 = all)")
    p.add_argument("--seed", type=int, default=0, help="the same seed gives the same text (default 0)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench.cli import emit_json
    from workbench.models.sequence.text_generation import run_hook

    _, generate = run_hook(os.path.abspath(args.run_dir), "generate_text", "generate text")
    if not 0 <= args.length <= 5000:
        raise WorkbenchError(f"--length {args.length} must be between 0 and 5000")
    if not args.temperature >= 0 or args.temperature == float("inf"):
        raise WorkbenchError(f"--temperature {args.temperature} must be 0 (greedy) or a finite positive number")
    if args.top_k < 0:
        raise WorkbenchError(f"--top-k {args.top_k} must be 0 (all tokens) or more")
    result = generate(os.path.abspath(args.run_dir), args.prompt, args.length, args.temperature,
                      args.top_k, args.seed)
    if args.json:
        emit_json(result)
        return 0
    print(result["text"])
    for note in result.get("notes", []):
        print(f"note: {note}", file=sys.stderr)
    return 0
