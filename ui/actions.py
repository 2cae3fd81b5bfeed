"""Application-level actions that belong to no single panel (opening a saved model)."""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication

from ui.bridge import run_in_background


def read_model(path: str):
    """Worker thread: the model, its class names (from the run's info.json when present)."""
    from workbench.inference import class_names_for, model_metadata
    from workbench.models.io import load_model

    model = load_model(path)
    return model, class_names_for(model, model_metadata(path))


def open_model(session, path: str) -> None:
    """Load a ``.keras`` file (or a run directory) on a worker thread and make it current."""
    if not session.tf_loaded:
        session.fail(QCoreApplication.translate(
            "actions", "TensorFlow is still loading; open the model again when the status bar says Ready."))
        return
    session.report(QCoreApplication.translate("actions", "Loading {0}…").format(os.path.basename(path)))

    def loaded(result) -> None:
        model, names = result
        session.set_model(model, path, names, source="file")
        session.report(QCoreApplication.translate("actions", "Opened model {0}: {1:,} parameters").format(
            path, model.count_params()))

    run_in_background(lambda: read_model(path), loaded, session.fail, key="open-model", lane="tf",
                      owner=session)


def adopt_trained(session, result, owner=None) -> None:
    """Make a finished run's model the session's: the model itself when the run trained in
    this process, else (a ``RunOutcome`` from a child process) its ``model.keras``, loaded
    on a worker thread."""
    if result is None or not getattr(result, "run_dir", ""):
        return
    from workbench.runs.rundir import RunDir

    path = RunDir(result.run_dir).model
    if getattr(result, "model", None) is not None:
        info = getattr(getattr(result, "dataset", None), "info", None)
        session.set_model(result.model, path, tuple(getattr(info, "class_names", ()) or ()), "trained",
                          result.run_dir)
        return
    if not os.path.isfile(path):
        return  # stopped before the first epoch: nothing to adopt

    def loaded(value) -> None:
        model, names = value
        session.set_model(model, path, tuple(result.class_names) or names, "trained", result.run_dir)

    run_in_background(lambda: read_model(path), loaded, session.fail, key="open-model", lane="tf",
                      owner=owner or session)
