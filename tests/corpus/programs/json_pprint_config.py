# Blog post experiment script: print the config with json.dumps and the state_dict shapes with pprint
import json
from pprint import pprint

import torch
import torch.nn as nn

config = {"in_dim": 3, "hidden": 4, "lr": 0.05, "activation": "tanh"}
print(json.dumps(config, indent=2, sort_keys=True))
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(config["in_dim"], config["hidden"]), nn.Tanh(),
                      nn.Linear(config["hidden"], 1))
pprint({k: tuple(v.shape) for k, v in model.state_dict().items()})
loss = model(torch.randn(2, 3)).sum()
loss.backward()
grads = {name: round(p.grad.norm().item(), 4) for name, p in model.named_parameters()}
pprint(grads)
print(json.loads('{"a": [1, 2]}')["a"])
