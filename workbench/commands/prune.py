"""``keras-workbench prune``: magnitude pruning of a trained run, with retraining."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "prune", help="prune a classifier run's weights to a target sparsity, retraining as it goes",
        description="Sets the smallest-magnitude Dense and convolution weights to zero, raising the "
                    "sparsity on a polynomial schedule while the model retrains on the run's data, "
                    "and writes the pruned model as a new run with its accuracy-vs-sparsity curve.")
    p.add_argument("run_dir", help="trained classifier run directory")
    p.add_argument("--sparsity", type=float, required=True, help="fraction of kernel weights set to zero, e.g. 0.8")
    p.add_argument("--epochs", type=int, default=2, help="retraining epochs (default 2)")
    p.add_argument("--out", required=True, help="the new run directory")
    p.add_argument("--force", action="store_true", help="replace an existing empty folder")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench.compression.prune_run import VIEW_NAME, prune_run

    result = prune_run(args.run_dir, args.sparsity, args.epochs, args.out, args.force,
                       progress=(lambda line: None) if args.json else print)
    if args.json:
        from workbench.cli import emit_json

        emit_json(result.as_dict())
        return 0
    print(f"sparsity {result.sparsity:.4f} (asked {result.target}); validation accuracy "
          f"{result.accuracy_before:.4f} before, {result.accuracy_one_shot:.4f} pruned at once, "
          f"{result.accuracy_after:.4f} after retraining")
    print(f"run directory: {result.out} (its {VIEW_NAME} curve: keras-workbench views {result.out})")
    return 0
