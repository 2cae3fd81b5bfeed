"""Greedy agents over a trained network, for entries whose ``model.keras`` maps an encoded
observation to one score per action (a softmax policy, or Q-values)."""

from __future__ import annotations

import os

import numpy as np

from workbench.errors import WorkbenchError


class GreedyNetworkAgent:
    """argmax_a of the network's output for the encoded observation (one-hot for numbered
    states, the vector as it is otherwise: what the network was trained on)."""

    def __init__(self, model):
        self.model = model
        self.actions = int(model.outputs[0].shape[-1])
        self.input_shape = tuple(int(d) for d in model.inputs[0].shape[1:])

    def check(self, env, env_id: str) -> None:
        from gymnasium import spaces

        from workbench.data.environments import observation_shape

        if not isinstance(env.action_space, spaces.Discrete):
            raise WorkbenchError(f"this agent picks one of {self.actions} discrete actions; {env_id} has a "
                                 f"continuous action space ({env.action_space})")
        if int(env.action_space.n) != self.actions or observation_shape(env.observation_space) != self.input_shape:
            raise WorkbenchError(f"this agent was trained for observations of shape {self.input_shape} and "
                                 f"{self.actions} actions; {env_id} has {env.observation_space} and "
                                 f"{env.action_space}")

    def scores(self, observation, env) -> np.ndarray:
        from workbench.data.environments import encode_observation

        state = encode_observation(env.observation_space, observation)[None]
        return np.asarray(self.model(state, training=False))[0]

    def act(self, observation, env) -> int:
        return int(np.argmax(self.scores(observation, env)))


def load_model_agent(run_dir: str) -> GreedyNetworkAgent:
    """The ``load_agent`` hook of an entry whose run's ``model.keras`` scores the actions
    (REINFORCE's policy network)."""
    from workbench.models.io import load_model
    from workbench.quiet import import_tensorflow

    if not os.path.isfile(os.path.join(run_dir, "model.keras")):
        raise WorkbenchError(f"{run_dir} has no model.keras yet (the run never finished an epoch): "
                             "resume it or train again")
    import_tensorflow()
    return GreedyNetworkAgent(load_model(run_dir))
