# PyTorch docs nn.MultiheadAttention: batch_first, key_padding_mask, attn_mask and averaged weights
import torch
import torch.nn as nn

torch.manual_seed(0)
embed_dim, num_heads = 8, 2
mha = nn.MultiheadAttention(embed_dim, num_heads, batch_first=True, dropout=0.0)
x = torch.randn(2, 5, embed_dim, requires_grad=True)
key_padding_mask = torch.tensor([[False, False, False, True, True],
                                 [False, False, False, False, False]])

attn_output, attn_weights = mha(x, x, x, key_padding_mask=key_padding_mask, attn_mask=nn.Transformer.generate_square_subsequent_mask(5))
print(attn_output.shape, attn_weights.shape)
print(attn_weights[0].sum(dim=-1))
_, per_head = mha(x, x, x, need_weights=True, average_attn_weights=False)
print(per_head.shape)
attn_output.pow(2).sum().backward()
print(x.grad.shape, mha.in_proj_weight.grad.shape, mha.out_proj.weight.grad.norm() > 0)
