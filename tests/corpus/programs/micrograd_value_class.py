# Karpathy "Neural Networks: Zero to Hero" lecture 1: a Value class with _backward closures vs torch
import math
import torch


class Value:
    def __init__(self, data, _children=(), _op=''):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __repr__(self):
        return f"Value(data={self.data:.4f}, grad={self.grad:.4f})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __rmul__(self, other):
        return self * other

    def tanh(self):
        t = (math.exp(2 * self.data) - 1) / (math.exp(2 * self.data) + 1)
        out = Value(t, (self,), 'tanh')

        def _backward():
            self.grad += (1 - t ** 2) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo = []
        visited = set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()


x1 = Value(2.0); x2 = Value(0.0)
w1 = Value(-3.0); w2 = Value(1.0)
b = Value(6.8813735870195432)
n = x1 * w1 + x2 * w2 + b
o = n.tanh()
o.backward()
print(o, x1, w1)

tx1 = torch.Tensor([2.0]).double(); tx1.requires_grad = True
tx2 = torch.Tensor([0.0]).double(); tx2.requires_grad = True
tw1 = torch.Tensor([-3.0]).double(); tw1.requires_grad = True
tw2 = torch.Tensor([1.0]).double(); tw2.requires_grad = True
tb = torch.Tensor([6.8813735870195432]).double(); tb.requires_grad = True
tn = tx1 * tw1 + tx2 * tw2 + tb
to = torch.tanh(tn)
print(to.data.item())
to.backward()
print('---')
print('x2', tx2.grad.item())
print('w2', tw2.grad.item())
print('x1', tx1.grad.item())
print('w1', tw1.grad.item())
print(abs(x1.grad - tx1.grad.item()) < 1e-9)
