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
``constraints``, ``constraint_registry``,      internals of parameter checking; the
``biject_to``, ``transform_to``                constraint objects are reached through
                                               ``dist.support`` (pure predicates)
the submodules (``normal``, ``kl``, ...)       the classes are the same, one name each
=============================================  =============================================
"""

from __future__ import annotations

__all__ = ["DISTRIBUTIONS_MEMBERS", "DISTRIBUTION_ATTRS"]


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


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
    LowerCholeskyTransform
""")

# Parameters, properties and methods of distributions and transforms.
DISTRIBUTION_ATTRS = _names("""
    loc scale rsample sample sample_n log_prob entropy mean mode stddev variance probs logits
    batch_shape event_shape has_rsample has_enumerate_support enumerate_support cdf icdf
    perplexity expand covariance_matrix scale_tril precision_matrix concentration
    concentration0 concentration1 rate total_count df base_dist reinterpreted_batch_ndims
    low high param_shape temperature mixture_distribution component_distribution
    cov_factor cov_diag transforms inv log_abs_det_jacobian
    support arg_constraints check event_dim is_discrete domain codomain bijective
""")
