"""Catalog section D, part 1: recurrent networks and sequence-to-sequence with attention."""

from workbench.catalog.registry import Entry, HParam, register

FAMILY = "D. Sequences, language and audio"

_UNITS = HParam("units", int, 32, "Size of the hidden state h_t", low=1, high=1024)
_LEARNING_RATE = HParam("learning_rate", float, 0.01, "Step size", low=1e-6, high=10.0, log=True)
#: The notes' RNN exercise (001 4_3): input dropout 0.5 and recurrent dropout 0.3.
_RNN_DROPOUTS = (HParam("input_dropout", float, 0.0, "Dropout on the inputs x_t", low=0.0, high=0.95),
                 HParam("recurrent_dropout", float, 0.0, "Dropout on the carried state h_(t-1)", low=0.0, high=0.95))
_RECURRENT_DATA = {"data_kinds": ("sequence",), "default_data": "long_gap",
                   "trainer": "workbench.models.sequence.recurrent:train_recurrent",
                   "smoke": {"units": 4}}
_GRADIENT_VIEW = (" Each epoch it draws the gradient norm ||dL/dh_t|| over the time steps for one "
                  "validation batch (the view the hand-written BPTT entry draws too).")

register(Entry(
    name="simple_rnn",
    display_name="SimpleRNN (Elman network)",
    family=FAMILY,
    task="sequence",
    summary=(
        "h_t = tanh(x_t W + h_(t-1) U + b): one hidden state carried from step to step. Trained by "
        "backpropagation through time, the error reaching step t is multiplied by U^T diag(f') once per "
        "step in between, so over a long gap it vanishes and the first symbol of long_gap is forgotten "
        "(chance accuracy)." + _GRADIENT_VIEW
    ),
    paper="Elman, Finding structure in time, Cognitive Science 1990; Bengio, Simard & Frasconi, "
          "Learning long-term dependencies with gradient descent is difficult, IEEE TNN 1994",
    builder="workbench.models.sequence.recurrent:build_simple_rnn",
    hparams=(_UNITS, _LEARNING_RATE, *_RNN_DROPOUTS),
    **_RECURRENT_DATA,
))

register(Entry(
    name="lstm",
    display_name="LSTM (long short-term memory)",
    family=FAMILY,
    task="sequence",
    summary=(
        "A memory cell c_t = f_t * c_(t-1) + i_t * g_t updated additively (the constant error carousel) "
        "behind input, forget and output gates, h_t = o_t * tanh(c_t): the error flows back along c "
        "scaled only by the forget gate, so long_gap is solved over gaps where SimpleRNN is at chance. "
        "peephole=true uses a cell written here whose gates also see the cell state (Gers & Schmidhuber); "
        "forget_bias sets how open the forget gates start."
        + _GRADIENT_VIEW
    ),
    paper="Hochreiter & Schmidhuber, Long short-term memory, Neural Computation 1997; Gers & "
          "Schmidhuber, Recurrent nets that time and count, IJCNN 2000",
    builder="workbench.models.sequence.recurrent:build_lstm",
    hparams=(_UNITS, HParam("peephole", bool, False, "Gates i, f, o also see the cell state c (peephole "
                                                      "connections)"),
             # 3, not Keras's 1: at sigmoid(1) = 0.73 per step almost no error survives a gap of
             # 25-50 steps at the start, and the LSTM never finds the first symbol (recurrent_gap.py)
             HParam("forget_bias", float, 3.0, "Initial forget-gate bias: f starts at sigmoid(b) = 0.95; 1 "
                                               "is Keras's default (0.73), which forgets long gaps at first",
                    low=-10.0, high=10.0),
             _LEARNING_RATE),
    **_RECURRENT_DATA,
))

register(Entry(
    name="gru",
    display_name="GRU (gated recurrent unit)",
    family=FAMILY,
    task="sequence",
    summary=(
        "An update gate z and a reset gate r: h_t interpolates between h_(t-1) and a candidate computed "
        "from r * h_(t-1). The same additive path as the LSTM's carousel with one state and fewer "
        "weights; it too keeps the first symbol of long_gap where SimpleRNN loses it." + _GRADIENT_VIEW
    ),
    paper="Cho et al., Learning phrase representations using RNN encoder-decoder for statistical "
          "machine translation, EMNLP 2014",
    builder="workbench.models.sequence.recurrent:build_gru",
    hparams=(_UNITS, _LEARNING_RATE),
    **_RECURRENT_DATA,
))

register(Entry(
    name="bidirectional",
    display_name="Bidirectional RNN",
    family=FAMILY,
    task="sequence",
    summary=(
        "Two recurrent layers, one reading left to right and one right to left, their states "
        "concatenated at every step: the output at step t sees the inputs after t as well. On lookahead "
        "(label = the symbol a few steps ahead) it reaches full accuracy where its one-way cell stays at "
        "chance on those steps (val_ahead_accuracy)." + _GRADIENT_VIEW
    ),
    paper="Schuster & Paliwal, Bidirectional recurrent neural networks, IEEE Trans. Signal Processing 1997",
    builder="workbench.models.sequence.recurrent:build_bidirectional",
    hparams=(_UNITS, HParam("cell", str, "lstm", "The recurrent layer in each direction",
                            choices=("simple_rnn", "lstm", "gru")), _LEARNING_RATE),
    data_kinds=("sequence",),
    default_data="lookahead",
    trainer="workbench.models.sequence.recurrent:train_recurrent",
    smoke={"units": 4},
))

_SEQ2SEQ_HPARAMS = (
    HParam("units", int, 64, "Size of the encoder's and the decoder's LSTM states", low=1, high=1024),
    HParam("embedding_dim", int, 32, "Size of each token's embedding", low=1, high=512),
    HParam("example", int, 0, "The validation example whose decoding (and attention) is shown each epoch",
           low=0, high=1_000_000),
    HParam("learning_rate", float, 0.005, "Step size", low=1e-6, high=10.0, log=True),
)
_SEQ2SEQ_HOOKS = {"predict_text": "workbench.models.sequence.seq2seq:predict_text"}

register(Entry(
    name="seq2seq",
    display_name="Seq2Seq (LSTM encoder-decoder)",
    family=FAMILY,
    task="sequence",
    summary=(
        "An encoder LSTM reads the source string and hands its final state to a decoder LSTM that writes "
        "the answer token by token. Trained with teacher forcing (the decoder is fed <start> and the true "
        "answer, shifted by one); at inference it decodes greedily, feeding back its own argmax until "
        "<end>. The whole source must fit in one state, so accuracy drops as inputs get longer. "
        "predict: keras-workbench predict RUN --text 1234."
    ),
    paper="Sutskever, Vinyals & Le, Sequence to sequence learning with neural networks, NeurIPS 2014",
    builder="workbench.models.sequence.seq2seq:build_seq2seq",
    trainer="workbench.models.sequence.seq2seq:train_seq2seq",
    hparams=_SEQ2SEQ_HPARAMS,
    data_kinds=("sequence",),
    default_data="reverse_digits",
    smoke={"units": 8, "embedding_dim": 4},
    hooks=_SEQ2SEQ_HOOKS,
))

register(Entry(
    name="seq2seq_attention",
    display_name="Seq2Seq with attention (Bahdanau / Luong)",
    family=FAMILY,
    task="sequence",
    summary=(
        "The encoder-decoder with attention: at each output step the decoder state scores every encoder "
        "state (additive, v^T tanh(W_q s + W_k h), Bahdanau; or dot product s.h, Luong), a softmax over the "
        "source positions (padding gets weight 0) weights their mean, and the prediction reads it too. "
        "Nothing has to fit in one state, so long inputs stay right; the attention matrix of a validation "
        "example is drawn each epoch, output symbols by input symbols (reversal draws the anti-diagonal)."
    ),
    paper="Bahdanau, Cho & Bengio, Neural machine translation by jointly learning to align and translate, "
          "ICLR 2015; Luong, Pham & Manning, Effective approaches to attention-based neural machine "
          "translation, EMNLP 2015",
    builder="workbench.models.sequence.seq2seq:build_seq2seq_attention",
    trainer="workbench.models.sequence.seq2seq:train_seq2seq",
    hparams=(HParam("score", str, "additive", "additive (Bahdanau) or dot (Luong) attention score",
                    choices=("additive", "dot")),
             HParam("attention_units", int, 32, "Hidden size of the additive score (W_q, W_k, v)",
                    low=1, high=1024),
             *_SEQ2SEQ_HPARAMS),
    data_kinds=("sequence",),
    default_data="reverse_digits",
    smoke={"units": 8, "embedding_dim": 4, "attention_units": 4},
    hooks=_SEQ2SEQ_HOOKS,
))
