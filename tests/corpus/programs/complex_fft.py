# Blog post on spectral losses: differentiate through torch.fft
import torch

signal = torch.linspace(0, 1, 8, requires_grad=True)
spectrum = torch.fft.rfft(signal)
power = spectrum.abs() ** 2
loss = power[1:].sum()
loss.backward()
print(spectrum.dtype, spectrum.shape)
print(signal.grad)
back = torch.fft.irfft(spectrum, n=8)
print(torch.allclose(back, signal))
