"""``keras-workbench-gui --self-check``: does this installation (or bundle) work, headless?

It does what a first start does, without a screen: in a child process spawned as the Train
tab spawns its runs (``workbench.training.process``: a bundle that cannot start its training
process fails here), import TensorFlow, build the default model (LeNet) on the embedded
digits and train it ONE step; meanwhile create the main window on Qt's offscreen platform.
It prints one JSON line:

    {"ok": true, "version": "0.1.0", "catalog_entries": 97, "data_sources": 45, ...}

and exits 0; on failure ``{"ok": false, "error": SENTENCE, ...}`` with exit status 1 (the
sentence also on stderr). The counts of what discovery found (``pkgutil`` over the catalog,
data, command and panel packages) are there so that a bundle can be compared with the source
tree: a module PyInstaller left out is a smaller count, not an error.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
import threading
import time

#: The first start's defaults (``ui.main_window``'s DEFAULT_MODEL / DEFAULT_DATA).
MODEL, DATA = "lenet", "digits"
#: A child process must import TensorFlow and train one step within this (a loaded machine).
TRAIN_TIMEOUT_S = 240.0


#: Packages whose modules a library imports by name at run time, which PyInstaller's import
#: analysis cannot follow: tf2onnx's submodules (PEP 562 lazy attributes: the ONNX export) and
#: gymnasium's environments (its registry's "module:Class" entry points: the RL data sources).
#: ``packaging/keras_workbench.spec`` collects every module of these; ``loaded_by_name`` checks.
LOADED_BY_NAME = ("tf2onnx", "gymnasium.envs.classic_control", "gymnasium.envs.toy_text")


def loaded_by_name() -> list[str]:
    """The modules those libraries will import by name for what the workbench uses: tf2onnx's
    ``convert`` (``workbench.export.onnx``; it imports the rest of tf2onnx itself) and the
    entry point of each gymnasium environment the data sources offer."""
    import gymnasium

    from workbench.data.environments import CLASSIC

    names = [gymnasium.spec(env_id).entry_point.split(":")[0] for env_id in CLASSIC]
    return sorted({"tf2onnx.convert", *names})


def missing_modules(names: list[str]) -> list[str]:
    """Those of ``names`` that cannot be found. Found by listing their parent package
    (``pkgutil``, as discovery does), not imported: importing tf2onnx imports TensorFlow."""
    import importlib.util
    import pkgutil

    missing = []
    for name in names:
        parent, _, leaf = name.rpartition(".")
        if not parent:  # a top-level module: found, not imported
            if importlib.util.find_spec(name) is None:
                missing.append(name)
            continue
        spec = importlib.util.find_spec(parent)  # a top-level package is found, not imported
        locations = spec.submodule_search_locations if spec is not None else None
        if not locations or leaf not in {info.name for info in pkgutil.iter_modules(locations)}:
            missing.append(name)
    return missing


def discovery_counts() -> dict:
    """How many catalog entries, data sources, CLI commands and GUI panels were found."""
    from ui.panels import PANELS
    from workbench import catalog
    from workbench.commands import SUBCOMMANDS
    from workbench.data import registry as data_registry

    return {"catalog_entries": len(catalog.all_entries()),
            "data_sources": len(data_registry.all_datasets()),
            "commands": len(SUBCOMMANDS), "panels": len(PANELS)}


class OneStep:
    """LeNet built on the digits and trained one step in a spawned child process, the Train
    tab's path: the child imports TensorFlow, builds the model (``RunStarted.params``) and
    reports the step's loss. It runs while this process creates the window; this process need
    not import TensorFlow at all (half the time on two cores)."""

    def __init__(self, out: str):
        from workbench.training import TrainConfig, job
        from workbench.training.process import ProcessRun

        config = TrainConfig(MODEL, DATA, epochs=1, batch_size=16, steps_per_epoch=1, val_split=0.1,
                             eager=True, tensorboard=False, out=out)
        self.received: list = []
        self.done = threading.Event()
        self.run = ProcessRun(functools.partial(job.run_training, config), self.sink)
        self.run.start()

    def sink(self, item) -> None:  # the run's reader thread: only collect
        self.received.append(item)
        if isinstance(item, tuple) and item[0] == "end":
            self.done.set()

    def result(self, timeout: float = TRAIN_TIMEOUT_S) -> dict:
        from workbench.training import events

        if not self.done.wait(timeout):
            self.run.join(1.0)
            raise RuntimeError(f"the training process did not finish one step within {timeout:.0f} s")
        self.run.join(10.0)
        failed = [item.message for item in self.received if isinstance(item, events.Failed)]
        if failed:
            raise RuntimeError(f"training one step failed: {failed[0]}")
        started = [item for item in self.received if isinstance(item, events.RunStarted)]
        steps = [item for item in self.received if isinstance(item, events.BatchEnd)]
        outcome = next((item[1] for item in self.received if isinstance(item, tuple) and item[0] == "result"), None)
        if not started or not steps or outcome is None or not os.path.isfile(outcome.model_path):
            raise RuntimeError("the training process ended without a trained model")
        return {"model": MODEL, "data": DATA, "device": started[0].device, "params": started[0].params,
                "steps": len(steps), "loss": round(float(steps[-1].logs["loss"]), 4)}


def open_window() -> dict:
    """The main window, created and shown on Qt's offscreen platform, then closed."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before the QApplication exists
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow
    from ui.settings import Settings

    app = QApplication.instance() or QApplication(["keras-workbench"])
    window = MainWindow(settings=Settings.ephemeral())
    window.show()
    app.processEvents()
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    window.close()
    window.deleteLater()
    app.processEvents()
    return {"tabs": len(tabs), "platform": app.platformName()}


def version() -> str:
    import workbench

    return workbench.__version__


def tensorflow_version() -> str:
    """From the installed package's metadata (this process does not import TensorFlow)."""
    from importlib import metadata

    try:
        return metadata.version("tensorflow")
    except metadata.PackageNotFoundError:  # a bundle without the metadata
        return "unknown"


def report() -> dict:
    """Every check in turn; the first that fails raises with a sentence."""
    started = time.monotonic()
    result: dict = {"ok": False, "version": version(), "tensorflow": tensorflow_version(),
                    "frozen": bool(getattr(sys, "frozen", False))}
    with tempfile.TemporaryDirectory(prefix="workbench-self-check-") as folder:
        training = OneStep(os.path.join(folder, "run"))  # first: its TensorFlow import is the longest
        result.update(discovery_counts())
        names = loaded_by_name()
        missing = missing_modules(names)
        if missing:
            raise RuntimeError(f"{len(missing)} modules that libraries load by name are missing "
                               f"(ONNX export or environments would fail): {', '.join(missing)}")
        result["loaded_by_name"] = len(names)
        result.update(open_window())
        result.update(training.result())
    result["ok"] = True
    result["seconds"] = round(time.monotonic() - started, 1)
    return result


def main() -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        result = report()
    except Exception as error:  # noqa: BLE001 - the point is a sentence, not a traceback
        text = str(error).strip().splitlines()
        sentence = f"self-check failed: {type(error).__name__}: {text[0] if text else 'no details'}"
        print(json.dumps({"ok": False, "version": version(), "error": sentence}), flush=True)
        print(sentence, file=sys.stderr, flush=True)
        return 1
    print(json.dumps(result), flush=True)
    return 0
