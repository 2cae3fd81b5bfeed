"""``keras-workbench throughput``: training samples per second of one run on each device."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "throughput", help="training samples/s of the same model on the CPU and each GPU, side by side",
        description="Trains the same model (same hyperparameters, data, batch size and initial "
                    "weights) on every device TensorFlow lists: a few warm-up steps, then --steps "
                    "timed steps. Without a GPU it says so and shows the CPU's figure alone.")
    p.add_argument("model", help="catalog name of an entry trained by Keras fit")
    p.add_argument("--data", default="digits", help="dataset name or path (default digits)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="assign",
                   help="a hyperparameter (repeatable)")
    p.add_argument("--data-option", action="append", default=[], metavar="KEY=VALUE",
                   help="a data-source option (repeatable)")
    p.add_argument("--steps", type=int, default=50, help="timed training steps per device (default 50)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--device", action="append", default=[], metavar="ID",
                   help="measure only this device (repeatable), e.g. CPU:0")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench.catalog.registry import parse_assignments
    from workbench.training.throughput import WARMUP_STEPS, measure_throughput

    result = measure_throughput(args.model, args.data, parse_assignments(args.assign), args.steps,
                                args.batch_size, parse_assignments(args.data_option), args.device or None,
                                progress=None if args.json else print)
    if args.json:
        from workbench.cli import emit_json

        emit_json(result.as_dict())
        return 0
    print(f"{result.model} on {result.data}, batch {result.batch_size}: {result.steps} timed steps after "
          f"{WARMUP_STEPS} warm-up steps")
    print(f"{'device':<40} {'samples/s':>10} {'seconds':>8}")
    for row in result.rows:
        print(f"{row['name']:<40} {row['samples_per_s']:>10.1f} {row['seconds']:>8.3f}")
    print(result.sentence())
    return 0
