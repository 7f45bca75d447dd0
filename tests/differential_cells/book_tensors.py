# Cells written for the course in the spirit of chapter 3 ("Tensor") of
# 陈云《深度学习框架PyTorch：入门与实践》 (github.com/chenyuntc/pytorch-book):
# the same topics, in the order the book takes them, with our own code.
# tests/test_differential_cells.py runs every cell with torch and with tinytorch.

# %%
import torch as t
import numpy as np
t.__name__.endswith("torch")

# %%
a = t.Tensor(2, 3).zero_()  # the legacy constructor: sizes (its memory is unset, so zeroed here)
a

# %%
b = t.Tensor([[1, 2, 3], [4, 5, 6]])
b

# %%
b.tolist()

# %%
b_size = b.size()
b_size, b.shape, b.numel(), b.nelement()

# %%
c = t.Tensor(b_size).fill_(0)
d = t.Tensor((2, 3))
c, d

# %%
t.ones(2, 3), t.zeros(2, 3), t.arange(1, 6, 2), t.linspace(1, 10, 3), t.eye(2, 3)

# %%
t.manual_seed(1)
t.randn(2, 3).shape, t.randperm(5).sort().values

# %%
try:  # the book's edition names the dimensions; torch 2.13's randn no longer takes names=
    t.randn(2, 3, names=("rows", "columns"))
except TypeError as e:
    print(e)

# %%
t.manual_seed(1000)  # seeded, tinytorch draws torch's numbers
t.randn(2, 3), t.rand(2, 3), t.randint(0, 10, (2, 3)), t.randperm(8)

# %%
x = t.randn(4, 5)  # 20 normals: torch makes these in blocks of 16
x, t.empty(2, 3).uniform_(-1, 1), t.empty(3, 2).normal_(5, 2)

# %%
scalar = t.tensor(3.14159)
print('scalar: %s, shape of sclar: %s' % (scalar, scalar.shape))

# %%
vector = t.tensor([1, 2])
print('vector: %s, shape of vector: %s' % (vector, vector.shape))

# %%
matrix = t.tensor([[0.1, 1.2], [2.2, 3.1], [4.9, 5.2]])
matrix, matrix.shape

# %%
t.tensor([[0.11111, 0.222222, 0.3333333]], dtype=t.float64, device=t.device('cpu'))

# %%
empty_tensor = t.tensor([])
empty_tensor.shape

# %%
a = t.arange(0, 6)
a.view(2, 3)

# %%
b = a.view(-1, 3)
b.shape

# %%
b.unsqueeze(1).shape, b.unsqueeze(-2).shape

# %%
c = b.view(1, 1, 1, 2, 3)
c.squeeze(0).shape, c.squeeze().shape

# %%
a[1] = 100
b  # a view shares a's memory

# %%
b.resize_(1, 3)
b

# %%
b.resize_(3, 3)
b[:2]  # the first six values are a's; the rest is new memory

# %%
a = t.arange(12.).view(3, 4) - 5
a

# %%
a[0], a[:, 0], a[0][2], a[0, -1], a[:2], a[:2, 0:2]

# %%
a[0:1, :2].shape, a[0, :2].shape

# %%
a[None].shape, a[:, None, :, None].shape

# %%
a > 1

# %%
a[a > 1]

# %%
a[t.LongTensor([0, 1])]

# %%
a = t.arange(0, 16).view(4, 4)
index = t.LongTensor([[0, 1, 2, 3]])
a.gather(0, index)

# %%
index = t.LongTensor([[3, 2, 1, 0]]).t()
a.gather(1, index)

# %%
index = t.LongTensor([[3, 2, 1, 0], [0, 1, 2, 3]]).t()
b = a.gather(1, index)
b

# %%
c = t.zeros(4, 4, dtype=t.long)
c.scatter_(1, index, b)

# %%
a[0, 0], a[0, 0].item()

# %%
d = a[0:1, 0:1, None]
d.shape, d.item()

# %%
x = t.arange(0, 27).view(3, 3, 3)
x[[1, 2], [1, 2], [2, 0]]

# %%
x[[2, 1, 0], [0], [1]], x[[0, 2], ...]

# %%
t.set_default_dtype(t.float64)
a = t.Tensor(2, 3).zero_()
a.dtype

# %%
t.set_default_dtype(t.float32)
c = a.type_as(t.IntTensor(1))
c.dtype, a.new(2, 3).dtype, t.zeros_like(a).dtype, t.zeros_like(a, dtype=t.int16).dtype

# %%
a = t.arange(0, 6).view(2, 3).float()
t.cos(a), a % 3, t.fmod(a, 3), a ** 2, t.pow(a, 2)

# %%
t.clamp(a, min=3), a.clamp(1, 4)

# %%
b = t.ones(2, 3)
b.sum(dim=0, keepdim=True), b.sum(dim=0, keepdim=False), b.sum(dim=1)

# %%
a = t.arange(0, 6).view(2, 3)
a.cumsum(dim=1)

# %%
a = a.float()
a.mean(), a.std(), a.var(dim=0), a.norm(), a.norm(p=1, dim=1), a.prod(dim=1)

# %%
a = t.linspace(0, 15, 6).view(2, 3)
b = t.linspace(15, 0, 6).view(2, 3)
a > b, a[a > b]

# %%
t.max(a), t.max(b, dim=1), t.max(a, b), t.clamp(a, min=10)

# %%
a.sort(dim=1, descending=True), a.topk(2, dim=1), a.kthvalue(2, dim=1)

# %%
b = a.t()
b.is_contiguous(), b.contiguous().is_contiguous(), b.stride(), b.contiguous().stride()

# %%
m = t.arange(1., 7.).view(2, 3)
m.mm(m.t()), m @ m.t(), m.t().mv(t.ones(2)), t.dot(m[0], m[1]), m[:, :2].trace(), m[:, :2].diag(), m.triu(1)

# %%
a = np.ones([2, 3], dtype=np.float32)
b = t.from_numpy(a)
b

# %%
b = t.Tensor(a)  # shares memory with the float32 array
a[0, 1] = 100
b

# %%
c = b.numpy()
c.dtype, c.shape

# %%
a = np.ones([2, 3])
b = t.Tensor(a)  # a float64 array: the legacy constructor copies
c = t.from_numpy(a)  # from_numpy shares
a[0, 1] = 7
b, c

# %%
a = t.ones(3, 2)
b = t.zeros(2, 3, 1)
a + b

# %%
a.unsqueeze(0).expand(2, 3, 2) + b.expand(2, 3, 2)

# %%
a = t.arange(0, 6)
a.storage_offset(), a.stride()

# %%
b = a.view(2, 3)
b.data_ptr() == a.data_ptr(), b.untyped_storage().data_ptr() == a.untyped_storage().data_ptr()

# %%
c = a[2:]
c.data_ptr() - a.data_ptr(), c.storage_offset(), c.untyped_storage().data_ptr() == a.untyped_storage().data_ptr()

# %%
c.fill_(-100)
a

# %%
e = b[::2, ::2]
e, e.stride(), e.is_contiguous(), e.storage_offset()

# %%
x = t.arange(0, 8)
print(x.chunk(3), x.split(3))

# %%
y = x.view(2, 4)
y.unbind(0), y.flip(1), y.roll(1, 1), y.repeat(1, 2), t.cat([y, y], 0).shape, t.stack([y, y]).shape

# %%
z = t.tensor([[1., 2.], [3., 4.]])
t.where(z > 2, z, t.zeros_like(z)), z.masked_fill(z > 2, -1), z.masked_select(z > 2), (z > 2).nonzero()
