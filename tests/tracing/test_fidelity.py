"""Tutorial-style programs trace exactly as plain PyTorch runs them (trusted mode).

Each program is written the way the autograd tutorials, docs and forum answers write it;
the trace must agree with plain PyTorch on every value, every leaf's and retained
non-leaf's ``.grad``, stdout and the error (``tests.tracing.fidelity``).
"""

from __future__ import annotations

import pytest

from tests.tracing.fidelity import PRELUDE, assert_traces_as_plain

# Non-leaf gradients: retain_grad() and the hooks that run before it fills .grad.
RETAINED = {
    "retain-grad": "x = torch.ones(2, requires_grad=True)\ny = x * 2\ny.retain_grad()\n"
    "z = (y * y).sum()\nz.backward()\nprint(y.grad)\n",
    "retain-grad-hook-chain": "x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n"
    "h = x.exp()\nh.retain_grad()\nh.register_hook(lambda g: g * 2)\n"
    "h.register_hook(lambda g: g + 1)\nout = (h * x).sum()\nout.backward()\n"
    "print(h.grad, x.grad)\n",
    "retain-grad-twice": "w = torch.randn(3, requires_grad=True)\nmid = w.sin()\n"
    "mid.retain_grad()\nfor _ in range(2):\n    mid.sum().backward(retain_graph=True)\n"
    "print(mid.grad)\n",
    "retain-grad-module-output": "lin = nn.Linear(3, 2)\nx = torch.randn(4, 3)\nout = lin(x)\n"
    "out.retain_grad()\nloss = out.pow(2).mean()\nloss.backward()\nprint(out.grad.shape)\n",
}

# In-place writes into views of leaves under no_grad (initialisation, masking).
NO_GRAD_VIEWS = {
    "fill-and-mul-slices": "w = torch.ones(4, requires_grad=True)\nwith torch.no_grad():\n"
    "    w[0].fill_(1.0)\n    w[1:3].mul_(0.5)\n(w * 2).sum().backward()\nprint(w.grad)\n",
    "embedding-padding-idx": "emb = nn.Embedding(10, 3, padding_idx=0)\n"
    "ids = torch.tensor([[0, 2, 4], [1, 0, 9]])\nout = emb(ids)\nloss = out.sum()\n"
    "loss.backward()\nprint(emb.weight.grad[0])\n",
    "init-on-slices": "lin = nn.Linear(4, 4)\nwith torch.no_grad():\n"
    "    nn.init.zeros_(lin.weight[0])\n    nn.init.normal_(lin.weight[1:], std=0.1)\n"
    "    lin.bias[2:].fill_(0.5)\nloss = lin(torch.ones(2, 4)).sum()\n"
    "loss.backward()\n",
    "init-functions": "lin = nn.Linear(3, 5)\nnn.init.xavier_uniform_(lin.weight)\n"
    "nn.init.constant_(lin.bias, 0.1)\nnn.init.uniform_(lin.weight[0], -0.1, 0.1)\n"
    "loss = lin(torch.randn(2, 3)).pow(2).sum()\nloss.backward()\n",
    "copy-into-parameter-rows": "p = nn.Parameter(torch.zeros(3, 2))\nwith torch.no_grad():\n"
    "    p[1].copy_(torch.tensor([1.0, 2.0]))\n    p.data[2] = 3.0\n"
    "loss = (p * p).sum()\nloss.backward()\nprint(p.grad)\n",
}

# Sparse, complex, integer and boolean tensors.
LAYOUTS = {
    "embedding-sparse": "emb = nn.Embedding(10, 3, sparse=True)\nids = torch.tensor([1, 4, 4])\n"
    "loss = emb(ids).sum()\nloss.backward()\ng = emb.weight.grad\nprint(g.is_sparse)\n"
    "opt = torch.optim.SparseAdam(emb.parameters(), lr=0.1)\nopt.step()\n",
    "embedding-sparse-large": "emb = nn.Embedding(3000, 40, sparse=True)\n"
    "loss = emb(torch.tensor([5, 7, 5])).pow(2).sum()\nloss.backward()\ng = emb.weight.grad\n",
    "sparse-coo-leaf": "i = torch.tensor([[0, 1, 1], [2, 0, 2]])\n"
    "v = torch.tensor([3.0, 4.0, 5.0])\n"
    "s = torch.sparse_coo_tensor(i, v, (2, 3), requires_grad=True)\nd = s.to_dense()\n"
    "loss = (d * d).sum()\nloss.backward()\nprint(s.grad)\n",
    "sparse-mm": "i = torch.tensor([[0, 1], [1, 0]])\ns = torch.sparse_coo_tensor(i, "
    "torch.tensor([2.0, 3.0]), (2, 2))\nw = torch.randn(2, 4, requires_grad=True)\n"
    "y = torch.sparse.mm(s, w)\nloss = y.sum()\nloss.backward()\n",
    "sparse-csr": "a = torch.tensor([[0.0, 1.0], [2.0, 0.0]]).to_sparse_csr()\n"
    "w = torch.randn(2, 2, requires_grad=True)\nloss = (a @ w).sum()\nloss.backward()\n",
    "complex-leaf": "z = torch.randn(3, dtype=torch.cfloat, requires_grad=True)\n"
    "loss = (z * z.conj()).real.sum()\nloss.backward()\nprint(z.grad)\n",
    "view-as-real-complex": "x = torch.randn(4, 2, requires_grad=True)\n"
    "c = torch.view_as_complex(x)\nr = torch.view_as_real(c * c)\nloss = r.pow(2).sum()\n"
    "loss.backward()\n",
    "complex-abs-angle": "z = torch.tensor([1 + 1j, 2 - 1j], requires_grad=True)\n"
    "loss = z.abs().sum() + z.angle().sum()\nloss.backward()\n",
    "masks-and-indices": "x = torch.randn(5, requires_grad=True)\nmask = x > 0\n"
    "idx = torch.nonzero(mask).squeeze(1)\nloss = x[mask].sum() + x.masked_fill(~mask, 0).sum()\n"
    "loss.backward()\ncount = mask.sum()\n",
}

# Everyday idioms: named tuples, legacy spellings, recurrent nets, batch norm, data loaders.
IDIOMS = {
    "max-named-tuple": "x = torch.randn(3, 4, requires_grad=True)\nm = x.max(dim=1)\n"
    "print(m.indices)\nm.values.sum().backward()\nvals, idx = x.topk(2)\n",
    "sort-median-mode": "x = torch.randn(2, 5, requires_grad=True)\ns = x.sort(dim=1)\n"
    "md = x.median(dim=1)\nk = x.kthvalue(2, dim=1)\n"
    "loss = s.values[:, 0].sum() + md.values.sum() + k.values.sum()\nloss.backward()\n",
    "linalg-named": "a = torch.randn(3, 3, requires_grad=True)\nq = torch.linalg.qr(a)\n"
    "sym = a @ a.T\ne = torch.linalg.eigh(sym)\nsv = torch.linalg.svd(a)\n"
    "sl = torch.linalg.slogdet(a)\nloss = q.Q.sum() + e.eigenvalues.sum() + sv.S.sum() + "
    "sl.logabsdet\nloss.backward()\n",
    "variable-legacy": "from torch.autograd import Variable\n"
    "x = Variable(torch.ones(2, 2), requires_grad=True)\ny = x + 2\nz = y * y * 3\n"
    "out = z.mean()\nout.backward()\nprint(x.grad.data)\n"
    "g = Variable(torch.zeros(1)).type(type(x.data))\n",
    "lstm-bidirectional": "lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True)\n"
    "x = torch.randn(5, 2, 3)\nout, (h, c) = lstm(x)\nloss = out.sum() + h.sum()\n"
    "loss.backward()\nprint(lstm.weight_hh_l0_reverse.grad.shape)\n",
    "gru-two-layers": "gru = nn.GRU(2, 3, num_layers=2, batch_first=True)\n"
    "out, h = gru(torch.randn(4, 6, 2))\nloss = out[:, -1].pow(2).sum()\nloss.backward()\n"
    "g = gru.weight_ih_l1.grad\n",
    "batchnorm": "bn = nn.BatchNorm1d(3)\nx = torch.randn(8, 3, requires_grad=True)\n"
    "y = bn(x)\nloss = (y * torch.arange(3.0)).sum()\nloss.backward()\n"
    "print(bn.num_batches_tracked, bn.running_mean)\nbn.eval()\ny2 = bn(x)\n",
    "dataloader-loop": "from torch.utils.data import DataLoader, TensorDataset\n"
    "x = torch.randn(32, 3)\ny = x @ torch.tensor([1.0, -2.0, 0.5]) + 0.3\n"
    "loader = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True)\n"
    "model = nn.Linear(3, 1)\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\n"
    "for epoch in range(2):\n    total = 0.0\n    for xb, yb in loader:\n"
    "        opt.zero_grad()\n        loss = F.mse_loss(model(xb).squeeze(1), yb)\n"
    "        loss.backward()\n        opt.step()\n        total += loss.item() * len(xb)\n"
    "    print(epoch, round(total / len(loader.dataset), 4))\n",
    "class-name-in-hook": "net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))\n"
    "for layer in net:\n    layer.register_forward_hook(lambda m, i, o: "
    "print(m.__class__.__name__, tuple(o.shape)))\nloss = net(torch.ones(4, 2)).sum()\n"
    "loss.backward()\n",
}

PROGRAMS = {**RETAINED, **NO_GRAD_VIEWS, **LAYOUTS, **IDIOMS}


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_traces_as_plain_pytorch(name: str) -> None:
    assert_traces_as_plain(PRELUDE + PROGRAMS[name])


def test_sparse_gradient_is_marked_sparse() -> None:
    trace = assert_traces_as_plain(PRELUDE + LAYOUTS["embedding-sparse-large"])
    entry = trace["tensors"][trace["variables"]["g"]["value"]]
    assert entry["layout"] == "sparse_coo"
    assert entry["shape"] == [3000, 40]
    assert "values" not in entry  # 120,000 elements: summarised
    assert "layout" not in trace["tensors"][trace["variables"]["loss"]["value"]]
