# Paper "Using the Output Embedding to Improve Language Models" (weight tying) as blog posts write it
import torch
import torch.nn as nn

torch.manual_seed(0)


class TiedLM(nn.Module):
    def __init__(self, vocab_size=12, dim=6):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, dim)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.decoder = nn.Linear(dim, vocab_size)
        self.decoder.weight = self.embedding.weight

    def forward(self, idx):
        h, _ = self.rnn(self.embedding(idx))
        return self.decoder(h)


model = TiedLM()
print(model.decoder.weight is model.embedding.weight)
print(len(list(model.parameters())), sum(p.numel() for p in model.parameters()))
idx = torch.randint(0, 12, (2, 5))
logits = model(idx[:, :-1])
loss = nn.functional.cross_entropy(logits.reshape(-1, 12), idx[:, 1:].reshape(-1))
loss.backward()
print(f"{loss.item():.4f}", model.embedding.weight.grad.shape)
print(torch.equal(model.decoder.weight.grad, model.embedding.weight.grad))
