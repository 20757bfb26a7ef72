# PyTorch docs nn.TransformerEncoder: two pre-norm layers with a padding mask, classifier on the mean
import torch
import torch.nn as nn

torch.manual_seed(0)


class TinyClassifier(nn.Module):
    def __init__(self, vocab=20, d_model=16, nhead=2, num_layers=2, classes=3):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model, padding_idx=0)
        self.pos = nn.Parameter(torch.zeros(1, 6, d_model))
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=32, dropout=0.1,
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=num_layers, enable_nested_tensor=False)
        self.cls = nn.Linear(d_model, classes)

    def forward(self, tokens):
        pad = tokens == 0
        h = self.encoder(self.embed(tokens) + self.pos, src_key_padding_mask=pad)
        h = h.masked_fill(pad.unsqueeze(-1), 0.0)
        return self.cls(h.sum(1) / (~pad).sum(1, keepdim=True))


model = TinyClassifier()
tokens = torch.tensor([[3, 5, 7, 0, 0, 0], [1, 2, 3, 4, 5, 6]])
logits = model(tokens)
loss = nn.functional.cross_entropy(logits, torch.tensor([0, 2]))
loss.backward()
print(logits.shape, f"{loss.item():.4f}")
print(model.embed.weight.grad[0].abs().sum().item(), model.pos.grad.shape)
print(len(model.encoder.layers), model.encoder.layers[1].self_attn.in_proj_weight.grad is not None)
