"""Small programs the diagnostics tests run, by what they show (not gallery examples).

Each reason a gradient can be None, each recognised cause of a NaN and each shape of
in-place write gets a program of a few lines here; the gallery-style programs are the files
beside this one.
"""

INLINE = {
    "cleared": "import torch\nw = torch.ones(2, requires_grad=True)\n(w * 3).sum().backward()\n"
               "opt = torch.optim.SGD([w], lr=0.1)\nopt.step()\nopt.zero_grad()\n",
    "no backward": "import torch\nw = torch.ones(2, requires_grad=True)\nloss = (w * 2).sum()\n",
    "autograd.grad": "import torch\nw = torch.ones(2, requires_grad=True)\n"
                     "(g,) = torch.autograd.grad((w * w).sum(), w)\n",
    "no_grad": "import torch\nimport torch.nn as nn\ntorch.manual_seed(0)\nenc = nn.Linear(2, 2)\n"
               "head = nn.Linear(2, 1)\nh = enc(torch.randn(3, 2))\nwith torch.no_grad():\n"
               "    z = h * 2\nhead(z).sum().backward()\n",
    "item": "import torch\nw = torch.ones(2, requires_grad=True)\nv = torch.ones(2, "
            "requires_grad=True)\ns = torch.tensor((w * 2).sum().item())\n"
            "(s * v).sum().backward()\n",
    "leaf detach": "import torch\nw = torch.ones(2, requires_grad=True)\nv = torch.ones(2, "
                   "requires_grad=True)\n(w.detach() * v).sum().backward()\n",
    "data": "import torch\nw = torch.ones(2, requires_grad=True)\nv = torch.ones(2, "
            "requires_grad=True)\nu = (w + 1).data\n(u * v).sum().backward()\n",
}



NON_FINITE = {
    "exp": "import torch\nx = torch.tensor([1.0, 100.0], requires_grad=True)\n"
           "y = torch.exp(x)\nz = y / y.sum()\nz.sum().backward()\n",
    "0/0": "import torch\na = torch.zeros(2, requires_grad=True)\nb = a * 1\nq = b / a\n"
           "q.sum().backward()\n",
    "finite": "import torch\na = torch.ones(2, requires_grad=True)\n(a * 2).sum().backward()\n",
}



INPLACE = {
    "augmented": "import torch\nx = torch.ones(3, requires_grad=True)\ny = x.exp()\n"
                 "y += 1\nz = y * 3\nz.sum().backward()\n",
    "into a view": "import torch\na = torch.ones(2, 3, requires_grad=True)\nb = a.tanh()\n"
                   "row = b[0]\nrow[1] = 0.0\nb.sum().backward()\n",
}


MASKED = """import torch
torch.manual_seed(0)
q = torch.randn(4, 8, requires_grad=True)
mask = torch.triu(torch.ones(4, 4, dtype=torch.bool), diagonal=1)
scores = (q @ q.T).masked_fill(mask, float("-inf"))
(scores.softmax(dim=-1) @ q).sum().backward()
"""
