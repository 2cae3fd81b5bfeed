"""One module per ``keras-workbench`` subcommand; each has ``register(subparsers)``."""

from workbench.commands import (build, catalog, datasets, detection, evaluate, explain, export, predict, runs,
                                sample, sweep, train, views)

SUBCOMMANDS = [catalog.register, datasets.register, build.register, train.register, sweep.register,
               runs.register, predict.register, evaluate.register, explain.register, export.register,
               detection.register, views.register, sample.register]
