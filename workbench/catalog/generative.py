"""Catalog section E: generative models (autoencoders, VAEs, GANs, autoregressive models)."""

from workbench.catalog.registry import Entry, HParam, register

FAMILY = "E. Generative models"

register(Entry(
    name="pixelcnn",
    display_name="PixelCNN (masked convolutions; a prior over VQ-VAE codes)",
    family=FAMILY,
    task="generation",
    summary=(
        "An autoregressive image model: p(x) = prod p(x_i | x_<i) over the pixels in raster order, "
        "each a softmax over the pixel's levels (the digits quantised to 4 gray levels, or 2 = "
        "binarised). Masked convolutions compute every conditional in one pass: the first layer's "
        "type-A mask hides the pixel itself and everything after it, the type-B residual blocks "
        "keep the centre. Sampling goes pixel by pixel. With prior_for=RUN_DIR (a vq_vae run) it "
        "learns the prior over that VQ-VAE's code maps; samples are decoded by its decoder. "
        "Likelihood in bits per dimension."
    ),
    paper="van den Oord, Kalchbrenner, Kavukcuoglu, Pixel Recurrent Neural Networks, ICML 2016; "
          "van den Oord, Vinyals, Kavukcuoglu, Neural Discrete Representation Learning, NeurIPS 2017",
    builder="workbench.models.generative.pixelcnn:build_pixelcnn",
    trainer="workbench.models.generative.pixelcnn:train_pixelcnn",
    hparams=(
        HParam("levels", int, 4, "Gray levels the pixels are quantised to (2 = binarised; with "
               "prior_for the levels are the VQ-VAE's K codes)", choices=(2, 4, 8, 16)),
        HParam("filters", int, 32, "Channels h of the residual blocks (2h between them)", low=2, high=512),
        HParam("residual_blocks", int, 4, "Type-B masked residual blocks after the type-A layer", low=0, high=30),
        HParam("first_kernel", int, 5, "Kernel of the first (type A) masked convolution (odd: it has a "
               "centre pixel)", choices=(3, 5, 7, 9, 11)),
        HParam("sample_every", int, 5, "Draw the sample grid every this many epochs (and at the end)",
               low=1, high=10000),
        HParam("prior_for", str, "", "A vq_vae run directory: learn the prior over its code maps"),
    ),
    data_kinds=("image",),
    smoke={"filters": 4, "residual_blocks": 1, "first_kernel": 3},
))

register(Entry(
    name="generative_replay",
    display_name="Deep Generative Replay (continual learning)",
    family=FAMILY,
    task="classification",
    summary=(
        "Continual learning on a sequence of tasks (the digits split into pairs of classes: 0/1, "
        "2/3, ...) seen one after the other. A scholar is a generator and a solver: for each new "
        "task the generator learns the new images mixed with samples of the previous generator, "
        "and the solver learns the new labelled images mixed with replayed images labelled by the "
        "previous solver. Without replay the solver forgets the earlier tasks (catastrophic "
        "forgetting); generator=real replays stored real images, the upper bound. One epoch = one "
        "task; the task-by-task accuracy table is shown after each."
    ),
    paper="Shin, Lee, Kim, Kim, Continual Learning with Deep Generative Replay, NeurIPS 2017",
    builder="workbench.models.generative.generative_replay:build_solver",
    trainer="workbench.models.generative.generative_replay:train_generative_replay",
    hparams=(
        HParam("tasks", int, 5, "Tasks of two classes each, learned in order (epochs caps how many)",
               low=1, high=50),
        HParam("replay", bool, True, "Replay earlier tasks while learning a new one (false: forgetting)"),
        HParam("replay_ratio", float, 0.0, "Fraction of each batch replayed (0 = t/(t+1): every seen task "
               "weighs the same)", low=0.0, high=0.95),
        HParam("generator", str, "vae", "What replays: a VAE, a GAN, or stored real images (upper bound)",
               choices=("vae", "gan", "real")),
        HParam("solver_epochs", int, 10, "Passes over each task's data for the solver", low=1, high=10000),
        HParam("generator_epochs", int, 30, "Passes over each task's data for the generator", low=1, high=10000),
        HParam("solver_units", int, 64, "Hidden units of the solver (an MLP)", low=1, high=4096),
        HParam("generator_units", int, 128, "Hidden units of the generator (and encoder/discriminator)",
               low=1, high=4096),
        HParam("latent_dim", int, 8, "Dimensions of the generator's noise z", low=1, high=512),
    ),
    data_kinds=("image",),
    smoke={"solver_epochs": 1, "generator_epochs": 1, "solver_units": 8, "generator_units": 8,
           "latent_dim": 2},
))

register(Entry(
    name="world_models",
    display_name="World Models (V: VAE, M: MDN-RNN, C: CMA-ES controller, dreaming)",
    family=FAMILY,
    task="rl",
    summary=(
        "An agent that learns a model of its world and can learn to act inside it. V, a convolutional "
        "VAE, compresses each rendered frame to z; M, an LSTM with a mixture-density output (K Gaussians "
        "per latent dimension), predicts the next z and whether the episode ends from (z, action); C, a "
        "linear map [z, h] -> action, is searched by CMA-ES. Each epoch collects random-policy "
        "rollouts, trains V, then M, then runs CMA-ES generations; with dream=true the candidates are "
        "scored in episodes dreamed by M (temperature tau), and the mean controller is always played in "
        "the real environment. The paper used CarRacing and VizDoom; CartPole-v1 here (Box2D is not "
        "installed), its frames in gray."
    ),
    paper="Ha, Schmidhuber, Recurrent World Models Facilitate Policy Evolution, NeurIPS 2018 "
          "(arXiv:1803.10122 World Models); Hansen, The CMA Evolution Strategy: A Tutorial, 2016",
    builder="workbench.models.generative.world_models:build_world_model",
    trainer="workbench.models.generative.world_models:train_world_models",
    hparams=(
        HParam("frame_size", int, 32, "Frames are resized to this many pixels square (gray)", choices=(16, 32, 48, 64)),
        HParam("latent_size", int, 8, "Size of V's latent z", low=1, high=256),
        HParam("kl_tolerance", float, 0.5, "V's KL is not penalised below this many nats a latent dimension "
               "(the paper's free bits)", low=0.0, high=10.0),
        HParam("mixtures", int, 5, "Gaussians K in M's mixture, per latent dimension", low=1, high=32),
        HParam("hidden_size", int, 32, "Units of M's LSTM (h is C's second input)", low=1, high=1024),
        HParam("rollouts", int, 20, "Random-policy episodes collected each epoch", low=1, high=10000),
        HParam("max_steps", int, 200, "Steps at most in a collected, real or dreamed episode", low=1, high=10000),
        HParam("vae_steps", int, 200, "V's minibatch steps each epoch", low=0, high=1000000),
        HParam("rnn_steps", int, 200, "M's minibatch steps (batches of episodes) each epoch", low=0, high=1000000),
        HParam("generations", int, 10, "CMA-ES generations of C each epoch", low=0, high=100000),
        HParam("population", int, 8, "CMA-ES population (candidate controllers per generation)", low=2, high=1024),
        HParam("cma_sigma", float, 0.5, "CMA-ES's initial step size", low=1e-4, high=100.0, log=True),
        HParam("eval_episodes", int, 3, "Real episodes the mean controller plays each generation", low=1, high=1000),
        HParam("dream", bool, True, "Score the candidates inside M (dreams) rather than in the real environment"),
        HParam("temperature", float, 1.2, "Dream temperature tau: logits / tau, variances x tau; above 1 the "
               "dream is harder than M's average, so C cannot exploit M's mistakes (paper: 1.15 on Doom)",
               low=0.01, high=10.0),
    ),
    data_kinds=("environment",),
    default_data="CartPole-v1",
    smoke={"frame_size": 16, "latent_size": 2, "mixtures": 2, "hidden_size": 4, "rollouts": 2,
           "max_steps": 8, "population": 4, "eval_episodes": 1},
))

_AE_NETWORK = (
    HParam("filters", int, 16, "Channels of the first convolution (doubled at the second)", low=1, high=512),
    HParam("hidden", int, 64, "Units of the dense layer between the convolutions and the code", low=1, high=4096),
)

register(Entry(
    name="autoencoder",
    display_name="Autoencoder",
    family=FAMILY,
    task="generation",
    summary=(
        "An encoder (strided convolutions, then dense layers) squeezes each image into a code of "
        "`latent` numbers and a decoder (transposed convolutions) rebuilds the image from it; both are "
        "trained to reproduce the input (binary cross-entropy summed over the pixels). The smaller the "
        "code, the more the network must keep only what matters. Shows validation images beside their "
        "reconstructions as it trains. `sample` decodes codes drawn from a Gaussian fitted to the "
        "validation codes (a plain autoencoder has no prior of its own)."
    ),
    paper="Hinton, Salakhutdinov, Reducing the Dimensionality of Data with Neural Networks, Science 2006",
    builder="workbench.models.generative.autoencoder:build_autoencoder",
    trainer="workbench.models.generative.autoencoder:train_autoencoder",
    hparams=(HParam("latent", int, 8, "Size of the code (the bottleneck)", low=1, high=1024), *_AE_NETWORK),
    data_kinds=("image",),
    smoke={"latent": 2, "filters": 2, "hidden": 8},
))

register(Entry(
    name="vae",
    display_name="Variational autoencoder (VAE, beta-VAE)",
    family=FAMILY,
    task="generation",
    summary=(
        "The encoder gives a Gaussian N(mu, sigma^2) over the code of each image; a code is drawn with "
        "the reparameterisation trick z = mu + sigma * eps, eps ~ N(0, I), so the gradient reaches mu "
        "and log sigma^2. Loss = reconstruction + beta * KL(q(z|x) || N(0, I)), both plotted. Shows "
        "reconstructions, a traversal grid over the two most used latent dimensions, the interpolation "
        "between two validation images and the validation means coloured by class. New images: "
        "z ~ N(0, I) decoded. beta > 1 is the beta-VAE (more disentangled, blurrier)."
    ),
    paper="Kingma, Welling, Auto-Encoding Variational Bayes, ICLR 2014; Higgins et al., beta-VAE, ICLR 2017",
    builder="workbench.models.generative.vae:build_vae",
    trainer="workbench.models.generative.vae:train_vae",
    hparams=(
        HParam("latent", int, 4, "Dimensions of z", low=1, high=1024),
        HParam("beta", float, 1.0, "Weight of the KL term (1 = VAE, > 1 = beta-VAE)", low=0.0, high=1000.0),
        *_AE_NETWORK,
        HParam("interpolate_from", int, 0, "Validation image the interpolation view starts from", low=0),
        HParam("interpolate_to", int, 1, "Validation image the interpolation view ends at", low=0),
    ),
    data_kinds=("image",),
    smoke={"latent": 2, "filters": 2, "hidden": 8},
))

register(Entry(
    name="vq_vae",
    display_name="VQ-VAE (vector-quantised codes)",
    family=FAMILY,
    task="generation",
    summary=(
        "The encoder gives a grid of vectors z_e; each is replaced by the nearest of `codebook_size` "
        "learned embeddings. argmin has no gradient, so the decoder's gradient is copied straight "
        "through to the encoder (z_q = z_e + sg(q - z_e)). Loss = reconstruction + ||sg[z_e] - e||^2 "
        "(vq_loss, moves the codebook) + beta * ||z_e - sg[e]||^2 (commitment). Shows reconstructions "
        "and how often each code is used, with the perplexity of code use. `sample` decodes uniformly "
        "random code grids (a PixelCNN run with prior_for=this run learns a real prior)."
    ),
    paper="van den Oord, Vinyals, Kavukcuoglu, Neural Discrete Representation Learning, NeurIPS 2017",
    builder="workbench.models.generative.vq_vae:build_vq_vae",
    trainer="workbench.models.generative.vq_vae:train_vq_vae",
    hparams=(
        HParam("codebook_size", int, 32, "Embeddings K in the codebook", low=2, high=65536),
        HParam("embedding_dim", int, 8, "Dimension D of each embedding (and of z_e)", low=1, high=1024),
        HParam("beta", float, 0.25, "Weight of the commitment loss", low=0.0, high=100.0),
        HParam("filters", int, 16, "Channels of the first convolution (doubled at the second)", low=1, high=512),
    ),
    data_kinds=("image",),
    smoke={"codebook_size": 4, "embedding_dim": 2, "filters": 2},
))

register(Entry(
    name="gan",
    display_name="GAN (generator vs discriminator, multilayer perceptrons)",
    family=FAMILY,
    task="generation",
    summary=(
        "Two networks play a minimax game: the generator G turns noise z ~ N(0, I) into images, the "
        "discriminator D learns to tell them from real ones, and G learns to fool D (the non-saturating "
        "loss -log D(G(z))). One step of each per batch, each with its own Adam optimizer; d_loss and "
        "g_loss are plotted, and a grid generated from one fixed noise batch refreshes while they learn. "
        "Multilayer perceptrons on the flattened images."
    ),
    paper="Goodfellow et al., Generative Adversarial Nets, NeurIPS 2014",
    builder="workbench.models.generative.gan:build_gan",
    trainer="workbench.models.generative.gan:train_adversarial",
    hparams=(
        HParam("latent_dim", int, 32, "Dimensions of the noise z", low=1, high=1024),
        HParam("hidden_units", str, "256,256", "Units per hidden layer of both networks, comma separated"),
        HParam("learning_rate", float, 2e-4, "Step size of both networks", low=1e-6, high=10.0, log=True),
        HParam("beta_1", float, 0.5, "Adam's first-moment decay (0.5 for GANs, as DCGAN)", low=0.0, high=0.999),
    ),
    data_kinds=("image",),
    smoke={"latent_dim": 4, "hidden_units": "8"},
))

register(Entry(
    name="dcgan",
    display_name="DCGAN (deep convolutional GAN)",
    family=FAMILY,
    task="generation",
    summary=(
        "The GAN game with convolutional networks and the paper's recipe: a generator of stride-2 "
        "transposed convolutions from an (H/4, W/4) map, a discriminator of stride-2 convolutions, "
        "batch normalisation in both, ReLU in the generator (tanh output), LeakyReLU(0.2) in the "
        "discriminator, Adam(2e-4, beta_1 = 0.5). Image height and width must be multiples of 4."
    ),
    paper="Radford, Metz, Chintala, Unsupervised Representation Learning with Deep Convolutional "
          "Generative Adversarial Networks, ICLR 2016",
    builder="workbench.models.generative.dcgan:build_dcgan",
    trainer="workbench.models.generative.gan:train_adversarial",
    hparams=(
        HParam("latent_dim", int, 32, "Dimensions of the noise z", low=1, high=1024),
        HParam("filters", int, 64, "Channels of the first convolution (doubled in the second)", low=1, high=1024),
        HParam("learning_rate", float, 2e-4, "Step size of both networks", low=1e-6, high=10.0, log=True),
        HParam("beta_1", float, 0.5, "Adam's first-moment decay (the paper's 0.5)", low=0.0, high=0.999),
    ),
    data_kinds=("image",),
    smoke={"latent_dim": 4, "filters": 2},
))

register(Entry(
    name="wgan",
    display_name="WGAN (Wasserstein GAN: weight clipping, or WGAN-GP)",
    family=FAMILY,
    task="generation",
    summary=(
        "A critic without sigmoid estimates the Earth-Mover distance W1 = sup over 1-Lipschitz f of "
        "E[f(real)] - E[f(fake)]; that estimate (wasserstein) is plotted and, unlike a GAN's losses, "
        "falls as the samples improve. n_critic critic steps per generator step. The Lipschitz bound: "
        "every critic weight clipped into [-clip, clip] after each critic step (RMSProp), or with "
        "gradient_penalty=true lambda = 10 times (||grad f(x_hat)|| - 1)^2 between real and fake "
        "samples (WGAN-GP, Adam(0, 0.9), no clipping). The run starts by showing the notes' 1-D "
        "theory: for point masses at 0 and theta, JS stays log 2 while W1 = |theta| shrinks."
    ),
    paper="Arjovsky, Chintala, Bottou, Wasserstein Generative Adversarial Networks, ICML 2017; "
          "Gulrajani et al., Improved Training of Wasserstein GANs, NeurIPS 2017",
    builder="workbench.models.generative.wgan:build_wgan",
    trainer="workbench.models.generative.wgan:train_wgan",
    hparams=(
        HParam("latent_dim", int, 32, "Dimensions of the noise z", low=1, high=1024),
        HParam("architecture", str, "dcgan", "Convolutional networks (DCGAN's, no batch norm in the critic) "
               "or multilayer perceptrons", choices=("dcgan", "mlp")),
        HParam("filters", int, 64, "Channels of the first convolution (architecture=dcgan)", low=1, high=1024),
        HParam("hidden_units", str, "256,256", "Units per hidden layer (architecture=mlp), comma separated"),
        HParam("clip", float, 0.01, "Critic weights are clipped into [-clip, clip] after every critic step",
               low=1e-6, high=100.0, log=True),
        HParam("n_critic", int, 5, "Critic steps per generator step", low=1, high=100),
        HParam("gradient_penalty", bool, False, "WGAN-GP: penalise (||grad f|| - 1)^2, lambda = 10, no clipping"),
        HParam("optimizer", str, "paper", "paper = RMSProp when clipping, Adam(beta_1=0, beta_2=0.9) with "
               "the gradient penalty", choices=("paper", "sgd", "momentum", "adagrad", "rmsprop", "adam", "adamw")),
        HParam("learning_rate", float, 1e-4, "Step size of both networks (5e-5 in WGAN, 1e-4 in WGAN-GP)",
               low=1e-6, high=10.0, log=True),
    ),
    data_kinds=("image",),
    smoke={"latent_dim": 4, "filters": 2, "n_critic": 2},
))
