# Blog-post idiom: count the nodes of the backward graph by type with a BFS and collections.Counter
from collections import Counter, deque

import torch

w = torch.randn(4, 4, requires_grad=True)
b = torch.zeros(4, requires_grad=True)
h = torch.randn(1, 4)
for step in range(3):
    h = torch.tanh(h @ w + b)
loss = h.sum()

counts = Counter()
seen = set()
queue = deque([loss.grad_fn])
while queue:
    node = queue.popleft()
    if node is None or node in seen:
        continue
    seen.add(node)
    counts[type(node).__name__] += 1
    for parent, _ in node.next_functions:
        queue.append(parent)

for name, n in sorted(counts.items()):
    print(f"{name:>20}: {n}")
print("total", sum(counts.values()))
loss.backward()
print(w.grad.shape, b.grad)
