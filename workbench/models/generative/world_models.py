"""World Models (Ha & Schmidhuber, 2018): V sees, M remembers and predicts, C acts.

    V  a convolutional VAE of the environment's rendered frames: frame -> z (and back)
    M  an MDN-RNN (``mdn_rnn.py``): (z_t, a_t, h_t) -> a mixture over z_(t+1), P(done), h_(t+1)
    C  a linear controller, a_t = argmax(W [z_t, h_t] + b), optimised by CMA-ES

Each epoch runs the paper's procedure once: collect rollouts of a random policy (each
episode's seed and actions from (seed, episode)), train V on all frames so far (reconstruction
+ KL), encode them to z, train M on the z sequences (mixture NLL + done cross-entropy), then
run CMA-ES generations on C. With ``dream=true`` every candidate is scored inside M (a dreamed
episode from a real first frame, temperature ``temperature``; +1 a step as in CartPole, weighted
by the probability that M's done head has not ended it yet); with ``dream=false`` in the real
environment. Either way the mean of the
search distribution is played in the real environment every generation: that is the reported
return. The paper used CarRacing and VizDoom; Box2D is not installed here, so the default
environment is CartPole-v1 (frames in gray, ``frame_size`` pixels square).

Resume: V, M, both optimizers, the controller, the collected frames and CMA-ES's mean, step
size, covariance matrix and evolution paths are in every resume point. CMA-ES's sampler is
rebuilt from them (its eigenbasis is recomputed from C, so the samples after a resume follow
the same distribution but not bit for bit the uninterrupted run's); V and M resume exactly.
"""

from __future__ import annotations

import time

import keras
import numpy as np

from workbench.data.sources import rng_for
from workbench.errors import WorkbenchError
from workbench.models.generative.mdn_rnn import build_mdn_rnn, mdn_nll, sample_mixture
from workbench.training import events
from workbench.views.types import Curves, ImageGrid, View

# streams of random numbers, each keyed by (seed, STREAM, counters...)
_COLLECT, _V_BATCH, _M_BATCH, _CMA, _REAL, _DREAM, _VIEW = range(1, 8)
VIEW_SECONDS = 1.5  # at most one returns curve per this many seconds (and always at an epoch's end)
VIEW_STEPS = 6  # time steps in the real / reconstructed / dreamed grid


# -- V: the frames and their VAE ----------------------------------------------------------------
#: Rows (fractions of the height) that hold what an environment's frame shows; the paper crops
#: CarRacing's status bar the same way. CartPole's upper third and bottom are empty.
CROPS = {"CartPole-v1": (0.4, 0.85)}
#: CartPole's frames are cut to a window this wide (pixels of the 600-pixel render) that follows
#: the cart, as PyTorch's pixel DQN tutorial does: over the whole track, the cart and the pole's
#: tilt within a random episode move less than one pixel of a 32-pixel frame.
CART_WINDOW = 200


def observe(env, size: int, env_id: str = "") -> np.ndarray:
    """The environment's current frame as V sees it."""
    frame = env.render()
    if frame is None or np.ndim(frame) != 3:
        raise WorkbenchError(f"{env_id or 'this environment'} does not render RGB frames, which World "
                             "Models' V learns from; pick one that does, e.g. CartPole-v1")
    center = None
    core = env.unwrapped
    if env_id == "CartPole-v1":  # the cart's x in pixels, as gymnasium draws it
        center = core.state[0] * frame.shape[1] / (2 * core.x_threshold) + frame.shape[1] / 2
    return preprocess(frame, size, env_id, center)


def preprocess(frame: np.ndarray, size: int, env_id: str = "", center: float | None = None) -> np.ndarray:
    """An RGB render -> (size, size) uint8 gray, inverted so the objects are bright on black;
    cropped to ``CROPS`` rows and, with ``center``, to ``CART_WINDOW`` columns around it.

    Thin things (CartPole's pole is 10 pixels wide) would average away when the frame
    shrinks: a grey dilation by one output pixel's extent first keeps every object at
    least a pixel wide (a max-pool, then area averaging)."""
    import cv2

    gray = 255 - cv2.cvtColor(np.asarray(frame, np.uint8), cv2.COLOR_RGB2GRAY)
    top, bottom = CROPS.get(env_id, (0.0, 1.0))
    gray = gray[int(top * gray.shape[0]):int(bottom * gray.shape[0])]
    if center is not None:  # pad with background so a window at the track's end stays whole
        half = CART_WINDOW // 2
        gray = np.pad(gray, ((0, 0), (half, half)))
        left = int(round(center))
        gray = gray[:, left:left + CART_WINDOW]
    kernel = np.ones((max(1, gray.shape[0] // size), max(1, gray.shape[1] // size)), np.uint8)
    return cv2.resize(cv2.dilate(gray, kernel), (size, size), interpolation=cv2.INTER_AREA)


def build_encoder(size: int, latent: int) -> keras.Model:
    frame = keras.Input((size, size, 1), name="frame")
    x = keras.layers.Conv2D(16, 4, strides=2, padding="same", activation="relu", name="conv1")(frame)
    x = keras.layers.Conv2D(32, 4, strides=2, padding="same", activation="relu", name="conv2")(x)
    x = keras.layers.Flatten()(x)
    mean = keras.layers.Dense(latent, name="z_mean")(x)
    log_var = keras.layers.Dense(latent, name="z_log_var")(x)
    return keras.Model(frame, [mean, log_var], name="encoder")


def build_decoder(size: int, latent: int) -> keras.Model:
    z = keras.Input((latent,), name="z")
    x = keras.layers.Dense((size // 4) ** 2 * 32, activation="relu", name="expand")(z)
    x = keras.layers.Reshape((size // 4, size // 4, 32))(x)
    x = keras.layers.Conv2DTranspose(16, 4, strides=2, padding="same", activation="relu", name="deconv1")(x)
    frame = keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid", name="deconv2")(x)
    return keras.Model(z, frame, name="decoder")


def build_vae(size: int, latent: int):
    """(encoder, decoder, vae); the vae maps a frame to (reconstruction of its mean z, mean, log var)."""
    encoder, decoder = build_encoder(size, latent), build_decoder(size, latent)
    frame = keras.Input((size, size, 1), name="frame")
    mean, log_var = encoder(frame)
    vae = keras.Model(frame, [decoder(mean), mean, log_var], name="vae")
    return encoder, decoder, vae


def vae_losses(encoder, decoder, frames, noise):
    """(reconstruction, KL), each per frame: the summed squared error over the pixels of the
    decoded z = mu + sigma eps, and KL(N(mu, sigma^2) || N(0, I))."""
    from keras import ops

    mean, log_var = encoder(frames, training=True)
    z = mean + ops.exp(0.5 * log_var) * noise
    reconstruction = ops.mean(ops.sum(ops.square(frames - decoder(z, training=True)), axis=(1, 2, 3)))
    kl = ops.mean(-0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=1))
    return reconstruction, kl


def build_world_model(hp: dict, info) -> keras.Model:
    """The catalog's builder: V, the first network a run trains (the trainer builds M and C)."""
    return build_vae(hp["frame_size"], hp["latent_size"])[2]


# -- rollouts in the real environment ---------------------------------------------------------
def collect_rollouts(source, seed: int, first: int, count: int, size: int, max_steps: int) -> list[dict]:
    """``count`` random-policy episodes numbered from ``first``: frames (T+1, S, S) uint8,
    actions (T,), and whether the last step ended the episode (not a time limit)."""
    episodes = []
    for episode in range(first, first + count):
        rng = rng_for(seed, _COLLECT, episode)
        env = source.make(int(rng.integers(2**31 - 1)), render_mode="rgb_array")
        try:
            env.reset(seed=int(rng.integers(2**31 - 1)))
            frames, actions, terminated = [observe(env, size, source.env_id)], [], False
            for _ in range(max_steps):
                action = int(rng.integers(env.action_space.n))
                _, _, terminated, truncated, _ = env.step(action)
                frames.append(observe(env, size, source.env_id))
                actions.append(action)
                if terminated or truncated:
                    break
        finally:
            env.close()
        episodes.append({"frames": np.stack(frames), "actions": np.asarray(actions, np.int64),
                         "terminated": bool(terminated)})
    return episodes


def pack_episodes(episodes: list[dict]) -> dict:
    """The episodes as flat arrays for the resume point."""
    return {"frames": np.concatenate([e["frames"] for e in episodes]),
            "actions": np.concatenate([e["actions"] for e in episodes]),
            "lengths": np.asarray([len(e["actions"]) for e in episodes], np.int64),
            "terminated": np.asarray([e["terminated"] for e in episodes], np.int64)}


def unpack_episodes(arrays: dict) -> list[dict]:
    episodes, frame_at, action_at = [], 0, 0
    for length, terminated in zip(arrays["lengths"], arrays["terminated"]):
        length = int(length)
        episodes.append({"frames": arrays["frames"][frame_at:frame_at + length + 1],
                         "actions": arrays["actions"][action_at:action_at + length],
                         "terminated": bool(terminated)})
        frame_at, action_at = frame_at + length + 1, action_at + length
    return episodes


def as_floats(frames: np.ndarray) -> np.ndarray:
    return (np.asarray(frames, np.float32) / 255.0)[..., None]


# -- the world model: V, M, C and their training ----------------------------------------------
class WorldModel:
    """V, M, the controller and the optimizers of V and M."""

    def __init__(self, hp: dict, actions: int, graph: bool = True):
        import tensorflow as tf

        from workbench.training.job import make_optimizer

        self.hp, self.actions = hp, actions
        self.size, self.latent = hp["frame_size"], hp["latent_size"]
        self.hidden, self.mixtures = hp["hidden_size"], hp["mixtures"]
        self.encoder, self.decoder, self.vae = build_vae(self.size, self.latent)
        self.mdn_rnn = build_mdn_rnn(self.latent, actions, self.hidden, self.mixtures)
        self.controller = keras.Sequential(
            [keras.Input((self.latent + self.hidden,), name="z_and_h"),
             keras.layers.Dense(actions, name="action_logits")], name="controller")
        # CMA-ES searches C in standardised features (z's scale is whatever V settled on, often
        # a few hundredths); ``set_controller`` folds the scaling into the saved linear map
        self.feature_mean = np.zeros(self.latent + self.hidden, np.float32)
        self.feature_scale = np.ones(self.latent + self.hidden, np.float32)
        self.vae_optimizer, self.rnn_optimizer = make_optimizer(hp), make_optimizer(hp)
        self.vae_optimizer.build(self.vae.trainable_variables)
        self.rnn_optimizer.build(self.mdn_rnn.trainable_variables)
        wrap = tf.function if graph else (lambda f, **_: f)
        self._vae_step = wrap(self._vae_update)
        self._rnn_step = wrap(self._rnn_update)
        # a batch shrinks as real episodes end: one relaxed trace rather than one per size
        self._encode = wrap(lambda frames: self.encoder(frames, training=False)[0], reduce_retracing=True)
        self._m_step = wrap(lambda z, a, h, c: self.mdn_rnn([z, a, h, c], training=False),
                            reduce_retracing=True)

    @property
    def networks(self) -> dict:
        return {"vae": self.vae, "mdn_rnn": self.mdn_rnn, "controller": self.controller}

    @property
    def optimizers(self) -> dict:
        return {"vae": (self.vae_optimizer, self.vae.trainable_variables),
                "mdn_rnn": (self.rnn_optimizer, self.mdn_rnn.trainable_variables)}

    @property
    def parameters(self) -> int:
        return (self.latent + self.hidden) * self.actions + self.actions

    def agent(self) -> keras.Model:
        """frame, h -> action logits: V's mean z and M's state read by C (saved as model.keras)."""
        frame = keras.Input((self.size, self.size, 1), name="frame")
        h = keras.Input((self.hidden,), name="h")
        z = self.encoder(frame)[0]
        logits = self.controller(keras.layers.Concatenate(name="z_and_h")([z, h]))
        return keras.Model([frame, h], logits, name="world_model_agent")

    # V
    def _vae_update(self, frames, noise):
        import tensorflow as tf

        with tf.GradientTape() as tape:
            reconstruction, kl = vae_losses(self.encoder, self.decoder, frames, noise)
            # the paper's KL tolerance ("free bits"): no pull towards the prior below
            # kl_tolerance nats a dimension, else near-identical frames collapse z onto it
            loss = reconstruction + tf.maximum(kl, self.hp["kl_tolerance"] * self.latent)
        grads = tape.gradient(loss, self.vae.trainable_variables)
        self.vae_optimizer.apply(grads, self.vae.trainable_variables)
        return reconstruction, kl

    def train_vae_step(self, frames: np.ndarray, rng: np.random.Generator) -> dict:
        noise = rng.standard_normal((len(frames), self.latent)).astype(np.float32)
        reconstruction, kl = self._vae_step(as_floats(frames), noise)
        return {"v_reconstruction": float(reconstruction), "v_kl": float(kl)}

    def encode(self, frames: np.ndarray) -> np.ndarray:
        return np.concatenate([np.asarray(self._encode(as_floats(frames[i:i + 256])))
                               for i in range(0, len(frames), 256)])

    # M
    def sequences(self, episodes: list[dict]):
        """Padded (z_t, a_t) inputs, z_(t+1) and done_(t+1) targets and a mask, one row an episode."""
        longest = max(len(e["actions"]) for e in episodes)
        n = len(episodes)
        z_in = np.zeros((n, longest, self.latent), np.float32)
        a_in = np.zeros((n, longest, self.actions), np.float32)
        z_next = np.zeros_like(z_in)
        done = np.zeros((n, longest), np.float32)
        mask = np.zeros((n, longest), np.float32)
        for row, episode in enumerate(episodes):
            z, length = self.encode(episode["frames"]), len(episode["actions"])
            z_in[row, :length], z_next[row, :length] = z[:-1], z[1:]
            a_in[row, np.arange(length), episode["actions"]] = 1.0
            done[row, length - 1] = float(episode["terminated"])
            mask[row, :length] = 1.0
        return z_in, a_in, z_next, done, mask

    def _rnn_update(self, z_in, a_in, z_next, done, mask):
        import tensorflow as tf

        zeros = tf.zeros((tf.shape(z_in)[0], self.hidden))
        with tf.GradientTape() as tape:
            mixture, done_logit, _, _ = self.mdn_rnn([z_in, a_in, zeros, zeros], training=True)
            nll = mdn_nll(mixture, z_next, self.mixtures, mask)
            cross_entropy = tf.nn.sigmoid_cross_entropy_with_logits(done, done_logit[..., 0])
            done_loss = tf.reduce_sum(cross_entropy * mask) / tf.maximum(tf.reduce_sum(mask), 1.0)
            loss = nll + done_loss
        grads = tape.gradient(loss, self.mdn_rnn.trainable_variables)
        self.rnn_optimizer.apply(grads, self.mdn_rnn.trainable_variables)
        return nll, done_loss

    def train_rnn_step(self, data, rows: np.ndarray) -> dict:
        import tensorflow as tf

        nll, done_loss = self._rnn_step(*(tf.constant(array[rows]) for array in data))
        return {"m_nll": float(nll), "m_done_loss": float(done_loss)}

    def m_step(self, z: np.ndarray, actions: np.ndarray, h: np.ndarray, c: np.ndarray):
        """One step of M for a batch: (mixture params, P(done), h, c)."""
        onehot = np.eye(self.actions, dtype=np.float32)[actions]
        import tensorflow as tf

        mixture, done_logit, h, c = self._m_step(*(tf.constant(np.asarray(x, np.float32)) for x in
                                                   (z[:, None], onehot[:, None], h, c)))
        probability = 1.0 / (1.0 + np.exp(-np.asarray(done_logit)[:, 0, 0]))
        return np.asarray(mixture)[:, 0], probability, np.asarray(h), np.asarray(c)

    # C
    def act(self, params: np.ndarray, z: np.ndarray, h: np.ndarray) -> np.ndarray:
        """Each row's action under its own controller: params (B, P), z (B, Z), h (B, H)."""
        features = self.latent + self.hidden
        weights = params[:, :features * self.actions].reshape(-1, features, self.actions)
        bias = params[:, features * self.actions:]
        features = (np.concatenate([z, h], 1) - self.feature_mean) / self.feature_scale
        logits = np.einsum("bf,bfa->ba", features, weights) + bias
        return logits.argmax(1)

    def standardise(self, z: np.ndarray) -> None:
        """C's z features centred and scaled by the rollouts' statistics (h is in [-1, 1] already)."""
        self.feature_mean[:self.latent] = z.mean(0)
        self.feature_scale[:self.latent] = z.std(0) + 1e-6

    def set_controller(self, params: np.ndarray) -> None:
        """The Keras controller as the plain linear map of [z, h] that ``params`` define."""
        features = self.latent + self.hidden
        weights = params[:features * self.actions].reshape(features, self.actions)
        raw = weights / self.feature_scale[:, None]
        bias = params[features * self.actions:] - (self.feature_mean @ raw)
        self.controller.get_layer("action_logits").set_weights([raw.astype(np.float32), bias.astype(np.float32)])

    def dream(self, params: np.ndarray, z0: np.ndarray, steps: int, temperature: float,
              rng: np.random.Generator, actions: np.ndarray | None = None):
        """Episodes inside M, one a row of ``params``, each from its z0, +1 a step as in CartPole.
        The return is the expected number of steps before M's done head ends the episode: a
        step counts its probability of still running, prod (1 - P(done)) so far (a threshold
        at 1/2 never fires, since ends are rare in the rollouts; a coin per step is noisier).
        Returns (returns (B,), dreamed z (B, steps + 1, Z)).
        ``actions`` (steps,) replays given actions instead of the controllers' (open loop)."""
        count = len(params)
        h = np.zeros((count, self.hidden), np.float32)
        c = np.zeros_like(h)
        z = z0.astype(np.float32)
        survival = np.ones(count)
        returns = np.zeros(count)
        path = [z]
        for t in range(steps):
            action = self.act(params, z, h) if actions is None else np.full(count, actions[t])
            mixture, done, h, c = self.m_step(z, action, h, c)
            returns += survival
            z = sample_mixture(mixture, self.latent, self.mixtures, temperature, rng)
            path.append(z)
            survival *= 1.0 - done
            if (survival < 1e-3).all():
                break
        while len(path) < steps + 1:
            path.append(path[-1])
        return returns, np.stack(path, 1)

    def real(self, source, params: np.ndarray, seed: int, counter: tuple, max_steps: int):
        """Episodes in the real environment, one a row of ``params``, played in lockstep:
        render -> V -> z; C(z, h) -> action; M(z, action, h) -> next h. Returns (returns (B,),
        the first episode's frames)."""
        envs, frames0 = [], []
        for i in range(len(params)):
            rng = rng_for(seed, _REAL, *counter, i)
            env = source.make(int(rng.integers(2**31 - 1)), render_mode="rgb_array")
            env.reset(seed=int(rng.integers(2**31 - 1)))
            envs.append(env)
        h = np.zeros((len(params), self.hidden), np.float32)
        c = np.zeros_like(h)
        alive = np.ones(len(params), bool)
        returns = np.zeros(len(params))
        try:
            for _ in range(max_steps):
                live = np.flatnonzero(alive)
                frames = np.stack([observe(envs[i], self.size, source.env_id) for i in live])
                if alive[0]:
                    frames0.append(frames[0])
                z = self.encode(frames)
                action = self.act(params[live], z, h[live])
                _, _, h[live], c[live] = self.m_step(z, action, h[live], c[live])
                for i, a in zip(live, action):
                    _, reward, terminated, truncated, _ = envs[i].step(int(a))
                    returns[i] += reward
                    alive[i] = not (terminated or truncated)
                if not alive.any():
                    break
        finally:
            for env in envs:
                env.close()
        return returns, np.stack(frames0)


# -- CMA-ES, its state as arrays -----------------------------------------------------------------
class SeededNormal:
    """CMA-ES's ``randn`` option: draws from (seed, generation), so a search repeats."""

    def __init__(self, seed: int):
        self.seed, self.generation = seed, 0

    def __call__(self, *shape):
        return rng_for(self.seed, _CMA, self.generation).standard_normal(shape)


def make_strategy(dimension: int, hp: dict, seed: int):
    import cma

    normal = SeededNormal(seed)
    es = cma.CMAEvolutionStrategy(np.zeros(dimension), hp["cma_sigma"],
                                  {"popsize": hp["population"], "seed": seed + 1, "randn": normal,
                                   "verbose": -9, "CMA_diagonal": False})
    return es, normal


def strategy_arrays(es, generation: int) -> tuple[dict, dict]:
    """The CMA-ES state that defines the next samples: mean, step size, covariance matrix and
    evolution paths (arrays), and the generations done (JSON)."""
    arrays = {"cma_mean": np.array(es.mean), "cma_C": np.array(es.sm.C), "cma_pc": np.array(es.pc),
              "cma_ps": np.array(es.adapt_sigma.ps)}
    return arrays, {"cma_sigma": float(es.sigma), "cma_generation": int(generation)}


def restore_strategy(es, arrays: dict, state: dict) -> int:
    """Put the stored state into a fresh strategy; returns the generations done.

    The approximation: the eigenbasis B D of C is recomputed (equal up to the signs and order
    of the eigenvectors), and cma's own iteration counter restarts at 0 (it only scales the
    first iterations' step-size path check), so the search continues with the same
    distribution, not bit for bit with the uninterrupted run's draws."""
    es.mean[:] = arrays["cma_mean"]
    es.sigma = float(state["cma_sigma"])
    es.pc[:] = arrays["cma_pc"]
    es.adapt_sigma.ps = np.array(arrays["cma_ps"])
    C = np.array(arrays["cma_C"])
    eigenvalues, eigenvectors = np.linalg.eigh(C)
    es.sm.C, es.sm.B, es.sm.D = C, eigenvectors, np.sqrt(np.maximum(eigenvalues, 0.0))
    es.sm._inverse_root_C = None
    return int(state["cma_generation"])


def cma_generation(world: WorldModel, es, normal: SeededNormal, generation: int, source, hp: dict, seed: int,
                   starts: np.ndarray) -> tuple[float, float | None]:
    """One CMA-ES generation of C: ask, score each candidate (in M's dream or in the real
    environment), tell; then the new mean plays ``eval_episodes`` real episodes. Returns
    (the mean's real return, the candidates' mean dreamed return or None)."""
    normal.generation = generation
    candidates = np.asarray(es.ask())
    dreamed = None
    if hp["dream"]:
        rng = rng_for(seed, _DREAM, generation)
        scores, _ = world.dream(candidates, starts[rng.integers(len(starts), size=len(candidates))],
                                hp["max_steps"], hp["temperature"], rng)
        dreamed = float(scores.mean())
    else:
        scores, _ = world.real(source, candidates, seed, (generation,), hp["max_steps"])
    es.tell(list(candidates), list(-scores))  # CMA-ES minimises
    mean = np.repeat(np.asarray(es.mean, np.float32)[None], hp["eval_episodes"], 0)
    real, _ = world.real(source, mean, seed, (generation, 1 << 20), hp["max_steps"])
    return float(real.mean()), dreamed


# -- the trainer ----------------------------------------------------------------------------------
def train_world_models(ctx):
    """``epochs`` x (collect, V, M, CMA-ES on C); a resume point after each epoch."""
    import gymnasium

    source, hp, config = ctx.dataset, ctx.hp, ctx.config
    if not hasattr(source, "make") or not isinstance(source._probe.action_space, gymnasium.spaces.Discrete):
        raise WorkbenchError("World Models here needs a gymnasium environment with a discrete action "
                             "space that renders frames, e.g. --data CartPole-v1")
    world = WorldModel(hp, int(source._probe.action_space.n), graph=not config.eager)
    es, normal = make_strategy(world.parameters, hp, config.seed)
    snapshot = ctx.restore_networks(world.networks, world.optimizers)
    state = dict(snapshot.state) if snapshot else {}
    episodes = unpack_episodes(snapshot.arrays) if snapshot else []
    generation = 0
    if snapshot and "cma_mean" in snapshot.arrays:
        generation = restore_strategy(es, snapshot.arrays, state)
        world.feature_mean[:], world.feature_scale[:] = snapshot.arrays["c_mean"], snapshot.arrays["c_scale"]
    curve = {k: list(state.get(k, [])) for k in ("real_return", "dream_return")}
    cap = config.steps_per_epoch or 0
    v_steps, m_steps, generations = (min(n, cap) if cap else n for n in
                                     (hp["vae_steps"], hp["rnn_steps"], hp["generations"]))
    total = v_steps + m_steps + generations
    ctx.emit(events.RunStarted(ctx.run_dir.path, config.to_dict(), "CPU (own loop)", config.epochs,
                               ctx.initial_epoch, total,
                               int(sum(n.count_params() for n in world.networks.values()))))
    stopped, last_view = False, 0.0
    for epoch in range(ctx.initial_epoch, config.epochs):
        if _halted(ctx):
            stopped = True
            break
        started, logs = time.perf_counter(), {}
        ctx.emit(events.Status(f"epoch {epoch + 1}: collecting {hp['rollouts']} random rollouts"))
        episodes += collect_rollouts(source, config.seed, len(episodes), hp["rollouts"], world.size,
                                     hp["max_steps"])
        frames = np.concatenate([e["frames"] for e in episodes])
        step = 0
        for i in range(v_steps):  # V
            if _halted(ctx):
                break
            rng = rng_for(config.seed, _V_BATCH, epoch, i)
            logs.update(_mean_into(logs, world.train_vae_step(
                frames[rng.integers(len(frames), size=min(config.batch_size, len(frames)))], rng), i))
            step += 1
            ctx.emit(events.BatchEnd(epoch, step, total, dict(logs)))
        data = world.sequences(episodes) if not ctx.control.stop_requested else None
        for i in range(m_steps if data is not None else 0):  # M
            if _halted(ctx):
                break
            rng = rng_for(config.seed, _M_BATCH, epoch, i)
            rows = rng.integers(len(episodes), size=min(config.batch_size, len(episodes)))
            logs.update(_mean_into(logs, world.train_rnn_step(data, rows), i))
            step += 1
            ctx.emit(events.BatchEnd(epoch, step, total, dict(logs)))
        starts = data[0][:, 0] if data is not None else None
        if data is not None:
            world.standardise(data[0][data[4] > 0])
        for i in range(generations):  # C
            if _halted(ctx):
                break
            real, dreamed = cma_generation(world, es, normal, generation, source, hp, config.seed, starts)
            curve["real_return"].append(real)
            logs["c_real_return"] = real
            if dreamed is not None:
                curve["dream_return"].append(dreamed)
                logs["c_dream_return"] = dreamed
            generation += 1
            step += 1
            ctx.emit(events.BatchEnd(epoch, step, total, dict(logs)))
            if time.perf_counter() - last_view > VIEW_SECONDS:
                ctx.emit(_returns_view(curve, epoch + 1))
                last_view = time.perf_counter()
        if ctx.control.stop_requested:
            stopped = True
            break
        world.set_controller(np.asarray(es.mean, np.float32))
        ctx.end_epoch(epoch, logs, time.perf_counter() - started)
        ctx.emit(_returns_view(curve, epoch + 1))
        ctx.emit(_frames_view(world, episodes[-1], hp["temperature"], rng_for(config.seed, _VIEW, epoch),
                              epoch + 1))
        arrays, cma_state = strategy_arrays(es, generation)
        ctx.save_point(epoch + 1, world.networks, world.optimizers,
                       arrays={**pack_episodes(episodes), **arrays, "c_mean": world.feature_mean,
                               "c_scale": world.feature_scale}, state={**cma_state, **curve})
    world.set_controller(np.asarray(es.mean, np.float32))
    return ctx.finish(world.agent(), stopped=stopped,
                      networks={**world.networks, "encoder": world.encoder, "decoder": world.decoder})


train_world_models.resumable = True  # V, M, their optimizers, C, the rollouts and CMA-ES's state


def _halted(ctx) -> bool:
    ctx.control.wait_while_paused()
    return ctx.control.stop_requested


def _mean_into(logs: dict, new: dict, count: int) -> dict:
    """Running means over an epoch's steps (``count`` steps already in ``logs``)."""
    return {k: (logs.get(k, 0.0) * count + v) / (count + 1) for k, v in new.items()}


def _returns_view(curve: dict, epoch: int) -> View:
    series = {}
    for key, label in (("real_return", "mean controller, real environment"),
                       ("dream_return", "candidates, in the dream (mean)")):
        if curve[key]:
            series[label] = (np.arange(1, len(curve[key]) + 1), curve[key])
    if not series:
        series["mean controller, real environment"] = (np.zeros(0), np.zeros(0))
    return View("controller_returns", Curves(series, "CMA-ES generation", "return"),
                "Controller's return over CMA-ES generations", step=epoch)


def _frames_view(world: WorldModel, episode: dict, temperature: float, rng, epoch: int) -> View:
    """Real frames, V's reconstructions, and frames decoded from M's dream of the same
    actions (open loop from the same first z), at a few time steps side by side."""
    frames = episode["frames"]
    length = len(episode["actions"])
    times = np.unique(np.linspace(0, length, min(VIEW_STEPS, length + 1)).round().astype(int))
    z = world.encode(frames)
    reconstructed = np.asarray(world.decoder(z[times], training=False))[..., 0]
    _, dreamed_z = world.dream(np.zeros((1, world.parameters), np.float32), z[:1], length, temperature, rng,
                               actions=episode["actions"])
    dreamed = np.asarray(world.decoder(dreamed_z[0, times], training=False))[..., 0]
    images = np.concatenate([frames[times] / 255.0, reconstructed, dreamed])
    captions = ([f"real {t}" for t in times] + [f"reconstructed {t}" for t in times]
                + [f"dreamed {t}" for t in times])
    return View("real_reconstructed_dreamed", ImageGrid(images, captions, columns=len(times)),
                "Real frames, V's reconstructions, and M's dream of the same actions", step=epoch)
