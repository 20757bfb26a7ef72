# PyTorch docs nn.utils.rnn: pack_padded_sequence through an LSTM for variable-length batches
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

seqs = [torch.randn(4, 2), torch.randn(2, 2), torch.randn(3, 2)]
lengths = torch.tensor([len(s) for s in seqs])
padded = pad_sequence(seqs, batch_first=True)
print(padded.shape)
lstm = nn.LSTM(2, 3, batch_first=True)
packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
out_packed, (h, c) = lstm(packed)
out, out_lengths = pad_packed_sequence(out_packed, batch_first=True)
print(out.shape, out_lengths)
h[-1].sum().backward()
print(lstm.weight_hh_l0.grad.shape)
