# Cells written for the course in the spirit of the PyTorch tutorial "Automatic
# Differentiation with torch.autograd" (pytorch/tutorials,
# beginner_source/basics/autogradqs_tutorial.py), with our own code and numbers.

# %%
import torch

x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.linspace(-1, 1, 15).view(5, 3).requires_grad_()
b = torch.tensor([0.1, -0.2, 0.3], requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
loss

# %%
print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")

# %%
loss.backward()
print(w.grad)
print(b.grad)

# %%
z = torch.matmul(x, w) + b
print(z.requires_grad)

with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)

# %%
z = torch.matmul(x, w) + b
z_det = z.detach()
print(z_det.requires_grad)

# %%
inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")

# %%
try:
    loss.backward()
except RuntimeError as error:
    print(error)
