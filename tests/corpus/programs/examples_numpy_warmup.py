# PyTorch tutorial: Learning PyTorch with Examples (Warm-up: numpy, gradients by hand)
import numpy as np
import math

np.random.seed(0)
x = np.linspace(-math.pi, math.pi, 200)
y = np.sin(x)

a = np.random.randn()
b = np.random.randn()
c = np.random.randn()
d = np.random.randn()

learning_rate = 1e-6
for t in range(50):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = np.square(y_pred - y).sum()
    if t % 10 == 9:
        print(t, round(float(loss), 4))
    grad_y_pred = 2.0 * (y_pred - y)
    grad_a = grad_y_pred.sum()
    grad_b = (grad_y_pred * x).sum()
    grad_c = (grad_y_pred * x ** 2).sum()
    grad_d = (grad_y_pred * x ** 3).sum()
    a -= learning_rate * grad_a
    b -= learning_rate * grad_b
    c -= learning_rate * grad_c
    d -= learning_rate * grad_d

print(f'Result: y = {a:.6f} + {b:.6f} x + {c:.6f} x^2 + {d:.6f} x^3')
