# Blog post style training script: an Enum for the run mode and the activation choice
from enum import Enum

import torch
import torch.nn as nn


class Mode(Enum):
    TRAIN = "train"
    EVAL = "eval"


class Act(Enum):
    RELU = "relu"
    TANH = "tanh"

    def module(self):
        return nn.ReLU() if self is Act.RELU else nn.Tanh()


torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 4), Act("tanh").module(), nn.Linear(4, 1))
for mode in Mode:
    model.train(mode is Mode.TRAIN)
    out = model(torch.randn(2, 3)).sum()
    if mode is Mode.TRAIN:
        out.backward()
    print(mode.name, mode.value, model.training)
print(model[0].weight.grad.shape, [m.value for m in Act])
