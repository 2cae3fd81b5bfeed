"""``keras-workbench views RUN_DIR``: the views a run wrote (``RUN_DIR/views/``).

A run directory (or a sweep's folder) with no views prints "no views" and exits 0 (an
empty list with ``--json``): a run that had nothing to show is not an error. A path that
is not a directory, or a directory that is neither a run nor holds views, is an error
(exit 1).
"""

from __future__ import annotations

import os

from workbench.errors import WorkbenchError

JSON_KEYS = ("name", "title", "kind", "step", "png", "data")


def register(sub) -> None:
    p = sub.add_parser("views", help="list the views (plots, grids, text) a run wrote, with their PNG paths")
    p.add_argument("run_dir", metavar="RUN_DIR", help="a run directory (or a sweep's output folder)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench.cli import emit_json
    from workbench.views.store import list_views, views_dir

    path = os.path.abspath(args.run_dir)
    if not os.path.isdir(path):
        raise WorkbenchError(f"{args.run_dir} is not a directory")
    views = list_views(path)
    if not views and not os.path.isdir(views_dir(path)) and not os.path.isfile(os.path.join(path, "config.json")):
        raise WorkbenchError(f"{args.run_dir} is not a run directory (no config.json) and holds no views/")
    if args.json:
        emit_json([{key: getattr(view, key) for key in JSON_KEYS} for view in views])
        return 0
    if not views:
        print(f"no views in {path}")
        return 0
    name_width = max(len(view.name) for view in views)
    title_width = min(40, max(len(view.title) for view in views))
    for view in views:
        print(f"{view.name:<{name_width}}  {view.kind:<9}  step {view.step:<4}  {view.title:<{title_width}}  "
              f"{view.png or '(no picture)'}")
    return 0
