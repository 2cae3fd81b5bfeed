"""Training on several devices or processes with TensorFlow's own ``tf.distribute``.

    one               today's path: one device (``TrainConfig.device``)
    mirrored          ``MirroredStrategy``: one replica per GPU, or per logical CPU device on a
                      machine without GPUs (``workers`` of them, 2 by default); synchronous
    multi-worker      ``MultiWorkerMirroredStrategy``: ``workers`` processes, one replica each,
                      gradients all-reduced every step; on one machine the run itself is the
                      chief and the other workers are child processes on loopback ports
    parameter-server  ``ParameterServerStrategy``: variables on a parameter server, steps
                      scheduled asynchronously on ``workers`` workers by a coordinator (an
                      in-process cluster on loopback ports)

The global batch is ``batch_size`` whatever the strategy: a synchronous strategy splits
each batch between its replicas and averages their gradients, so it computes what one
device computes, up to the order of float additions. The same run config runs on a real
cluster: when ``TF_CONFIG`` is set (one JSON per machine) the strategy reads the cluster from
it and no local workers are started; a non-chief worker writes into a temporary folder it
removes (``python -m workbench.training.worker CONFIG.json``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

from workbench.errors import WorkbenchError

STRATEGIES = ("one", "mirrored", "multi-worker", "parameter-server")
#: Workers a strategy uses when ``TrainConfig.workers`` is 0 (replicas on CPU for ``mirrored``).
DEFAULT_WORKERS = 2
#: The most local processes or logical devices a run may ask for on one machine.
MAX_LOCAL_WORKERS = 16
#: Set in a worker process started for a run on this machine: it never starts workers itself.
WORKER_ENV = "WORKBENCH_STRATEGY_WORKER"


def validate(strategy: str, workers: int) -> None:
    """A sentence for a strategy name or worker count no machine can run."""
    if strategy not in STRATEGIES:
        raise WorkbenchError(f"strategy {strategy!r} is not one of {', '.join(STRATEGIES)}")
    if not 0 <= workers <= MAX_LOCAL_WORKERS:
        raise WorkbenchError(f"workers={workers} must be between 1 and {MAX_LOCAL_WORKERS}")


def check_entry(entry, strategy: str) -> None:
    """Entries with their own training loop support only the strategies their trainer
    lists in ``trainer.strategies`` (none but ``one`` unless it says so)."""
    if strategy == "one" or not entry.trainer:
        return
    from workbench.catalog import registry

    supported = getattr(registry.load_symbol(entry.trainer), "strategies", ("one",))
    if strategy not in supported:
        raise WorkbenchError(f"{entry.name} trains with its own loop, which does not support the "
                             f"{strategy} strategy (it supports: {', '.join(supported)})")


def check_data(dataset, strategy: str) -> None:
    if strategy in ("multi-worker", "parameter-server") and hasattr(dataset, "train_stream"):
        raise WorkbenchError(f"the {strategy} strategy needs data held in memory; a class folder "
                             "streamed from disk trains with one or mirrored")


def replicas(config) -> int:
    return config.workers or DEFAULT_WORKERS


def cluster_from_env() -> dict | None:
    """``TF_CONFIG`` as a dict, when this process is part of a cluster set up outside."""
    text = os.environ.get("TF_CONFIG", "")
    if not text:
        return None
    try:
        spec = json.loads(text)
        spec["cluster"], spec["task"]["type"], int(spec["task"]["index"])
    except (ValueError, KeyError, TypeError):
        raise WorkbenchError("TF_CONFIG is not a cluster description: it needs {\"cluster\": {...}, "
                             "\"task\": {\"type\": ..., \"index\": ...}}") from None
    return spec


def prepare_devices(config) -> None:
    """Logical CPU devices for ``mirrored`` on a machine without GPUs. TensorFlow fixes its
    devices when it first runs an op, so this comes first in the training process."""
    if config.strategy != "mirrored":
        return
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU"):
        return
    wanted = replicas(config)
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * wanted)
    except RuntimeError:  # already initialised: enough logical CPUs may be there from before
        if len(tf.config.list_logical_devices("CPU")) < wanted:
            raise WorkbenchError(f"mirrored over {wanted} logical CPU devices must be set up before "
                                 "TensorFlow starts in this process; start the run from the command line "
                                 "or as a new job in the Train tab") from None


class Distribution:
    """A started strategy: the scope to build the model in, the devices it says it runs on,
    and (multi-worker on this machine) the worker processes, ended by ``close``."""

    def __init__(self, kind: str, strategy, description: str, chief: bool = True):
        self.kind, self.strategy, self.description, self.chief = kind, strategy, description, chief
        self.workers: list[subprocess.Popen] = []
        self.logs: list[str] = []
        self.temp_dirs: list[str] = []
        self.coordinator = None
        self._watch: threading.Thread | None = None
        self._closing = False
        self.worker_failure = ""
        self.worker_count = 1

    def scope(self):
        return self.strategy.scope() if self.strategy is not None else contextlib.nullcontext()

    @property
    def synchronous_views(self) -> bool:
        """Views predict with the model; under multi-worker a prediction is a collective
        every worker must join, and the chief's views are throttled by its own clock, so
        they are left out there."""
        return self.kind != "multi-worker"

    def close(self) -> None:
        """Wait a little for the workers to end on their own (they finish with the chief),
        then end the ones still there (after a Stop they wait for a step that never comes)."""
        self._closing = True
        deadline = time.monotonic() + 10.0
        for process in self.workers:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.terminate()
                try:
                    process.wait(5.0)
                except subprocess.TimeoutExpired:
                    process.kill()
        for path in self.temp_dirs:
            shutil.rmtree(path, ignore_errors=True)

    def prepare_model(self, model, x, y) -> None:
        """Keras 3.15's ``fit``/``evaluate`` first peek at one batch and average it across
        replicas (``strategy.reduce``) to build the model symbolically; under
        ``MultiWorkerMirroredStrategy`` that reduce of eager per-replica values fails
        ("Attempt to convert a value (PerReplica...)"). The build it wants is done here from
        a plain batch instead, and the peek is switched off for this model."""
        if self.kind != "multi-worker" or self.worker_count < 2:  # one worker: plain tensors, no issue
            return
        take = min(len(x), 2)
        sample = (x[:take], y[:take] if y is not None else None, None)
        with self.scope():
            model._symbolic_build(data_batch=sample)
        model._maybe_symbolic_build = lambda iterator=None, data_batch=None: None
        # Its reduction of the step's logs across workers is reduce(MEAN, axis=0), which fails
        # on scalars ("Invalid reduction dimension 0"): each log leaves the step as a vector
        # of one. Every replica holds the same (global) metric values, so the mean is them.
        model.train_step = _logs_as_vectors(model.train_step)
        model.test_step = _logs_as_vectors(model.test_step)

    def failure(self) -> str:
        """Why a worker failed, for the sentence the chief reports (the last line it printed)."""
        return self.worker_failure


def _logs_as_vectors(step):
    import tensorflow as tf

    def vector_step(data):
        return tf.nest.map_structure(lambda v: tf.reshape(v, [1]) if v.shape.rank == 0 else v, step(data))

    return vector_step


def start(ctx) -> Distribution:
    """The strategy of ``ctx.config``, started: local workers spawned, cluster connected."""
    config = ctx.config
    kind = config.strategy or "one"
    if kind == "one":
        return Distribution("one", None, "")
    import tensorflow as tf

    if kind == "mirrored":
        return _mirrored(config, tf)
    if kind == "multi-worker":
        return _multi_worker(ctx, tf)
    return _parameter_server(config, tf)


def _mirrored(config, tf) -> Distribution:
    gpus = tf.config.list_logical_devices("GPU")
    if gpus:
        count = config.workers or len(gpus)
        if count > len(gpus):
            raise WorkbenchError(f"mirrored over {count} GPUs: this machine has {len(gpus)}")
        names = [d.name for d in gpus[:count]]
        what = f"{count} GPU(s)"
    else:
        count = replicas(config)
        cpus = tf.config.list_logical_devices("CPU")
        if len(cpus) < count:
            raise WorkbenchError(f"mirrored over {count} CPU devices: only {len(cpus)} are set up")
        names = [d.name for d in cpus[:count]]
        what = f"{count} logical CPU devices"
    strategy = tf.distribute.MirroredStrategy(names)
    return Distribution("mirrored", strategy, f"mirrored over {what} ({', '.join(n.split('device:')[-1] for n in names)})")


def free_ports(count: int) -> list[int]:
    """``count`` loopback ports free now (the OS picks them; held open together so they differ)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    except OSError as error:
        raise WorkbenchError(f"cannot bind loopback ports for the local cluster ({error.strerror}); "
                             "this machine cannot run the strategy here") from None
    finally:
        for s in sockets:
            s.close()


def local_cluster(workers: int, ps: int = 0) -> dict:
    ports = free_ports(workers + ps)
    cluster = {"worker": [f"127.0.0.1:{p}" for p in ports[:workers]]}
    if ps:
        cluster["ps"] = [f"127.0.0.1:{p}" for p in ports[workers:]]
    return cluster


def _multi_worker(ctx, tf) -> Distribution:
    config = ctx.config
    spec = cluster_from_env()
    plan = None
    if spec is None:  # one machine: this run is worker 0 (the chief), the others are children
        count = replicas(config)
        spec = {"cluster": local_cluster(count), "task": {"type": "worker", "index": 0}}
        plan = _spawn_workers(ctx, spec, count)
    task = spec["task"]
    chief = task["type"] == "chief" or (task["type"] == "worker" and int(task["index"]) == 0
                                        and "chief" not in spec["cluster"])
    previous = os.environ.get("TF_CONFIG")
    os.environ["TF_CONFIG"] = json.dumps(spec)
    try:
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
    except (ValueError, RuntimeError, tf.errors.OpError) as error:
        if plan:
            plan.close()
        raise WorkbenchError(f"the multi-worker strategy could not start ({str(error).splitlines()[0][:200]})") from None
    finally:
        if previous is None and plan is not None:
            os.environ.pop("TF_CONFIG", None)
    workers = sum(len(v) for k, v in spec["cluster"].items() if k in ("chief", "worker"))
    where = "on this machine" if plan else "from TF_CONFIG"
    description = (f"multi-worker: {workers} worker processes {where}, "
                   f"{strategy.num_replicas_in_sync} replicas, this one {task['type']} {task['index']}")
    dist = plan or Distribution("multi-worker", None, "")
    dist.kind, dist.strategy, dist.description, dist.chief = "multi-worker", strategy, description, chief
    dist.worker_count = workers
    if plan:
        _watch_workers(dist)
    return dist


def _spawn_workers(ctx, spec: dict, count: int) -> Distribution:
    """Workers 1..count-1 as ``python -m workbench.training.worker``: the same config, the
    same data, their own TF_CONFIG task index; a resumed run hands them its resume point."""
    dist = Distribution("multi-worker", None, "")
    folder = tempfile.mkdtemp(prefix="workbench-workers-")
    dist.temp_dirs.append(folder)
    config_path = os.path.join(folder, "config.json")
    with open(config_path, "w", encoding="utf-8") as handle:
        json.dump(ctx.config.to_dict(), handle)
    for index in range(1, count):
        task_spec = {"cluster": spec["cluster"], "task": {"type": "worker", "index": index}}
        env = {**os.environ, "TF_CONFIG": json.dumps(task_spec), WORKER_ENV: "1", "PYTHONPATH": _package_path(),
               "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3")}
        command = [sys.executable, "-m", "workbench.training.worker", config_path]
        if ctx.resume is not None:
            command += ["--resume-from", ctx.run_dir.path]
        log = os.path.join(folder, f"worker-{index}.log")
        dist.logs.append(log)
        with open(log, "wb") as out:
            dist.workers.append(subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                                 cwd=os.getcwd()))
    return dist


def _package_path() -> str:
    """PYTHONPATH with the folder that holds ``workbench`` first, so a worker imports this copy."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.pathsep.join([root, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))])


def _watch_workers(dist: Distribution) -> None:
    """A worker that dies leaves the chief waiting in an all-reduce for ever: abort the
    collectives then, so ``fit`` raises and the run ends with the worker's last line."""
    def watch():
        while not dist._closing:
            for process, log in zip(dist.workers, dist.logs):
                code = process.poll()
                if code not in (None, 0) and not dist._closing:
                    dist.worker_failure = f"a worker process ended with exit code {code}: {_last_line(log)}"
                    from tensorflow.python.eager import context
                    from tensorflow.python.framework import errors

                    context.context().abort_collective_ops(errors.UNAVAILABLE, dist.worker_failure)
                    return
            time.sleep(0.2)

    dist._watch = threading.Thread(target=watch, name="worker-watch", daemon=True)
    dist._watch.start()


def _last_line(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = [line.strip() for line in handle if line.strip()]
    except OSError:
        return "no output"
    return lines[-1][:300] if lines else "no output"


def _parameter_server(config, tf) -> Distribution:
    """An in-process cluster (TF's ``parameter_server_training`` tutorial): ``workers``
    worker servers and one parameter server on loopback, this process the coordinator."""
    count = replicas(config)
    spec = cluster_from_env()
    if spec is None:
        cluster = local_cluster(count, ps=1)
        # Each in-process server runs its ops on threads of this process: with fewer cores
        # than servers, TF's default pools leave a scheduled step waiting for ever (the tutorial's note).
        threads = tf.compat.v1.ConfigProto(inter_op_parallelism_threads=count + 1)
        for kind, addresses in cluster.items():
            for index in range(len(addresses)):
                tf.distribute.Server(tf.train.ClusterSpec(cluster), job_name=kind, task_index=index,
                                     protocol="grpc", config=threads, start=True)
        resolver = tf.distribute.cluster_resolver.SimpleClusterResolver(
            tf.train.ClusterSpec(cluster), rpc_layer="grpc")
        where = "in-process"
    else:
        resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
        cluster = spec["cluster"]
        where = "from TF_CONFIG"
    strategy = tf.distribute.experimental.ParameterServerStrategy(resolver)
    dist = Distribution("parameter-server", strategy,
                        f"parameter-server ({where}): {len(cluster['worker'])} workers, "
                        f"{len(cluster.get('ps', []))} parameter server(s), asynchronous")
    dist.coordinator = tf.distribute.coordinator.ClusterCoordinator(strategy)
    return dist


# -- asynchronous training on a parameter server ----------------------------------------------
# Keras 3's ``fit`` does not drive a ``ClusterCoordinator``, so the loop is the one of TF's
# parameter-server tutorial: the coordinator schedules steps, each runs on whichever worker
# is free, reads the variables from the parameter server and writes its update back. Steps
# overlap, so a step may compute its gradient on weights another step has moved since:
# that is the asynchrony, and why a run is not repeatable to the last digit.

def fit_parameter_server(ctx, dist: Distribution, model, x, y, x_val=None, y_val=None):
    """Train ``model`` (built in ``dist.scope()``) for ``ctx.config.epochs`` epochs of
    ``steps`` scheduled steps; each epoch's end validates, reports and saves a resume point."""
    import numpy as np
    import tensorflow as tf

    from workbench.training import events
    from workbench.training.checkpoints import MAIN
    from workbench.training.data_order import epoch_stream, length, steps_per_epoch

    config, strategy, coordinator = ctx.config, dist.strategy, dist.coordinator
    steps = steps_per_epoch(length(x), config.batch_size, config.steps_per_epoch)
    with dist.scope():
        model.optimizer.build(model.trainable_variables)  # slots on the parameter server too
        ctx.restore_networks({MAIN: model})
    ctx.emit(events.RunStarted(ctx.run_dir.path, config.to_dict(), dist.description, config.epochs,
                               ctx.initial_epoch, steps, int(model.count_params())))

    def dataset_fn(_input_context):
        # Every worker walks the run's seeded epoch orders at its own pace (a parameter-server
        # worker is not told its index), endless so that it never runs dry between epochs.
        return epoch_stream(x, y, config.batch_size, config.seed, 0, 1 << 20, steps)

    per_worker = coordinator.create_per_worker_dataset(
        lambda: strategy.distribute_datasets_from_function(dataset_fn))
    iterator = iter(per_worker)

    @tf.function
    def train_step(batches):
        def replica_step(batch):
            xb, yb = batch
            with tf.GradientTape() as tape:
                loss = model.compute_loss(x=xb, y=yb, y_pred=model(xb, training=True), training=True)
            grads = tape.gradient(loss, model.trainable_variables)
            model.optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss

        return strategy.reduce("SUM", strategy.run(replica_step, args=(next(batches),)), axis=None)

    stopped = False
    for epoch in range(ctx.initial_epoch, config.epochs):
        started = time.perf_counter()
        scheduled = []
        for _ in range(steps):
            ctx.control.wait_while_paused()
            if ctx.control.stop_requested:
                stopped = True
                break
            scheduled.append(coordinator.schedule(train_step, args=(iterator,)))
        coordinator.join()
        losses = [float(value.fetch()) for value in scheduled]
        for step, loss in enumerate(losses, 1):
            ctx.emit(events.BatchEnd(epoch, step, steps, {"loss": loss}))
        if stopped:
            break
        logs = {"loss": float(np.mean(losses))}
        if x_val is not None and length(x_val):
            logs.update(_validate(model, x_val, y_val, config.batch_size, ctx.entry.task))
        ctx.end_epoch(epoch, logs, time.perf_counter() - started)
        ctx.save_point(epoch + 1, {MAIN: model})
    return ctx.finish(model, stopped=stopped)


def _validate(model, x_val, y_val, batch_size: int, task: str) -> dict:
    """Validation loss (and accuracy) read from the parameter server's current weights."""
    import numpy as np

    predictions = np.concatenate([np.asarray(model(x_val[i:i + batch_size], training=False))
                                  for i in range(0, len(x_val), batch_size)])
    logs = {"val_loss": float(model.compute_loss(x=x_val, y=y_val, y_pred=predictions, training=False))}
    if task == "classification":
        logs["val_accuracy"] = float(np.mean(predictions.argmax(-1) == np.asarray(y_val).reshape(-1)))
    return logs
