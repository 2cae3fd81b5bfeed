"""A non-chief worker of a multi-worker run: ``python -m workbench.training.worker CONFIG.json``.

It trains the same config as the chief (same data, same seed, same batches; the strategy
gives it its share of each global batch) in the cluster that ``TF_CONFIG`` describes, and
writes nothing the user sees: its run directory is a temporary folder, removed at its end.
The chief (``keras-workbench train --strategy multi-worker``) starts these itself on one
machine; on a real cluster each other machine runs this command with its own ``TF_CONFIG``.
``--resume-from RUN_DIR`` starts from the chief's resume point, so every replica holds the
same weights and optimizer state when the resumed run's first step is all-reduced.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbench.training.worker", description=__doc__.splitlines()[0])
    parser.add_argument("config", help="the run's config.json (the chief's run directory has it)")
    parser.add_argument("--resume-from", metavar="RUN_DIR", help="the chief's run directory, to resume from")
    args = parser.parse_args(argv)

    from workbench.errors import WorkbenchError
    from workbench.quiet import import_tensorflow
    from workbench.runs.atomic import read_json
    from workbench.training.config import TrainConfig

    folder = tempfile.mkdtemp(prefix="workbench-worker-")
    try:
        config = TrainConfig.from_dict(read_json(args.config)).validate()
        if config.strategy != "multi-worker":
            raise WorkbenchError(f"{args.config} asks for the {config.strategy} strategy, not multi-worker")
        config.out = os.path.join(folder, "run")
        import_tensorflow()
        if args.resume_from:
            _resume(config, args.resume_from)
        else:
            from workbench.training import job

            job.run_training(config)
        return 0
    except WorkbenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _resume(config, chief_run: str) -> None:
    """``job.resume_training`` with the chief's resume point but this worker's own folder."""
    from workbench import catalog
    from workbench.errors import WorkbenchError
    from workbench.runs.rundir import RunDir
    from workbench.training import job
    from workbench.training.checkpoints import resume_point
    from workbench.training.control import RunControl

    entry = catalog.get(config.model)
    job.strategies.prepare_devices(config)
    point = resume_point(RunDir(chief_run))
    if point is None:
        raise WorkbenchError(f"{chief_run} has no resume point to start from")
    run_dir = RunDir(config.out).create()
    context = job.TrainingContext(config, entry, entry.resolve(config.hparams), job.load_dataset(config),
                                  run_dir, lambda event: None, RunControl())
    context.resume, context.history, context.initial_epoch = point, point.history, point.epochs_done
    job.seed_everything(config.seed)
    job._train(entry, context)


if __name__ == "__main__":
    sys.exit(main())
