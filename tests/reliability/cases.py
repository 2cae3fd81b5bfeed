"""The reliability cases of issue 9 (outputs, atomic writes, the run lock, damaged files) as
data: the tests here are parametrised over these tables, and a counting script can import
``CASES`` to report how many are handled without running anything.

Templates use ``{run}`` (a trained run directory), ``{image}`` (an image file), ``{dir}``
(an existing folder with a user's file in it) and ``{tmp}`` (the test's scratch folder).
"""

from __future__ import annotations

from dataclasses import dataclass

#: An existing folder at an output path: refused with exit 1 and this phrase; nothing changes.
EXISTING_DIRECTORY = {
    "explain-out": (["explain", "{run}", "--image", "{image}", "--out", "{dir}"], "is a directory"),
    "explain-heatmap": (["explain", "{run}", "--image", "{image}", "--out", "{tmp}/o.png",
                         "--heatmap", "{dir}"], "is a directory"),
    "explain-compare-out": (["explain", "{run}", "--image", "{image}", "--compare", "gradcam,saliency",
                             "--out", "{dir}"], "is a directory"),
    "detect-out": (["detect", "{run}", "--image", "{image}", "--out", "{dir}"], "is a directory"),
    "detect-json": (["detect", "{run}", "--image", "{image}", "--out", "{tmp}/o.png",
                     "--json", "{dir}"], "is a directory"),
    "segment-out": (["segment", "{run}", "--image", "{image}", "--out", "{dir}"], "is a directory"),
    "segment-mask": (["segment", "{run}", "--image", "{image}", "--out", "{tmp}/o.png",
                      "--mask", "{dir}"], "is a directory"),
    "export-keras-out": (["export", "{run}/model.keras", "--format", "keras", "--out", "{dir}"],
                         "is a directory"),
    "export-savedmodel-out": (["export", "{run}/model.keras", "--format", "savedmodel", "--out", "{dir}"],
                              "not an earlier export"),
    "export-savedmodel-out-force": (["export", "{run}/model.keras", "--format", "savedmodel", "--out",
                                     "{dir}", "--force"], "not an earlier export"),
    "export-savedmodel-over-its-run": (["export", "{run}/model.keras", "--format", "savedmodel",
                                        "--out", "{run}"], "is a run directory"),
    "export-savedmodel-over-its-run-force": (["export", "{run}/model.keras", "--format", "savedmodel",
                                              "--out", "{run}", "--force"], "is a run directory"),
    "export-savedmodel-over-checkpoint": (["export", "{run}", "--format", "savedmodel", "--out",
                                           "{run}/checkpoint", "--force"], "run's own checkpoint"),
    "export-keras-over-its-model": (["export", "{run}", "--format", "keras", "--out",
                                     "{run}/model.keras", "--force"], "run's own model.keras"),
}

#: An existing file at an output path: refused without --force, replaced with it.
EXISTING_FILE = {
    "explain-out": ["explain", "{run}", "--image", "{image}", "--out", "{target}"],
    "explain-heatmap": ["explain", "{run}", "--image", "{image}", "--out", "{tmp}/o.png", "--heatmap", "{target}"],
    "export-keras": ["export", "{run}", "--format", "keras", "--out", "{target}", "--no-verify"],
}

#: Damage done to a run file: each reader must answer with a sentence naming the file.
DAMAGE = ("empty", "truncated", "random-bytes", "json-list", "wrong-type")
DAMAGED_FILES = ("config.json", "info.json", "history.json")

#: What each command does with each damaged file: "refused" (exit 1 naming the file) where
#: it needs the file, "works" (exit 0) where it does not -- the sentence for config.json
#: promises that model.keras still works with predict/explain/export, so that is tested too.
COMMAND_OUTCOME = {
    ("config.json", "predict"): "works", ("config.json", "explain"): "works",
    ("config.json", "export"): "works", ("config.json", "resume"): "refused",
    ("info.json", "predict"): "refused", ("info.json", "explain"): "refused",
    ("info.json", "export"): "works",
    ("history.json", "predict"): "works", ("history.json", "explain"): "works",
    ("history.json", "export"): "works",
}

#: Ways a write can be refused by the place written to.
PLACE_ERRORS = ("ENOSPC", "EROFS", "EACCES", "EDQUOT")


@dataclass(frozen=True)
class Case:
    name: str
    area: str
    handled: bool = True  # every case below has a test that passes; False marks a known gap


CASES = (
    [Case(f"existing-directory/{name}", "outputs") for name in EXISTING_DIRECTORY]
    + [Case(f"existing-file/{name}", "outputs") for name in EXISTING_FILE]
    + [Case(f"damaged/{file}/{kind}", "damaged files") for file in DAMAGED_FILES for kind in DAMAGE]
    + [Case(f"damaged-command/{file}/{command}", "damaged files") for file, command in COMMAND_OUTCOME]
    + [Case("damaged/runs-lists-the-others", "damaged files")]
    + [Case(f"write-refused/{code}", "atomic") for code in PLACE_ERRORS]
    + [Case("write-refused/full-tmpfs", "atomic"), Case("write-refused/read-only-folder", "atomic")]
    + [Case("atomic/directory-swap-without-window", "atomic"),
       Case("atomic/stale-temporaries-cleaned", "atomic")]
    + [Case("lock/second-process-refused", "lock"), Case("lock/second-lock-same-process", "lock"),
       Case("lock/free-after-kill-9", "lock"), Case("lock/train-into-locked-run", "lock")]
)
