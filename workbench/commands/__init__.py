"""One module per ``keras-workbench`` subcommand; each has ``register(subparsers)``."""

from workbench.commands import (build, catalog, datasets, detection, explain, export, predict, runs, sweep,
                                train)

SUBCOMMANDS = [catalog.register, datasets.register, build.register, train.register, sweep.register,
               runs.register, predict.register, explain.register, export.register, detection.register]
