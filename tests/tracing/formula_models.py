"""Small models of the kinds people trace, for the rule table's coverage.

Each is a whole program (its forward pass, a loss and ``backward()``) as a learner or an
engineer would write it; the coverage test and ``python -m gradtrace.tracing.formulas
--coverage`` trace them and count the graph nodes whose op has a rule.
"""

from __future__ import annotations

__all__ = ["MODELS"]

MLP = """import torch
import torch.nn as nn
import torch.nn.functional as F

model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 3))
x = torch.randn(5, 4)
y = torch.tensor([0, 2, 1, 1, 0])
loss = F.cross_entropy(model(x), y)
loss.backward()
"""

CNN = """import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 6, 3)
        self.pool = nn.MaxPool2d(2)
        self.drop = nn.Dropout(0.25)
        self.fc = nn.Linear(6 * 2 * 2, 3)

    def forward(self, x):
        x = self.pool(F.relu(self.bn(self.conv1(x))))
        x = F.relu(self.conv2(x))
        x = self.drop(torch.flatten(x, 1))
        return self.fc(x)


model = Net()
images = torch.randn(2, 1, 8, 8)
labels = torch.tensor([1, 2])
loss = F.cross_entropy(model(images), labels)
loss.backward()
"""

LSTM = """import torch
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 6)
        self.lstm = nn.LSTM(6, 8, batch_first=True)
        self.head = nn.Linear(8, 4)

    def forward(self, tokens):
        out, _ = self.lstm(self.embed(tokens))
        return self.head(out)


model = Tagger()
tokens = torch.tensor([[1, 4, 2, 7], [3, 3, 9, 0]])
tags = torch.tensor([[0, 1, 2, 3], [3, 2, 1, 0]])
logits = model(tokens)
loss = nn.functional.cross_entropy(logits.reshape(-1, 4), tags.reshape(-1))
loss.backward()
"""

LSTM_CELL = """import torch
import torch.nn as nn

cell = nn.LSTMCell(3, 5)
head = nn.Linear(5, 1)
xs = torch.randn(4, 2, 3)
h = torch.zeros(2, 5)
c = torch.zeros(2, 5)
for x in xs:
    h, c = cell(x, (h, c))
loss = nn.functional.mse_loss(head(h), torch.ones(2, 1))
loss.backward()
"""

TRANSFORMER = """import torch
import torch.nn as nn

layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, dropout=0.1,
                                   batch_first=True)
encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
head = nn.Linear(8, 2)
x = torch.randn(2, 5, 8)
logits = head(encoder(x).mean(dim=1))
loss = nn.functional.cross_entropy(logits, torch.tensor([0, 1]))
loss.backward()
"""

VAE = """import torch
import torch.nn as nn
import torch.nn.functional as F


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(12, 16)
        self.mu = nn.Linear(16, 2)
        self.logvar = nn.Linear(16, 2)
        self.dec1 = nn.Linear(2, 16)
        self.dec2 = nn.Linear(16, 12)

    def forward(self, x):
        h = F.relu(self.enc(x))
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return torch.sigmoid(self.dec2(F.relu(self.dec1(z)))), mu, logvar


model = VAE()
x = torch.rand(4, 12)
recon, mu, logvar = model(x)
bce = F.binary_cross_entropy(recon, x, reduction="sum")
kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
loss = bce + kld
loss.backward()
"""

MODELS: dict[str, str] = {
    "mlp": MLP,
    "cnn": CNN,
    "lstm": LSTM,
    "lstm_cell": LSTM_CELL,
    "transformer_encoder": TRANSFORMER,
    "vae": VAE,
}

_A = "a = torch.randn(2, 3, requires_grad=True)\n"
_AB = _A + "b = torch.randn(2, 3, requires_grad=True)\n"
_POS = "a = torch.rand(2, 3).add(0.5).requires_grad_()\n"

# One small program per op of the rule table: it binds ``out``, whose graph holds that op
# once; the tests add ``out.backward(...)`` with an uneven gradient.
OP_PROGRAMS: dict[str, str] = {
    "AddBackward0": _A + "b = torch.randn(3, requires_grad=True)\nout = torch.add(a, b, alpha=2)\n",
    "AddBackward1": _A + "out = torch.ops.aten.add.Scalar(a, 2.0)\n",
    "SubBackward0": _A + "b = torch.randn(2, 1, requires_grad=True)\nout = a - b\n",
    "SubBackward1": _A + "out = torch.ops.aten.sub.Scalar(a, 2.0)\n",
    "RsubBackward1": _A + "out = 2.0 - a\n",
    "MulBackward0": _A + "b = torch.randn(3, requires_grad=True)\nout = a * b\n",
    "MulBackward1": _A + "out = torch.ops.aten.mul.Scalar(a, 3.0)\n",
    "DivBackward0": _AB + "out = a / (b.abs() + 1)\n",
    "DivBackward1": _A + "out = torch.ops.aten.div.Scalar(a, 4.0)\n",
    "NegBackward0": _A + "out = -a\n",
    "PowBackward0": _A + "out = a ** 3\n",
    "PowBackward1": _POS + "b = torch.randn(2, 3, requires_grad=True)\nout = a ** b\n",
    "PowBackward2": _A + "out = 2.0 ** a\n",
    "AddcmulBackward0": _AB + "out = torch.addcmul(a, a.exp(), b, value=0.5)\n",
    "MaximumBackward0": _AB + "out = torch.maximum(a, b)\n",
    "MinimumBackward0": _AB + "out = torch.minimum(a, b)\n",
    "WhereBackward0": _AB + "out = torch.where(a > 0, a, b)\n",
    "XlogyBackward0": _POS + "b = torch.rand(2, 3).add(0.5).requires_grad_()\n"
                      "out = torch.xlogy(a, b)\n",
    "ExpBackward0": _A + "out = a.exp()\n",
    "LogBackward0": _POS + "out = a.log()\n",
    "SqrtBackward0": _POS + "out = a.sqrt()\n",
    "RsqrtBackward0": _POS + "out = a.rsqrt()\n",
    "ReciprocalBackward0": _POS + "out = a.reciprocal()\n",
    "SinBackward0": _A + "out = a.sin()\n",
    "CosBackward0": _A + "out = a.cos()\n",
    "AtanBackward0": _A + "out = a.atan()\n",
    "ErfBackward0": _A + "out = a.erf()\n",
    "TanhBackward0": _A + "out = a.tanh()\n",
    "TanhBackwardBackward0": _A + "y = a.tanh()\n"
                             "(g,) = torch.autograd.grad(y.sum(), a, create_graph=True)\n"
                             "out = g * 1.0\n",
    "SigmoidBackward0": _A + "out = a.sigmoid()\n",
    "LogSigmoidBackward0": _A + "out = F.logsigmoid(a)\n",
    "SiluBackward0": _A + "out = F.silu(a)\n",
    "ReluBackward0": _A + "out = a.relu()\n",
    "LeakyReluBackward0": _A + "out = F.leaky_relu(a, 0.1)\n",
    "EluBackward0": _A + "out = F.elu(a, 0.7)\n",
    "GeluBackward0": _A + "out = F.gelu(a)\n",
    "SoftplusBackward0": _A + "out = F.softplus(a * 10, beta=2, threshold=5)\n",
    "AbsBackward0": _A + "out = a.abs()\n",
    "ClampBackward1": _A + "out = a.clamp(-0.5, 0.5)\n",
    "ClampMinBackward0": _A + "out = a.clamp_min(0.1)\n",
    "ClampMaxBackward0": _A + "out = a.clamp_max(0.1)\n",
    "HardtanhBackward0": _A + "out = F.hardtanh(a * 2)\n",
    "NativeDropoutBackward0": _A + "out = torch.native_dropout(a, 0.4, True)[0]\n",
    "MaskedFillBackward0": _A + "out = a.masked_fill(a > 0.2, 0.0)\n",
    "CloneBackward0": _A + "out = a.clone()\n",
    "AliasBackward0": _A + "out = torch.ops.aten.alias(a)\n",
    "ToCopyBackward0": _A + "out = a.double()\n",
    "SumBackward0": _A + "out = a.sum()\n",
    "SumBackward1": "a = torch.randn(2, 3, 4, requires_grad=True)\nout = a.sum((0, 2))\n",
    "MeanBackward0": _A + "out = a.mean()\n",
    "MeanBackward1": "a = torch.randn(2, 3, 4, requires_grad=True)\n"
                     "out = a.mean(1, keepdim=True)\n",
    "MaxBackward1": _A + "out = a.max()\n",
    "MaxBackward0": _A + "out = a.max(1).values\n",
    "MinBackward0": _A + "out = a.min(0, keepdim=True).values\n",
    "AmaxBackward0": _A + "out = a.round().amax(1)\n",
    "AminBackward0": _A + "out = a.amin(0)\n",
    "ProdBackward0": _A + "out = a.prod()\n",
    "CumsumBackward0": _A + "out = a.cumsum(1)\n",
    "LinalgVectorNormBackward0": _A + "out = torch.linalg.vector_norm(a, 3, dim=1)\n",
    "SoftmaxBackward0": _A + "out = a.softmax(1)\n",
    "SafeSoftmaxBackward0": _A + "out = torch.ops.aten._safe_softmax(a, 0)\n",
    "LogSoftmaxBackward0": _A + "out = a.log_softmax(1)\n",
    "VarBackward0": _A + "out = a.var(1)\n",
    "StdBackward0": _A + "out = a.std()\n",
    "MseLossBackward0": _AB + "out = F.mse_loss(a, b)\n",
    "SmoothL1LossBackward0": _AB + "out = F.smooth_l1_loss(a, b, reduction='sum', beta=0.5)\n",
    "NllLossBackward0": _A + "out = F.nll_loss(a, torch.tensor([2, 0]))\n",
    "BinaryCrossEntropyBackward0": _A + "t = torch.rand(2, 3, requires_grad=True)\n"
                                   "out = F.binary_cross_entropy(a.sigmoid(), t)\n",
    "BinaryCrossEntropyWithLogitsBackward0": _A + "t = torch.rand(2, 3, requires_grad=True)\n"
                                             "out = F.binary_cross_entropy_with_logits(a, t)\n",
    "AddmmBackward0": _A + "w = torch.randn(4, 3, requires_grad=True)\n"
                      "c = torch.randn(4, requires_grad=True)\nout = F.linear(a, w, c)\n",
    "MmBackward0": _A + "m = torch.randn(3, 4, requires_grad=True)\nout = a @ m\n",
    "BmmBackward0": "p = torch.randn(2, 2, 3, requires_grad=True)\n"
                    "q = torch.randn(2, 3, 4, requires_grad=True)\nout = torch.bmm(p, q)\n",
    "MvBackward0": _A + "v = torch.randn(3, requires_grad=True)\nout = a @ v\n",
    "DotBackward0": "u = torch.randn(3, requires_grad=True)\n"
                    "v = torch.randn(3, requires_grad=True)\nout = u @ v\n",
    "NativeLayerNormBackward0": "x = torch.randn(2, 2, 3, requires_grad=True)\n"
                                "ln = torch.nn.LayerNorm(3)\nout = ln(x)\n",
    "NativeBatchNormBackward0": "x = torch.randn(3, 2, 2, 2, requires_grad=True)\n"
                                "bn = torch.nn.BatchNorm2d(2)\nout = bn(x)\n",
    "ConvolutionBackward0": "x = torch.randn(1, 2, 5, 5, requires_grad=True)\n"
                            "conv = torch.nn.Conv2d(2, 4, 3, stride=2, padding=1, groups=2)\n"
                            "out = conv(x)\n",
    "EmbeddingBackward0": "emb = torch.nn.Embedding(5, 3, padding_idx=4)\n"
                          "out = emb(torch.tensor([[1, 0], [1, 4]]))\n",
    "MaxPool2DWithIndicesBackward0": "x = torch.randn(1, 2, 4, 4, requires_grad=True)\n"
                                     "out = F.max_pool2d(x, 3, stride=1)\n",
    "MaxPool3DWithIndicesBackward0": "x = torch.randn(1, 1, 2, 4, 4, requires_grad=True)\n"
                                     "out = F.max_pool3d(x, 2)\n",
    "ScaledDotProductFlashAttentionForCpuBackward0":
        "q = torch.randn(1, 2, 3, 4, requires_grad=True)\n"
        "k = torch.randn(1, 2, 3, 4, requires_grad=True)\n"
        "v = torch.randn(1, 2, 3, 4, requires_grad=True)\n"
        "out = F.scaled_dot_product_attention(q, k, v, is_causal=True)\n",
    "ViewBackward0": _A + "out = a.view(3, 2)\n",
    "ReshapeAliasBackward0": _A + "out = torch.ops.aten._reshape_alias(a, (3, 2), (2, 1))\n",
    "UnsafeViewBackward0": _A + "out = a.t().reshape(6)\n",
    "SqueezeBackward0": "a = torch.randn(2, 1, 3, requires_grad=True)\nout = a.squeeze()\n",
    "SqueezeBackward1": "a = torch.randn(2, 1, 3, requires_grad=True)\nout = a.squeeze(1)\n",
    "SqueezeBackward2": "a = torch.randn(2, 1, 3, requires_grad=True)\nout = a.squeeze((0, 1))\n",
    "UnsqueezeBackward0": _A + "out = a.unsqueeze(1)\n",
    "ExpandBackward0": "a = torch.randn(3, 1, requires_grad=True)\nout = a.expand(2, 3, 4)\n",
    "TBackward0": _A + "out = a.t()\n",
    "TransposeBackward0": "a = torch.randn(2, 3, 4, requires_grad=True)\nout = a.transpose(0, 2)\n",
    "PermuteBackward0": "a = torch.randn(2, 3, 4, requires_grad=True)\nout = a.permute(2, 0, 1)\n",
    "SelectBackward0": _A + "out = a[:, 1]\n",
    "SliceBackward0": "a = torch.randn(2, 7, requires_grad=True)\nout = a[:, 1:6:2]\n",
    "SelectBackwardBackward0": _A + "(g,) = torch.autograd.grad(a[1].sum() * a.sum(), a,"
                               " create_graph=True)\nout = g\n",
    "IndexBackward0": _A + "out = a[torch.tensor([1, 0, 1])]\n",
    "GatherBackward0": _A + "out = a.gather(1, torch.tensor([[0, 0], [2, 1]]))\n",
    "CatBackward0": _AB + "out = torch.cat([a, b[:1]], 0)\n",
    "StackBackward0": _AB + "out = torch.stack([a, b], 1)\n",
    "SplitBackward0": "a = torch.randn(2, 5, requires_grad=True)\nout = a.split(2, 1)[1]\n",
    "SplitWithSizesBackward0": "a = torch.randn(2, 5, requires_grad=True)\n"
                               "out = a.split([1, 4], 1)[1]\n",
    "UnsafeSplitBackward0": "a = torch.randn(2, 5, requires_grad=True)\n"
                            "out = torch.ops.aten.unsafe_split(a, 2, 1)[2]\n",
    "UnsafeSplitWithSizesBackward0": "a = torch.randn(2, 5, requires_grad=True)\n"
                                     "out = torch.ops.aten.unsafe_split_with_sizes("
                                     "a, [3, 2], 1)[0]\n",
    "UnbindBackward0": _A + "out = a.unbind(1)[2]\n",
    "RepeatBackward0": _A + "out = a.repeat(2, 1, 2)\n",
    "FlipBackward0": _A + "out = a.flip(1)\n",
    "RollBackward0": _A + "out = a.roll(1, 1)\n",
    "TrilBackward0": "a = torch.randn(3, 3, requires_grad=True)\nout = a.tril()\n",
    "TriuBackward0": "a = torch.randn(3, 3, requires_grad=True)\nout = a.triu(1)\n",
    "ConstantPadNdBackward0": _A + "out = F.pad(a, (1, 2, 0, 1))\n",
    "torch::autograd::CopyBackwards": "a = torch.randn(3, requires_grad=True)\n"
                                      "out = torch.zeros(2, 3).copy_(a)\n",
    "torch::autograd::Identity": _A + "import torch.autograd.forward_ad as fwAD\n"
                                 "with fwAD.dual_level():\n"
                                 "    dual = fwAD.make_dual(a, torch.ones(2, 3)) * 2\n"
                                 "    out = fwAD.unpack_dual(dual).primal * 1.0\n",
    "BackwardHookFunctionBackward": "lin = torch.nn.Linear(3, 2)\n"
                                    "lin.register_full_backward_hook(lambda m, gi, go: None)\n"
                                    "out = lin(torch.randn(2, 3, requires_grad=True))\n",
    "MkldnnRnnLayerBackward0": "lstm = torch.nn.LSTM(3, 4)\nout = lstm(torch.randn(2, 1, 3))[0]\n",
    "torch::autograd::CopySlices": _A + "out = torch.zeros(3, 3)\nout[1:] = a * 2\n",
}

# Settings of an op that its main program above leaves out: (op, program).
MORE_OP_PROGRAMS: list[tuple[str, str]] = [
    ("GeluBackward0", _A + "out = F.gelu(a, approximate='tanh')\n"),
    ("LinalgVectorNormBackward0", _A + "out = a.norm()\n"),
    ("LinalgVectorNormBackward0",
     _A + "out = torch.linalg.vector_norm(a, 1, dim=0, keepdim=True)\n"),
    ("NllLossBackward0", _A + "out = F.nll_loss(a, torch.tensor([2, 1]), reduction='none',"
                         " weight=torch.tensor([1.0, 2.0, 3.0]))\n"),
    ("NllLossBackward0", _A + "out = F.nll_loss(a, torch.tensor([1, 2]), ignore_index=1)\n"),
    ("MseLossBackward0", _AB + "out = F.mse_loss(a, b, reduction='none')\n"),
    ("ConvolutionBackward0", "x = torch.randn(2, 3, 7, requires_grad=True)\n"
                             "out = torch.nn.Conv1d(3, 2, 3, dilation=2)(x)\n"),
    ("EmbeddingBackward0", "emb = torch.nn.Embedding(5, 3, scale_grad_by_freq=True)\n"
                           "out = emb(torch.tensor([1, 0, 1, 3]))\n"),
    ("MaxBackward1", _A + "out = a.round().max()\n"),
    ("ProdBackward0", _A + "out = (a * (a > 0)).prod()\n"),
    ("SumBackward1", _A + "out = a.sum(-1, keepdim=True)\n"),
    ("NativeBatchNormBackward0", "x = torch.randn(3, 2, 4, requires_grad=True)\n"
                                 "bn = torch.nn.BatchNorm1d(2)\nbn(x * 2 + 1)\n"
                                 "out = bn.eval()(x)\n"),
]
