# Blog post style library code: typing.NamedTuple outputs, an abstract base model with abc
from abc import ABC, abstractmethod
from typing import NamedTuple

import torch
import torch.nn as nn


class Output(NamedTuple):
    logits: torch.Tensor
    loss: torch.Tensor


class BaseModel(nn.Module, ABC):
    @abstractmethod
    def compute_loss(self, logits, target):
        ...

    def step(self, x, target, mode: str = "train") -> Output:
        self.train(mode == "train")
        logits = self(x)
        return Output(logits, self.compute_loss(logits, target))


class Classifier(BaseModel):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)

    def forward(self, x):
        return self.fc(x)

    def compute_loss(self, logits, target):
        return nn.functional.cross_entropy(logits, target)


torch.manual_seed(0)
model = Classifier()
out = model.step(torch.randn(4, 3), torch.tensor([0, 1, 1, 0]))
out.loss.backward()
print(type(out).__name__, out.logits.shape, f"{out.loss.item():.4f}", model.training)
print(model.fc.weight.grad)
