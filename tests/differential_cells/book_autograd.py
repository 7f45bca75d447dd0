# Cells written for the course in the spirit of chapter 3 ("autograd") of
# 陈云《深度学习框架PyTorch：入门与实践》 (github.com/chenyuntc/pytorch-book):
# the 0.4 edition's Variable, then requires_grad, the graph, hooks, a custom
# Function and a small linear regression, with our own code and numbers.

# %%
import torch as t
from torch.autograd import Variable as V

# %%
a = V(t.ones(3, 4), requires_grad=True)
a

# %%
b = V(t.zeros(3, 4))
c = a.add(b)
d = c.sum()
d.backward()
d, a.grad

# %%
a.requires_grad, b.requires_grad, c.requires_grad, a.is_leaf, c.is_leaf

# %%
c.grad is None, d.grad_fn, c.grad_fn.next_functions

# %%
def f(x):
    return x ** 2 * t.exp(x)


def gradf(x):
    return 2 * x * t.exp(x) + x ** 2 * t.exp(x)


x = t.linspace(-1, 1, 12).view(3, 4).requires_grad_()
y = f(x)
y.backward(t.ones(y.size()))
(x.grad - gradf(x.detach())).abs().max() < 1e-6

# %%
x = t.ones(1)
b = t.rand(1, requires_grad=True)
w = t.rand(1, requires_grad=True)
y = w * x
z = y + b
x.requires_grad, b.requires_grad, w.requires_grad, y.requires_grad, z.grad_fn

# %%
z.grad_fn.next_functions, z.grad_fn.next_functions[0][0] == y.grad_fn, y.grad_fn.next_functions

# %%
w.grad_fn, x.grad_fn

# %%
z.backward(retain_graph=True)
g1 = w.grad.clone()
z.backward()
(w.grad / g1).item()  # two backward passes add up

# %%
def abs_value(x):
    return x if x.data[0] > 0 else -x

x = t.ones(1, requires_grad=True)
y = abs_value(x)
y.backward()
x.grad

# %%
x = -1 * t.ones(1)
x = x.requires_grad_()
y = abs_value(x)
y.backward()
x.grad

# %%
x = t.ones(1, requires_grad=True)
w = t.full((1,), 3.0, requires_grad=True)
with t.no_grad():
    y = x * w
y.requires_grad, y.grad_fn

# %%
t.set_grad_enabled(False)
y = x * 2
t.set_grad_enabled(True)
y.requires_grad

# %%
a = t.ones(3, 4, requires_grad=True)
b = t.ones(3, 4, requires_grad=True)
c = a * b
a.data, a.data.requires_grad, a.detach().requires_grad

# %%
d = a.data
d.sigmoid_()
a  # .data shares memory, and autograd does not see the write

# %%
x = t.ones(3, requires_grad=True)
w = t.arange(1.0, 4.0, requires_grad=True)
y = x * w
z = y.sum()
t.autograd.grad(z, y)

# %%
def variable_hook(grad):
    print('y的梯度：', grad)

hook_handle = y.register_hook(variable_hook)
z = y.sum()
z.backward()
hook_handle.remove()
x.grad

# %%
x = t.arange(0., 3., requires_grad=True)
y = x ** 2 + x * 2
z = y.sum()
z.backward()
x.grad

# %%
x = t.arange(0., 3., requires_grad=True)
y = x ** 2 + x * 2
y_grad = 2 * x + 2
x.grad is None, (y_grad.detach() == t.tensor([2., 4., 6.])).all()

# %%
from torch.autograd import Function


class MultiplyAdd(Function):
    @staticmethod
    def forward(ctx, w, x, b):
        ctx.save_for_backward(w, x)
        return w * x + b

    @staticmethod
    def backward(ctx, grad_output):
        w, x = ctx.saved_tensors
        return grad_output * x, grad_output * w, grad_output


x = t.ones(1)
w = t.rand(1, requires_grad=True)
b = t.rand(1, requires_grad=True)
z = MultiplyAdd.apply(w, x, b)
z.backward()
x.grad, w.grad, b.grad, z.grad_fn.__class__.__name__

# %%
x = t.tensor([5.0], requires_grad=True)
y = x ** 2
grad_x = t.autograd.grad(y, x, create_graph=True)
grad_grad_x = t.autograd.grad(grad_x[0], x)
grad_x, grad_grad_x

# %%
a = t.ones(2, requires_grad=True)
b = a * 2
b.mul_(3)  # a non-leaf may be written in place
b.sum().backward()
a.grad

# %%
try:
    a.mul_(2)
except RuntimeError as e:
    print(e)

# %%
x = t.linspace(0, 1, 20).view(20, 1)
y = 2 * x + 3 + t.sin(17 * x) * 0.1  # a line with a little wiggle, fixed for the test
w = t.zeros(1, 1, requires_grad=True)
b = t.zeros(1, 1, requires_grad=True)
for step in range(200):
    y_pred = x.mm(w) + b.expand_as(y)
    loss = 0.5 * (y_pred - y) ** 2
    loss = loss.sum()
    loss.backward()
    w.data.sub_(0.05 * w.grad.data)
    b.data.sub_(0.05 * b.grad.data)
    w.grad.data.zero_()
    b.grad.data.zero_()
print(round(w.item(), 3), round(b.item(), 3), round(loss.item(), 4))

# %%
class Square(Function):  # the 0.4 edition's name for what forward saved
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 2

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_variables
        return 2 * x * grad_output


x = t.tensor([3.0], requires_grad=True)
Square.apply(x).backward()
x.grad, t.ones(1).volatile

# %%
t.set_grad_enabled(False)

# %%
t.set_grad_enabled(True)

# %%
# linear regression on made-up data, as the book fits y = 2x + 3 with autograd
t.manual_seed(1000)


def get_fake_data(batch_size=8):
    x = t.rand(batch_size, 1) * 5
    y = x * 2 + 3 + t.randn(batch_size, 1)
    return x, y


w = t.rand(1, 1, requires_grad=True)
b = t.zeros(1, 1, requires_grad=True)
for step in range(500):
    x, y = get_fake_data()
    loss = 0.5 * ((x.mm(w) + b - y) ** 2).sum()
    loss.backward()
    w.data.sub_(0.005 * w.grad.data)
    b.data.sub_(0.005 * b.grad.data)
    w.grad.data.zero_()
    b.grad.data.zero_()
print(w.item(), b.item())
