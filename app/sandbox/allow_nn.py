"""Allow-listed names of ``torch.nn``, ``torch.autograd`` and ``torch.optim`` (data only).

The classes are the real PyTorch classes (users subclass ``nn.Module`` and
``autograd.Function``); what is listed here decides which of them a program can reach, and
which attribute names it may use on modules, optimizers, graph nodes and ``ctx`` objects.
"""

from __future__ import annotations

__all__ = [
    "AUTOGRAD_FUNCTIONAL_MEMBERS",
    "AUTOGRAD_GRAPH_MEMBERS",
    "AUTOGRAD_MEMBERS",
    "FUNCTIONAL_MEMBERS",
    "INIT_MEMBERS",
    "LR_SCHEDULER_MEMBERS",
    "MODULE_DATA_ATTRS",
    "NN_MEMBERS",
    "NN_OBJECT_ATTRS",
    "NN_UTILS_MEMBERS",
    "OPTIM_MEMBERS",
]


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


NN_MEMBERS = _names("""
    Module Sequential ModuleList ModuleDict ParameterList ParameterDict Parameter Identity
    Linear Bilinear Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d MaxPool1d MaxPool2d
    AvgPool1d AvgPool2d AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveMaxPool1d AdaptiveMaxPool2d
    BatchNorm1d BatchNorm2d LayerNorm GroupNorm InstanceNorm1d InstanceNorm2d RMSNorm Dropout
    Dropout1d Dropout2d Embedding EmbeddingBag RNN LSTM GRU RNNCell LSTMCell GRUCell Transformer
    TransformerEncoder TransformerEncoderLayer TransformerDecoder TransformerDecoderLayer
    MultiheadAttention ReLU ReLU6 LeakyReLU PReLU ELU SELU CELU GELU SiLU Mish Sigmoid Tanh
    Softmax Softmin LogSoftmax Softplus Softsign Hardtanh Hardsigmoid Hardswish LogSigmoid GLU
    Threshold Flatten Unflatten Upsample PixelShuffle ZeroPad2d ConstantPad1d ConstantPad2d
    MSELoss L1Loss SmoothL1Loss HuberLoss CrossEntropyLoss NLLLoss BCELoss BCEWithLogitsLoss
    KLDivLoss CosineEmbeddingLoss MarginRankingLoss TripletMarginLoss HingeEmbeddingLoss
    CosineSimilarity PairwiseDistance functional init utils
""")

FUNCTIONAL_MEMBERS = _names("""
    relu relu_ relu6 leaky_relu elu selu celu gelu silu mish sigmoid tanh softmax softmin
    log_softmax softplus softsign hardtanh hardsigmoid hardswish logsigmoid glu threshold
    normalize linear bilinear conv1d conv2d conv3d conv_transpose1d conv_transpose2d max_pool1d
    max_pool2d avg_pool1d avg_pool2d adaptive_avg_pool1d adaptive_avg_pool2d adaptive_max_pool1d
    adaptive_max_pool2d dropout dropout1d dropout2d batch_norm layer_norm group_norm
    instance_norm rms_norm embedding one_hot pad interpolate cross_entropy nll_loss mse_loss
    l1_loss smooth_l1_loss huber_loss binary_cross_entropy binary_cross_entropy_with_logits
    kl_div cosine_similarity pairwise_distance triplet_margin_loss margin_ranking_loss
    cosine_embedding_loss hinge_embedding_loss scaled_dot_product_attention gumbel_softmax unfold
    fold pixel_shuffle
""")

INIT_MEMBERS = _names("""
    uniform_ normal_ constant_ ones_ zeros_ eye_ xavier_uniform_ xavier_normal_ kaiming_uniform_
    kaiming_normal_ orthogonal_ trunc_normal_ calculate_gain
""")

NN_UTILS_MEMBERS = _names(
    "clip_grad_norm_ clip_grad_value_ parameters_to_vector vector_to_parameters"
)

AUTOGRAD_MEMBERS = _names("""
    grad backward Function Variable gradcheck gradgradcheck no_grad enable_grad set_grad_enabled
    inference_mode detect_anomaly set_detect_anomaly functional graph
""")

AUTOGRAD_FUNCTIONAL_MEMBERS = _names("jacobian hessian vjp jvp hvp vhp")

AUTOGRAD_GRAPH_MEMBERS = _names("Node register_multi_grad_hook")

OPTIM_MEMBERS = _names("""
    Optimizer SGD Adam AdamW RMSprop Adagrad Adadelta Adamax NAdam RAdam LBFGS lr_scheduler
""")

LR_SCHEDULER_MEMBERS = _names("""
    StepLR MultiStepLR ExponentialLR CosineAnnealingLR LambdaLR ReduceLROnPlateau OneCycleLR
    LinearLR ConstantLR
""")

# Data attributes of layers: users read them (``model.fc.weight``) and write their own with the
# same names (``self.fc = nn.Linear(...)``, ``self.dropout = ...``), so they are writable.
MODULE_DATA_ATTRS = _names("""
    weight bias training in_features out_features in_channels out_channels kernel_size stride
    padding dilation groups padding_mode num_layers layers layer self_attn multihead_attn linear
    linear1 linear2 norm norm1 norm2 norm3 dropout dropout1 dropout2 dropout3 activation
    hidden_size input_size proj_size weight_ih weight_hh bias_ih bias_hh weight_ih_l0
    weight_hh_l0 bias_ih_l0 bias_hh_l0 embed_dim num_heads head_dim in_proj_weight in_proj_bias
    out_proj batch_first normalized_shape eps momentum running_mean running_var num_features
    affine num_embeddings embedding_dim padding_idx p inplace negative_slope dim encoder decoder
    embedding lstm gru rnn cell conv conv1 conv2 conv3 pool fc fc1 fc2 fc3 relu head heads
    reduction ignore_index label_smoothing lr params
""")

# Methods and read-only attributes of modules, optimizers, schedulers, hook handles, graph
# nodes (``grad_fn``) and ``autograd.Function`` contexts.
NN_OBJECT_ATTRS = _names("""
    parameters named_parameters buffers named_buffers children named_children modules
    named_modules train eval zero_grad forward requires_grad_ state_dict load_state_dict apply
    register_forward_hook register_forward_pre_hook register_full_backward_hook
    register_full_backward_pre_hook register_backward_hook register_buffer register_parameter
    add_module register_module extra_repr append extend insert
    step param_groups state defaults add_param_group get_last_lr last_epoch remove
    next_functions name register_prehook metadata variable
    save_for_backward saved_tensors needs_input_grad mark_dirty mark_non_differentiable
    set_materialize_grads setup_context
""")
