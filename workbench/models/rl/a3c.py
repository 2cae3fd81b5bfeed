"""A3C (Mnih et al., 2016): asynchronous advantage actor-critic.

``workers`` threads, each with its own environment and its own local copy of the network:

    loop: copy the shared weights into the local network
          play n_steps in the own environment, k-step targets as in A2C
          gradients of actor_critic_loss on the local network
          apply them to the shared network with the shared optimizer (under a lock)

Workers run at different points of their episodes and apply their gradients at different
times, which decorrelates the updates without a replay buffer. TensorFlow's kernels release
the GIL, so Python threads overlap their network work (``benchmarks/cartpole.py --a3c-speedup``
measures environment steps per second against one worker). The order in which the threads
apply their gradients depends on the scheduler, so unlike the other agents an A3C run is
not bit-for-bit repeatable, and a resumed run continues from the saved networks, optimizer
and counters but does not replay the interrupted run exactly.
"""

from __future__ import annotations

import threading

import numpy as np

from workbench.data.sources import rng_for
from workbench.models.rl.a2c import collect, nstep_returns
from workbench.models.rl.actor_critic import ActorCriticLearner
from workbench.models.rl.deep import (
    EpisodeTracker,
    Throttle,
    compile_fn,
    make_vector_env,
    require_discrete,
    train_agent,
)


def _copier(source_variables, target_variables):
    def copy():
        for target, source in zip(target_variables, source_variables):
            target.assign(source)
        return 0

    return copy


class Worker:
    """One thread's local network (and its gradient function)."""

    def __init__(self, hp: dict, info, eager: bool):
        from workbench.models.rl.actor_critic import (
            actor_critic_loss,
            build_actor_critic,
        )
        from workbench.models.rl.deep import compile_fn

        self.hp = hp
        self.model = build_actor_critic(hp, info)
        self._loss = actor_critic_loss

        def forward(states):
            return self.model(states, training=False)

        self.forward = compile_fn(forward, eager)
        self.gradients = compile_fn(self._gradients, eager)

    def _gradients(self, states, actions, returns):
        import tensorflow as tf

        with tf.GradientTape() as tape:
            probs, values = self.model(states, training=True)
            loss, parts = self._loss(probs, tf.squeeze(values, -1), actions, returns,
                                     self.hp["beta"], self.hp["value_coef"])
        return tape.gradient(loss, self.model.trainable_variables), {"loss": loss, **parts}


class AsynchronousAgent:
    def __init__(self, hp: dict, source, config):
        self.hp, self.source, self.seed = hp, source, config.seed
        self.shared = ActorCriticLearner(hp, source.info, config.eager)
        self.workers = [Worker(hp, source.info, config.eager) for _ in range(hp["workers"])]
        shared = self.shared.model.trainable_variables
        # graph functions for the two steps that touch the shared network: eager Adam with
        # clipping is a hundred small ops, and the threads would queue behind them
        self.apply = compile_fn(lambda grads: self.shared.optimizer.apply(grads, shared), config.eager)
        for worker in self.workers:
            worker.sync = compile_fn(_copier(shared, worker.model.trainable_variables), config.eager)
        self.lock = threading.Lock()
        self.env_steps = 0
        self.updates = 0

    main = property(lambda self: self.shared.model)
    networks = property(lambda self: {"actor_critic": self.shared.model})
    optimizers = property(lambda self: {"actor_critic": self.shared.optimizer})

    def arrays(self) -> dict:
        return {}

    def state(self) -> dict:
        return {"env_steps": self.env_steps, "updates": self.updates}

    def restore(self, arrays: dict, state: dict) -> None:
        self.env_steps, self.updates = int(state["env_steps"]), int(state["updates"])

    def greedy_actions(self, states):
        return self.shared.greedy_actions(states)

    def _work(self, index: int, epoch: int, budget: int, control, tracker, history, errors):
        """Worker ``index``: rollouts until the epoch's step budget is used up."""
        hp, worker = self.hp, self.workers[index]
        rng = rng_for(self.seed, epoch, 1, index)
        envs, states = make_vector_env(self.source, 1, self.seed + 1000 * (index + 1), epoch)
        try:
            while not control.stop_requested:
                control.wait_while_paused()
                with self.lock:
                    if self.env_steps >= budget:
                        break
                    self.env_steps += hp["n_steps"]  # claim the steps before playing them
                    worker.sync()  # the local copy <- the shared weights
                rollout, states = collect(worker, self.source, envs, states, hp["n_steps"], rng, hp["gamma"],
                                          tracker[index])
                returns = nstep_returns(rollout.rewards, rollout.dones, rollout.last_values, hp["gamma"])
                grads, logs = worker.gradients(rollout.states[:, 0], rollout.actions[:, 0],
                                               returns[:, 0].astype(np.float32))
                with self.lock:
                    self.apply(grads)
                    self.updates += 1
                    history.append({key: float(value) for key, value in logs.items()})
        except Exception as error:  # noqa: BLE001 - re-raised on the training thread
            errors.append(error)
        finally:
            envs.close()

    def warm_up(self) -> None:
        """Trace each worker's functions on this thread, one after another (Keras builds
        graphs with process-wide state that threads tracing at once would share)."""
        states = np.zeros((self.hp["n_steps"],) + tuple(self.source.info.input_shape), np.float32)
        actions, returns = np.zeros(len(states), np.int64), np.zeros(len(states), np.float32)
        for worker in self.workers:
            worker.sync()
            worker.forward(states[:1])
            worker.gradients(states, actions, returns)
        self.shared.forward(states[:1])  # (``apply`` is traced by its first call, under the lock)

    def run_epoch(self, epoch: int, steps: int, report, control):
        if not getattr(self, "_warm", False):
            self.warm_up()
            self._warm = True
        budget = self.env_steps + steps
        trackers = [EpisodeTracker(1) for _ in self.workers]
        history, errors = [], []
        threads = [threading.Thread(target=self._work, args=(i, epoch, budget, control, trackers, history, errors),
                                    name=f"a3c-worker-{i}", daemon=True) for i in range(len(self.workers))]
        for thread in threads:
            thread.start()
        throttle, start_steps = Throttle(), budget - steps
        while any(thread.is_alive() for thread in threads):
            threads[0].join(0.1)
            if history and throttle():
                report(min(steps, self.env_steps - start_steps), history[-1])
        if errors:
            raise errors[0]
        logs = {key: float(np.mean([h[key] for h in history])) for key in history[0]} if history else {}
        logs["workers"] = float(len(self.workers))
        return logs, [r for tracker in trackers for r in tracker.returns]


def train_a3c(ctx):
    require_discrete(ctx.dataset, "A3C")
    return train_agent(ctx, AsynchronousAgent(ctx.hp, ctx.dataset, ctx.config), ctx.hp["env_steps_per_epoch"])


train_a3c.resumable = True  # shared network, optimizer and counters (not a bit-exact replay: threads)
