"""Allow-listed names of ``torch`` and of tensors (data only, no behaviour).

Every name here was chosen by hand: tensor creation and math, shape ops, reductions, autograd
and dtypes. Anything not listed is unreachable by construction, which is why this is an
allow-list and not a block-list: a new PyTorch release cannot silently widen it. What stays
out on purpose, by group (the refusal messages say the same, ``policy_hints.py``):

=================================================  ==========================================
refused                                            reason
=================================================  ==========================================
``load save from_file hub serialization``          files (and, for hub, the network)
``jit compile ops library classes``                loading or compiling code
``untyped_storage storage set_ as_strided``        raw memory
``data_ptr resize_ new_empty empty_strided``
``sparse_coo_tensor`` (and ``sparse_*_tensor``)    its indices are not checked: reads out of
                                                   bounds; ``dense.to_sparse()`` is safe
``set_default_dtype set_num_threads``              process-wide settings
``use_deterministic_algorithms``
``multiprocessing distributed``                    processes, network
=================================================  ==========================================

The legacy typed constructors (``FloatTensor`` ...) are listed but served by zero-filling
stand-ins (``facade_shims``), like ``Tensor``. Sparse tensors are reachable (``to_sparse``,
``nn.Embedding(sparse=True)`` gradients), so ``indices()`` returns a copy
(``facade_guards.guard_sparse_indices``): its alias would let a program point a sparse
tensor's entries outside memory.
"""

from __future__ import annotations

from gradtrace.sandbox.allow_names import names as _names

__all__ = [
    "AMP_MEMBERS",
    "BACKENDS_MEMBERS",
    "CUDA_MEMBERS",
    "CUDNN_FLAGS",
    "FFT_MEMBERS",
    "LINALG_MEMBERS",
    "RETURN_TYPE_FIELDS",
    "SPECIAL_MEMBERS",
    "TENSOR_ATTRS",
    "TENSOR_DATA_ATTRS",
    "TESTING_MEMBERS",
    "TORCH_DTYPES",
    "TORCH_MEMBERS",
    "UNINITIALISED_SUBSTITUTES",
]



# Element-wise and reduction math shared by ``torch.<f>(t)`` and ``t.<f>()``.
_MATH = _names("""
    abs absolute add sub subtract mul multiply div divide true_divide floor_divide remainder fmod
    pow float_power exp exp2 expm1 log log2 log10 log1p sqrt rsqrt square sin cos tan asin acos
    atan atan2 arcsin arccos arctan arctan2 sinh cosh tanh asinh acosh atanh arcsinh arccosh
    arctanh sigmoid relu erf erfc erfinv lgamma digamma polygamma neg negative positive reciprocal
    sign sgn signbit floor ceil round trunc frac fix clamp clip clamp_min clamp_max lerp hypot
    logit xlogy maximum minimum fmax fmin heaviside nan_to_num addcmul addcdiv logaddexp
    logaddexp2 sinc deg2rad rad2deg softmax log_softmax
    sum nansum mean nanmean std var prod cumsum cumprod cummax cummin logcumsumexp max min amax
    amin aminmax argmax argmin norm dist logsumexp median nanmedian mode sort argsort msort topk
    kthvalue unique unique_consecutive all any count_nonzero nonzero diff histc bincount
    bucketize searchsorted std_mean var_mean quantile nanquantile
    matmul mm bmm mv dot vdot outer ger inner cross kron addmm addmv addbmm baddbmm addr
    tensordot einsum chain_matmul
    eq ne lt le gt ge greater greater_equal less less_equal not_equal equal allclose isclose
    isnan isinf isfinite isposinf isneginf isreal logical_and logical_or logical_not logical_xor
    bitwise_and bitwise_or bitwise_xor bitwise_not
    where masked_fill masked_select masked_scatter index_select index_add index_copy index_fill
    gather scatter scatter_add scatter_reduce take take_along_dim select narrow
    reshape flatten unflatten squeeze unsqueeze transpose permute movedim moveaxis swapaxes
    swapdims t flip fliplr flipud roll rot90 tile repeat_interleave broadcast_to split chunk
    tensor_split hsplit vsplit dsplit unbind diag diagonal diag_embed diagflat tril triu trace
    clone detach conj real imag angle is_floating_point is_complex is_nonzero numel
    cov corrcoef inverse det logdet slogdet pinverse cholesky matrix_power matrix_exp
    dropout celu selu rrelu threshold hardshrink
    renorm nextafter igamma igammac mvlgamma cholesky_solve cholesky_inverse prelu stft istft
    adjoint resolve_conj resolve_neg conj_physical split_with_sizes narrow_copy
    bitwise_left_shift bitwise_right_shift is_conj is_neg is_signed is_inference
""")

TORCH_MEMBERS = _MATH | _names("""
    tensor as_tensor from_numpy zeros ones full empty zeros_like ones_like full_like empty_like
    rand randn randint randperm rand_like randn_like randint_like normal bernoulli multinomial
    poisson arange linspace logspace eye complex polar
    manual_seed seed initial_seed Generator
    cat concat concatenate stack hstack vstack dstack column_stack row_stack meshgrid
    broadcast_tensors broadcast_shapes block_diag cartesian_prod combinations atleast_1d
    atleast_2d atleast_3d vander tril_indices triu_indices
    cosine_similarity pairwise_distance cdist trapezoid trapz cumulative_trapezoid
    is_tensor is_grad_enabled is_inference_mode_enabled no_grad enable_grad set_grad_enabled
    inference_mode get_default_dtype promote_types result_type can_cast finfo iinfo
    Tensor Size dtype device pi e inf nan view_as_real view_as_complex frexp histogram
    lu_unpack FloatTensor DoubleTensor HalfTensor BFloat16Tensor LongTensor IntTensor
    ShortTensor CharTensor ByteTensor BoolTensor
    autograd nn optim linalg cuda special fft func distributions utils testing
    is_anomaly_enabled autocast amp
    ravel gradient ldexp copysign pdist argwhere svd qr select_scatter slice_scatter
    diagonal_scatter __version__ ldexp_ backends set_printoptions
""") | _names("""
    abs_ acos_ acosh_ addmv_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ asin_ asinh_
    atan_ atanh_ ceil_ celu_ clamp_ clamp_max_ clamp_min_ clip_ conj_physical_ cos_ cosh_
    deg2rad_ detach_ dropout_ erf_ erfc_ exp2_ exp_ expm1_ fix_ floor_ frac_ log10_ log1p_
    log2_ log_ logit_ nan_to_num_ neg_ negative_ rad2deg_ reciprocal_ relu_ round_ rrelu_
    rsqrt_ selu_ sigmoid_ sin_ sinc_ sinh_ sqrt_ square_ tan_ tanh_ threshold_ trunc_ xlogy_
""")
"""The in-place function forms (``torch.sin_(a)``, ``torch.relu_``): every ``torch.<f>_`` of
this torch whose ``<f>`` is listed above, ``a.sin_()`` spelled at module level, as harmless
as the method (``as_strided_``, ``resize_as_``, ``index_put_``, ``fill_``, ``zero_`` are
in-place forms of nothing listed and stay out). ``is_anomaly_enabled`` only reads a flag.
``set_printoptions`` changes only how tensors print (process-wide, but every program runs in a
fresh process, and the in-process runner restores torch's print options when a program ends).
``autocast`` (also ``torch.amp.autocast``) is a ``with`` block or decorator whose dtype
choice is thread-local and restored on exit; a program cannot call ``__enter__`` by hand, an
unfinished generator holding the block open is closed when it is collected, and every
program runs in a fresh process anyway, so the setting cannot outlive the program."""

# ``torch.amp``: the device-generic spelling of ``torch.autocast``.
# ``GradScaler`` is left out for now: harmless tensor math, but its internals (``_scale``,
# ``_enabled``) would become reserved names (``allow_owned``), and programs name their own
# attributes so (``self._scale`` behind a ``scale`` property).
AMP_MEMBERS = _names("autocast")

TORCH_DTYPES = _names("""
    float32 float float64 double float16 half bfloat16 complex64 cfloat complex128 cdouble
    uint8 int8 int16 short int32 int int64 long bool
""")

LINALG_MEMBERS = _names("""
    norm vector_norm matrix_norm inv det slogdet solve eig eigh eigvals eigvalsh svd svdvals qr
    cholesky pinv matrix_rank lstsq cross matrix_power matrix_exp multi_dot vecdot
    lu lu_factor lu_factor_ex lu_solve ldl_factor ldl_solve cholesky_ex inv_ex solve_ex
    solve_triangular tensorinv tensorsolve cond diagonal householder_product vander
""")

# ``torch.special`` and ``torch.fft``: element-wise functions and transforms of tensors, as
# harmless as the rest of the math (the whole public API of both modules).
SPECIAL_MEMBERS = _names("""
    airy_ai bessel_j0 bessel_j1 bessel_y0 bessel_y1 digamma entr erf erfc erfcx erfinv exp2
    expit expm1 gammainc gammaincc gammaln i0 i0e i1 i1e log1p log_ndtr log_softmax logit
    logsumexp modified_bessel_i0 modified_bessel_i1 modified_bessel_k0 modified_bessel_k1
    multigammaln ndtr ndtri polygamma psi round scaled_modified_bessel_k0
    scaled_modified_bessel_k1 sinc softmax spherical_bessel_j0 xlog1py xlogy zeta
    chebyshev_polynomial_t chebyshev_polynomial_u chebyshev_polynomial_v
    chebyshev_polynomial_w hermite_polynomial_h hermite_polynomial_he laguerre_polynomial_l
    legendre_polynomial_p shifted_chebyshev_polynomial_t shifted_chebyshev_polynomial_u
    shifted_chebyshev_polynomial_v shifted_chebyshev_polynomial_w
""")

# ``torch.testing.assert_close``: how the torch.func and gradcheck tutorials compare results.
TESTING_MEMBERS = _names("assert_close")

FFT_MEMBERS = _names("""
    fft ifft fft2 ifft2 fftn ifftn rfft irfft rfft2 irfft2 rfftn irfftn hfft ihfft hfft2
    ihfft2 hfftn ihfftn fftfreq rfftfreq fftshift ifftshift
""")

# Fields of the named tuples torch returns (``torch.return_types``): ``x.max(dim=1).indices``,
# ``torch.linalg.qr(a).Q``, ``eigh(a).eigenvalues``, ``svd(a).U/.S/.Vh``, ``slogdet(a).logabsdet``,
# ``lstsq().solution``, ``lu_factor().LU/.pivots``, ``aminmax().min/.max``,
# ``frexp().mantissa/.exponent``, ``histogram().hist/.bin_edges``, ``*_ex().info``. Only the
# fields of private ops (``philox_seed``, ``rng_state``, ``debug_attn_mask``...) are left out.
RETURN_TYPE_FIELDS = _names("""
    values indices Q R U S V Vh L LD LU P eigenvalues eigenvectors sign logabsdet solution
    residuals rank singular_values pivots info inverse min max mantissa exponent hist
    bin_edges
""")

# ``device = "cuda" if torch.cuda.is_available() else "cpu"`` opens many tutorials.
# ``manual_seed``/``manual_seed_all`` of the seed-everything header: without CUDA torch only
# queues the seed for a device that never initialises.
CUDA_MEMBERS = _names("is_available device_count manual_seed manual_seed_all")

# ``torch.backends`` offers ``cudnn`` only, a stand-in with these switches
# (``facade_backends.CudnnFlags``); a program may assign them (``policy``).
BACKENDS_MEMBERS = _names("cudnn")
CUDNN_FLAGS = _names("deterministic benchmark enabled allow_tf32")

# Uninitialised allocations read memory a previous program left behind: map them to zeros.
UNINITIALISED_SUBSTITUTES = {"empty": "zeros", "empty_like": "zeros_like"}

# Attributes a program may *assign* on tensors and similar values (besides reading them).
TENSOR_DATA_ATTRS = _names("grad requires_grad data")

TENSOR_ATTRS = _MATH | TENSOR_DATA_ATTRS | _names("""
    grad_fn is_leaf retains_grad retain_grad backward register_hook output_nr
    register_post_accumulate_grad_hook requires_grad_ detach_ item tolist numpy shape dtype device
    ndim T mT H mH size dim nelement element_size nbytes itemsize stride is_contiguous contiguous
    view view_as reshape_as expand expand_as repeat unfold type_as to cpu float double half
    bfloat16 int long short bool byte char cfloat cdouble new_tensor new_zeros new_ones new_full
    is_cuda is_sparse is_quantized is_meta
    zero_ fill_ copy_ add_ sub_ mul_ div_ pow_ exp_ log_ sqrt_ neg_ abs_ clamp_ clip_ sigmoid_
    tanh_ relu_ floor_ ceil_ round_ sin_ cos_ masked_fill_ index_add_ index_copy_ index_fill_
    index_put_ index_put scatter_ scatter_add_ normal_ uniform_ bernoulli_ random_ exponential_
    fill_diagonal_ t_ transpose_ squeeze_ unsqueeze_ lerp_ addcmul_ addcdiv_ reciprocal_ square_
    argwhere ndimension get_device is_cpu type to_dense to_sparse is_coalesced coalesce
    sparse_dim dense_dim
    layout storage_offset apply_ map_ geometric_ log_normal_ cauchy_ ravel copysign ldexp
""") | RETURN_TYPE_FIELDS | frozenset(f"{name}_" for name in _MATH)
"""``_MATH | {f"{f}_"}``: the in-place form of every allowed function (``cumsum_``, ``sign_``,
``clamp_min_``...) is as harmless as the function; names torch does not define simply fail
at run time. Raw-memory in-place methods (``set_``, ``resize_``, ``as_strided_``) are not
in-place forms of anything listed."""
