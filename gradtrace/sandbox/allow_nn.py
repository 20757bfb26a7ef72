"""Allow-listed names of ``torch.nn``, ``torch.autograd`` and ``torch.optim`` (data only).

The classes are the real PyTorch classes (users subclass ``nn.Module`` and
``autograd.Function``); what is listed here decides which of them a program can reach, and
which attribute names it may use on modules, optimizers, graph nodes and ``ctx`` objects.
"""

from __future__ import annotations

import re

from gradtrace.sandbox.allow_names import names as _names

__all__ = [
    "AUTOGRAD_FUNCTIONAL_MEMBERS",
    "AUTOGRAD_GRAPH_MEMBERS",
    "AUTOGRAD_MEMBERS",
    "FUNCTIONAL_MEMBERS",
    "INIT_MEMBERS",
    "LR_SCHEDULER_MEMBERS",
    "MODULE_CONSTANTS",
    "MODULE_DATA_ATTRS",
    "NN_MEMBERS",
    "NN_OBJECT_ATTRS",
    "NN_UTILS_MEMBERS",
    "OPTIM_MEMBERS",
    "PARAMETRIZATIONS_MEMBERS",
    "PARAMETRIZE_MEMBERS",
    "RNN_UTILS_MEMBERS",
    "RUNTIME_ATTRIBUTE_PATTERN",
]



# Left out on purpose: ``CTCLoss``/``ctc_loss`` (its targets index the log-probabilities
# without a bounds check: a label past the classes reads memory outside the tensor,
# measured), lazy modules (uninitialised parameters), ``SyncBatchNorm`` (distributed).
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
    Conv3d ConvTranspose3d MaxPool3d AvgPool3d AdaptiveAvgPool3d AdaptiveMaxPool3d BatchNorm3d
    InstanceNorm3d LocalResponseNorm AlphaDropout FeatureAlphaDropout Dropout3d Softmax2d
    Hardshrink Softshrink Tanhshrink RReLU Fold Unfold PixelUnshuffle ChannelShuffle
    UpsamplingNearest2d UpsamplingBilinear2d ReflectionPad1d ReflectionPad2d ReplicationPad1d
    ReplicationPad2d ZeroPad1d CircularPad1d CircularPad2d LPPool1d LPPool2d MaxUnpool1d
    MaxUnpool2d PoissonNLLLoss GaussianNLLLoss SoftMarginLoss MultiMarginLoss
    MultiLabelMarginLoss MultiLabelSoftMarginLoss TripletMarginWithDistanceLoss Buffer
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
    conv_transpose3d max_pool3d avg_pool3d adaptive_avg_pool3d adaptive_max_pool3d
    local_response_norm alpha_dropout feature_alpha_dropout dropout3d hardshrink softshrink
    tanhshrink rrelu pixel_unshuffle channel_shuffle affine_grid grid_sample lp_pool1d
    lp_pool2d max_unpool1d max_unpool2d poisson_nll_loss gaussian_nll_loss
    soft_margin_loss multi_margin_loss multilabel_margin_loss multilabel_soft_margin_loss
    triplet_margin_with_distance_loss elu_ leaky_relu_ hardtanh_ threshold_
    prelu upsample upsample_nearest upsample_bilinear pdist
""")

INIT_MEMBERS = _names("""
    uniform_ normal_ constant_ ones_ zeros_ eye_ xavier_uniform_ xavier_normal_ kaiming_uniform_
    kaiming_normal_ orthogonal_ trunc_normal_ calculate_gain dirac_ sparse_
""")

# ``nn.utils``: gradient clipping, weight/spectral norm, parametrizations and packed
# sequences. Left out: ``skip_init`` (builds a module on uninitialised memory), the
# ``fuse_*``/``convert_*`` inference helpers and ``stateless`` (``torch.func.functional_call``
# is its replacement).
NN_UTILS_MEMBERS = _names("""
    clip_grad_norm_ clip_grad_norm clip_grad_value_ get_total_norm clip_grads_with_norm_
    parameters_to_vector vector_to_parameters weight_norm remove_weight_norm spectral_norm
    remove_spectral_norm parametrize parametrizations rnn
""")

# ``register_parametrization`` runs the program's own module on the program's parameter.
# ``transfer_parametrizations_and_params`` and ``type_before_parametrizations`` are rare
# helpers left out.
PARAMETRIZE_MEMBERS = _names(
    "register_parametrization remove_parametrizations is_parametrized cached"
)

PARAMETRIZATIONS_MEMBERS = _names("orthogonal spectral_norm weight_norm")

# ``pad_packed_sequence`` is served by a checking wrapper (``facade_guards``): torch's C++
# padding trusts a PackedSequence's ``batch_sizes``, which a program can build or change,
# and writes out of bounds when they are inconsistent. ``unpack_sequence`` calls the
# unchecked one internally, so it is left out (``pad_packed_sequence`` + a list does it).
RNN_UTILS_MEMBERS = _names("""
    PackedSequence pack_padded_sequence pad_packed_sequence pad_sequence pack_sequence
    unpad_sequence invert_permutation
""")

AUTOGRAD_MEMBERS = _names("""
    grad backward Function Variable gradcheck gradgradcheck no_grad enable_grad set_grad_enabled
    inference_mode detect_anomaly set_detect_anomaly functional graph forward_ad function
    profiler
""")

AUTOGRAD_FUNCTIONAL_MEMBERS = _names("jacobian hessian vjp jvp hvp vhp")

AUTOGRAD_GRAPH_MEMBERS = _names("Node register_multi_grad_hook")

OPTIM_MEMBERS = _names("""
    Optimizer SGD Adam AdamW RMSprop Adagrad Adadelta Adamax NAdam RAdam LBFGS lr_scheduler
    SparseAdam ASGD Rprop Adafactor
""")

LR_SCHEDULER_MEMBERS = _names("""
    StepLR MultiStepLR ExponentialLR CosineAnnealingLR LambdaLR ReduceLROnPlateau OneCycleLR
    LinearLR ConstantLR CyclicLR CosineAnnealingWarmRestarts SequentialLR ChainedScheduler
    PolynomialLR MultiplicativeLR LRScheduler
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
    num_batches_tracked parametrizations original original0 original1 weight_orig weight_u
    weight_v weight_g q_proj_weight k_proj_weight v_proj_weight bias_k bias_v kdim vdim
    add_zero_attn
""")

# Hyperparameters that layers keep as attributes: the union of the ``__constants__`` that
# PyTorch itself declares on its nn classes (``tests/sandbox/test_policy_widened.py`` keeps
# this in step with torch). Readable everywhere, writable only on ``self`` like methods.
MODULE_CONSTANTS = _names("""
    align_corners alpha approximate beta bidirectional blank ceil_mode count_include_pad delta
    divisor_override downscale_factor elementwise_affine end_dim full in1_features
    in2_features include_last_offset k keepdim lambd log_input lower margin max_norm max_val
    min_val mode name nonlinearity norm_first norm_type num_channels num_classes num_groups
    num_parameters output_padding output_ratio output_size recompute_scale_factor
    return_indices scale_factor scale_grad_by_freq size sparse start_dim swap threshold
    track_running_stats unflattened_size upper upscale_factor value
""")

# Parameter names that recurrent layers make up from their configuration: ``weight_ih_l1``,
# ``weight_hh_l0_reverse``, ``bias_ih_l2_reverse``, ``weight_hr_l0`` (projections). They are
# data (parameters), so every name of that form is allowed and writable like ``weight``.
RUNTIME_ATTRIBUTE_PATTERN = re.compile(r"(weight|bias)_(ih|hh|hr)_l\d{1,3}(_reverse)?")

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
    from_pretrained batch_sizes sorted_indices unsorted_indices
    right_inverse
    missing_keys unexpected_keys generate_square_subsequent_mask
    get_submodule get_parameter get_buffer optimizer base_lrs T_max eta_min step_size milestones
""")
