"""One module per ``keras-workbench`` subcommand; each has ``register(subparsers)``."""

from workbench.commands import build, catalog, datasets, detection, explain, export, predict, sweep, train

SUBCOMMANDS = [catalog.register, datasets.register, build.register, train.register,
               predict.register, explain.register, export.register, detection.register, sweep.register]
