"""Allow-listed ``torch.distributions``: the distribution classes and what tutorials read.

A distribution object holds tensors and computes with them (``rsample`` is the
reparameterisation trick, the reason VAE and policy-gradient tutorials use it); nothing in
it touches files, processes or code. What stays out, and why:

=============================================  =============================================
refused                                        reason
=============================================  =============================================
``register_kl``                                adds to a process-wide dispatch table
``Distribution.set_default_validate_args``     process-wide switch; pass
                                               ``validate_args=`` to the constructor
``constraint_registry``, ``biject_to``,       they add to process-wide registries
``transform_to`` registration                  (``register``); the constraint objects are
                                               in ``constraints`` (pure predicates)
the submodules (``normal``, ``kl``, ...)       the classes are the same, one name each
=============================================  =============================================

``constraints`` and ``transforms`` (the submodules the docs import by name) are allowed
whole, as listed in their ``__all__``: a constraint is a predicate on a tensor
(``constraints.positive.check(x)``), a transform is tensor math with its inverse and
log-determinant; neither keeps state beyond its own cache or touches anything else.
"""

from __future__ import annotations

from gradtrace.sandbox.allow_names import names as _names

__all__ = [
    "CONSTRAINTS_MEMBERS",
    "DISTRIBUTIONS_MEMBERS",
    "DISTRIBUTION_ATTRS",
    "DISTRIBUTION_DATA_ATTRS",
    "TRANSFORMS_MEMBERS",
]



DISTRIBUTIONS_MEMBERS = _names("""
    Distribution ExponentialFamily Normal Categorical Bernoulli Uniform MultivariateNormal
    LowRankMultivariateNormal Independent Beta Binomial Cauchy Chi2 ContinuousBernoulli
    Dirichlet Exponential FisherSnedecor Gamma Geometric Gumbel HalfCauchy HalfNormal
    InverseGamma Kumaraswamy LKJCholesky Laplace LogNormal LogisticNormal MixtureSameFamily
    Multinomial NegativeBinomial OneHotCategorical OneHotCategoricalStraightThrough Pareto
    Poisson RelaxedBernoulli RelaxedOneHotCategorical StudentT TransformedDistribution
    VonMises Weibull Wishart kl_divergence
    Transform AbsTransform AffineTransform ComposeTransform ExpTransform PowerTransform
    SigmoidTransform SoftmaxTransform SoftplusTransform TanhTransform StickBreakingTransform
    LowerCholeskyTransform constraints transforms
""")

CONSTRAINTS_MEMBERS = _names("""
    Constraint boolean cat corr_cholesky dependent dependent_property greater_than
    greater_than_eq independent integer_interval interval half_open_interval is_dependent
    less_than lower_cholesky lower_triangular MixtureSameFamilyConstraint multinomial
    nonnegative nonnegative_integer one_hot positive positive_semidefinite positive_definite
    positive_integer real real_vector simplex square stack symmetric unit_interval
""")

TRANSFORMS_MEMBERS = _names("""
    AbsTransform AffineTransform CatTransform ComposeTransform CorrCholeskyTransform
    CumulativeDistributionTransform ExpTransform IndependentTransform LowerCholeskyTransform
    PositiveDefiniteTransform PowerTransform ReshapeTransform SigmoidTransform
    SoftplusTransform TanhTransform SoftmaxTransform StackTransform StickBreakingTransform
    Transform identity_transform
""")

# A distribution's location and scale are data (tensors or numbers on every object that has
# them, never a method), so a program may assign them, and so name its own properties
# ``scale`` or ``loc`` and set them (``layer.scale = 3.0``), as it may ``weight``.
DISTRIBUTION_DATA_ATTRS = _names("loc scale")

# Parameters, properties and methods of distributions and transforms.
DISTRIBUTION_ATTRS = _names("""
    loc scale rsample sample sample_n log_prob entropy mean mode stddev variance probs logits
    batch_shape event_shape has_rsample has_enumerate_support enumerate_support cdf icdf
    perplexity expand covariance_matrix scale_tril precision_matrix concentration
    concentration0 concentration1 rate total_count df base_dist reinterpreted_batch_ndims
    low high param_shape temperature mixture_distribution component_distribution
    cov_factor cov_diag transforms inv log_abs_det_jacobian
    support arg_constraints check event_dim is_discrete domain codomain bijective
    lower_bound upper_bound forward_shape inverse_shape parts with_cache
""")
