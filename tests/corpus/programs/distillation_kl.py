# Paper "Distilling the Knowledge in a Neural Network" as tutorials write the soft-target loss
import torch
import torch.nn as nn
import torch.nn.functional as F

teacher = nn.Linear(6, 4)
student = nn.Linear(6, 4)
x = torch.randn(5, 6)
labels = torch.tensor([0, 3, 1, 2, 0])
T = 2.0
with torch.no_grad():
    teacher_logits = teacher(x)
student_logits = student(x)
soft_targets = F.softmax(teacher_logits / T, dim=-1)
soft_prob = F.log_softmax(student_logits / T, dim=-1)
soft_targets_loss = F.kl_div(soft_prob, soft_targets, reduction='batchmean') * (T ** 2)
label_loss = F.cross_entropy(student_logits, labels, label_smoothing=0.1)
loss = 0.25 * soft_targets_loss + 0.75 * label_loss
loss.backward()
print(round(soft_targets_loss.item(), 5), round(label_loss.item(), 5))
print(teacher.weight.grad, student.bias.grad)
