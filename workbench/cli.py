"""``keras-workbench``: the GUI with no arguments, the same core headless with a subcommand.

Every subcommand is a thin call into ``workbench``; a ``WorkbenchError`` becomes one
line on stderr and exit status 1 (2 for usage errors, as argparse does).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback

from workbench.errors import WorkbenchError

EXIT_ERROR = 1
EXIT_BUG = 3


def main(argv: list[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # a bundled executable started as the GUI's training process
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] == "gui" or argv[0].split("=")[0] == "--lang":  # --lang ja: the GUI in Japanese
        from ui.app import main as gui_main

        return gui_main(["keras-workbench", *(argv[1:] if argv and argv[0] == "gui" else argv)])
    args = build_parser().parse_args(argv)
    try:
        return args.run(args) or 0
    except WorkbenchError as error:
        print(f"keras-workbench: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("keras-workbench: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: one line, the traceback only on request
        if os.environ.get("KERAS_WORKBENCH_DEBUG"):
            traceback.print_exc()
        print(f"keras-workbench: internal error: {type(error).__name__}: {error} "
              "(set KERAS_WORKBENCH_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_BUG


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keras-workbench",
        description="Train, watch, explain and export the classic deep-learning architectures. "
                    "With no arguments, opens the desktop window.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    from workbench import commands

    for register in commands.SUBCOMMANDS:
        register(sub)
    return parser


def emit_json(data) -> None:
    json.dump(data, sys.stdout, indent=2, default=lambda v: v.tolist() if hasattr(v, "tolist") else str(v))
    sys.stdout.write("\n")


if __name__ == "__main__":
    sys.exit(main())
