"""Wasserstein GAN (Arjovsky, Chintala & Bottou, 2017) and WGAN-GP (Gulrajani et al., 2017).

The critic f estimates the Earth-Mover distance through its dual form
(Kantorovich-Rubinstein):

    W1(P_r, P_g) = sup_{||f||_L <= 1}  E_{x~P_r}[f(x)] - E_{x~P_g}[f(x)]

so the critic has no sigmoid and minimises E[f(fake)] - E[f(real)], the generator
minimises -E[f(G(z))], and E[f(real)] - E[f(fake)] is the Wasserstein estimate that is
logged (``wasserstein``) and plotted: unlike a GAN's losses it falls as the samples
improve. The critic is trained ``n_critic`` steps per generator step (5 in both papers);
each step draws fresh noise for the batch's real images.

The Lipschitz constraint is enforced either by clipping every critic weight into
[-c, c] after each critic step (the WGAN paper, RMSProp, c = 0.01) or, with
``gradient_penalty=true``, by adding lambda * E[(||grad f(x_hat)||_2 - 1)^2] at points
x_hat on straight lines between real and fake samples (WGAN-GP, lambda = 10, Adam with
beta_1 = 0, beta_2 = 0.9, no clipping, no batch norm in the critic).
"""

from __future__ import annotations

import keras
from keras import ops

from workbench.models.generative.dcgan import check_conv_shape, conv_discriminator, conv_generator
from workbench.models.generative.gan import (GAN, register_gan_sampler, adversarial_optimizer, check_images, hidden_units,
                                             mlp_discriminator, mlp_generator, train_adversarial)

#: WGAN-GP's penalty weight lambda (the paper's value for every experiment).
GP_WEIGHT = 10.0


def build_wgan(hp: dict, info) -> "WGAN":
    if hp["architecture"] == "dcgan":
        shape = check_conv_shape(info, "wgan")
        generator = conv_generator(hp["latent_dim"], shape, hp["filters"])
        critic = conv_discriminator(shape, hp["filters"], batch_norm=False, name="critic")
    else:
        shape = check_images(info, "wgan")
        units = hidden_units(hp)
        generator, critic = mlp_generator(hp["latent_dim"], shape, units), mlp_discriminator(shape, units, "critic")
    return WGAN(generator, critic, latent_dim=hp["latent_dim"], seed=hp.get("seed", 0), clip=hp["clip"],
                n_critic=hp["n_critic"], gradient_penalty=hp["gradient_penalty"], name="wgan")


def clip_weights(network, c: float) -> None:
    """Every trainable weight of ``network`` into [-c, c] (WGAN's crude Lipschitz bound)."""
    for variable in network.trainable_variables:
        variable.assign(ops.clip(variable, -c, c))


def gradient_penalty(critic, real, fake, alpha):
    """E[(||grad_x f(x_hat)||_2 - 1)^2] with x_hat = alpha * real + (1 - alpha) * fake.

    The critic scores each sample on its own (no batch norm), so the gradient of the sum of
    the scores with respect to the batch holds each sample's own input gradient."""
    import tensorflow as tf

    x_hat = ops.convert_to_tensor(alpha * real + (1.0 - alpha) * fake, "float32")
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    norms = ops.sqrt(ops.sum(ops.square(ops.reshape(grads, (ops.shape(grads)[0], -1))), axis=1) + 1e-12)
    return ops.mean(ops.square(norms - 1.0))


@keras.saving.register_keras_serializable(package="workbench")
class WGAN(GAN):
    critic_name = "critic"
    #: Epoch curves the sample-grid callback shows as views of their own.
    live_curves = ("wasserstein",)

    def __init__(self, generator, discriminator, latent_dim: int, seed: int = 0, clip: float = 0.01,
                 n_critic: int = 5, gradient_penalty: bool = False, **kwargs):
        super().__init__(generator, discriminator, latent_dim, seed, **kwargs)
        self.clip, self.n_critic, self.use_gradient_penalty = float(clip), int(n_critic), bool(gradient_penalty)
        self.wasserstein_tracker = keras.metrics.Mean(name="wasserstein")

    @property
    def critic(self):
        return self.discriminator

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker, self.wasserstein_tracker]

    def get_config(self):
        return {**super().get_config(), "clip": self.clip, "n_critic": self.n_critic,
                "gradient_penalty": self.use_gradient_penalty}

    def make_optimizers(self, hp: dict):
        """The papers' optimizers: RMSProp for weight clipping (momentum made the critic
        unstable), Adam(beta_1=0, beta_2=0.9) for the gradient penalty."""
        if self.use_gradient_penalty:
            return tuple(adversarial_optimizer(hp, "adam", beta_1=0.0, beta_2=0.9) for _ in range(2))
        return tuple(adversarial_optimizer(hp, "rmsprop") for _ in range(2))

    @staticmethod
    def discriminator_loss(real_scores, fake_scores):
        return ops.mean(fake_scores) - ops.mean(real_scores)

    @staticmethod
    def generator_loss(fake_scores):
        return -ops.mean(fake_scores)

    def interpolation_weights(self, n, rank: int):
        """alpha ~ U[0, 1], one per sample, broadcast over the image's axes."""
        return keras.random.uniform((n,) + (1,) * (rank - 1), seed=self.seed_generator)

    def penalty(self, real, fake, alpha):
        return GP_WEIGHT * gradient_penalty(self.critic, real, fake, alpha)

    def discriminator_step(self, real, n):
        import tensorflow as tf

        variables = self.critic.trainable_variables
        for _ in range(self.n_critic):
            fake = self.generator(self.noise(n), training=True)
            alpha = self.interpolation_weights(n, len(real.shape)) if self.use_gradient_penalty else None
            with tf.GradientTape() as tape:
                real_scores = self.critic(real, training=True)
                fake_scores = self.critic(fake, training=True)
                loss = self.discriminator_loss(real_scores, fake_scores)
                if self.use_gradient_penalty:
                    loss = loss + self.penalty(real, fake, alpha)
            self.d_optimizer.apply(tape.gradient(loss, variables), variables)
            if not self.use_gradient_penalty:
                clip_weights(self.critic, self.clip)  # after EVERY critic step
        # the last critic step's estimate of W1 (before its update, as in the papers' plots)
        self.wasserstein_tracker.update_state(ops.mean(real_scores) - ops.mean(fake_scores))
        return loss

    def track_scores(self, real_scores, fake_scores) -> None:
        super().track_scores(real_scores, fake_scores)  # d_loss = -W on held-out images (no penalty)
        self.wasserstein_tracker.update_state(ops.mean(real_scores) - ops.mean(fake_scores))


def train_wgan(ctx):
    """The 1-D theory table first (JS stuck at log 2, W1 = |theta|), then the adversarial ``fit``."""
    from workbench.models.generative.gan_theory import theory_view

    if ctx.initial_epoch == 0:
        ctx.emit(theory_view())
    return train_adversarial(ctx)


train_wgan.resumable = True


register_gan_sampler("wgan")
