"""Views against the real PyTorch.

Hypothesis builds a random tensor and a random chain of view ops; each step is
applied to a torch tensor and a tinytorch tensor made from the same NumPy data.
After every step the two must agree on shape, stride(), storage_offset(),
is_contiguous(), values, and on whether the result still shares the base's
storage. An op that torch refuses must fail in tinytorch with the same
exception type and message. Finally one of the views is written through, and
the base and every view must show what torch shows.
"""
import math

import pytest
import torch
from hypothesis import event, given, settings
from hypothesis import strategies as st

import tinytorch
from oracle import assert_same, assert_same_error, assert_same_values, mostly, outcome, tinytorch_message

shapes = st.lists(st.integers(0, 4), min_size=0, max_size=4).map(tuple)


# -- drawing one op for a tensor of a given shape ------------------------------------
def dims(ndim, extra=1):
    """A dim index, mostly valid, sometimes just out of range."""
    n = max(ndim, 1)
    return mostly(st.integers(-n, n - 1), st.integers(-n - extra, n - 1 + extra))


def positions(size):
    """An index into a dim of `size`, mostly in range."""
    return mostly(st.integers(-size, size - 1) if size else st.just(0), st.integers(-size - 1, size))


def factorization(draw, numel, allow_minus_one=True):
    """A shape with `numel` elements, sometimes with -1, now and then invalid."""
    shape, remaining = [], numel
    for _ in range(draw(st.integers(0, 3))):
        choices = [d for d in range(1, remaining + 1) if remaining % d == 0] if remaining else [0, 1, 2]
        d = draw(st.sampled_from(choices))
        shape.append(d)
        remaining = remaining // d if d else remaining
    if remaining != 1 or draw(st.booleans()):
        shape.append(remaining)
    shape += [1] * draw(st.integers(0, 1))
    shape = list(draw(st.permutations(shape)))
    if allow_minus_one and shape and draw(st.booleans()):
        shape[draw(st.integers(0, len(shape) - 1))] = -1
    if draw(st.integers(0, 9)) == 0:
        shape.append(draw(st.integers(2, 3)))  # rarely: wrong number of elements
    return tuple(shape)


def slices(size):
    bound = st.one_of(st.none(), st.integers(-size - 2, size + 2))
    step = mostly(st.one_of(st.none(), st.integers(1, 3)), st.sampled_from([0, -1]))
    return st.builds(slice, bound, bound, step)


@st.composite
def basic_indices(draw, shape):
    """A basic index (ints, slices, None, ...), as a tuple or a single item."""
    items, dim = [], 0
    n_items = draw(st.integers(0, len(shape) + 1))
    used_ellipsis = False
    for _ in range(n_items):
        kind = draw(st.sampled_from(["int", "slice", "slice", "none", "ellipsis"]))
        size = shape[dim] if dim < len(shape) else 2
        if kind == "int":
            items.append(draw(positions(size)))
            dim += 1
        elif kind == "slice":
            items.append(draw(slices(size)))
            dim += 1
        elif kind == "none":
            items.append(None)
        elif not used_ellipsis:  # a second ... can send torch past the last dim, reading undefined sizes
            items.append(Ellipsis)
            used_ellipsis = True
            dim = len(shape) - (n_items - len(items))
            dim = max(dim, 0)
    if len(items) == 1 and draw(st.booleans()):
        return items[0]
    return tuple(items)


@st.composite
def view_ops(draw, shape, storage_size):
    """One view op as (name, args), drawn for a tensor of `shape` over a
    storage of `storage_size` elements."""
    ndim, numel = len(shape), math.prod(shape)
    name = draw(st.sampled_from([
        "view", "reshape", "transpose", "t", "permute", "expand", "expand_as", "unsqueeze", "squeeze",
        "squeeze_dim", "flatten", "unflatten", "narrow", "select", "as_strided", "getitem", "getitem",
    ]))
    if name in ("view", "reshape"):
        shape = factorization(draw, numel)
        return name, (shape,) if not shape or draw(st.booleans()) else shape
    if name == "transpose":
        return name, (draw(dims(ndim)), draw(dims(ndim)))
    if name == "t":
        return name, ()
    if name == "permute":
        perm = list(draw(st.permutations(range(ndim))))
        if perm and draw(st.integers(0, 3)) == 0:
            perm[0] = perm[0] - ndim  # negative dims are fine
        if draw(st.integers(0, 7)) == 0:
            perm = perm[:-1] if perm else [0]  # wrong length
        if len(perm) > 1 and draw(st.integers(0, 7)) == 0:
            perm[1] = perm[0]  # duplicate
        return name, (tuple(perm),)
    if name in ("expand", "expand_as"):
        lead = draw(st.lists(st.integers(0, 3), max_size=2))
        target = [draw(st.sampled_from([s, s, 3, 0])) if s == 1 else draw(st.sampled_from([s, s, s, 2]))
                  for s in shape]
        if name == "expand":
            target = [-1 if draw(st.integers(0, 3)) == 0 else s for s in target]
        return name, (tuple(lead + target),)
    if name == "unsqueeze":
        return name, (draw(dims(ndim + 1)),)
    if name == "squeeze":
        return name, ()
    if name == "squeeze_dim":
        if draw(st.booleans()):
            return name, (draw(dims(ndim)),)
        return name, (tuple(draw(st.lists(dims(ndim), max_size=2, unique=True))),)
    if name == "flatten":
        return name, (draw(dims(ndim)), draw(dims(ndim)))
    if name == "unflatten":
        dim = draw(dims(ndim, extra=0))
        size = shape[dim] if ndim else 1
        return name, (dim, factorization(draw, size))
    if name == "narrow":
        dim = draw(dims(ndim))
        size = shape[dim] if -ndim <= dim < ndim else 2
        start = draw(mostly(st.integers(-size, size), st.integers(-size - 1, size + 1)))
        room = size - (start % size if size and start < 0 else start)
        return name, (dim, start, draw(mostly(st.integers(0, max(room, 0)), st.integers(-1, size + 1))))
    if name == "select":
        dim = draw(dims(ndim))
        size = shape[dim] if -ndim <= dim < ndim else 2
        return name, (dim, draw(positions(size)))
    if name == "as_strided":
        return name, draw(as_strided_args(storage_size))
    return name, (draw(basic_indices(shape)),)


@st.composite
def any_as_strided_args(draw):
    ndim = draw(st.integers(0, 3))
    size = tuple(draw(st.lists(st.integers(0, 3), min_size=ndim, max_size=ndim)))
    stride = tuple(draw(st.lists(st.integers(0, 4), min_size=ndim, max_size=ndim)))
    offset = draw(st.one_of(st.none(), st.integers(0, 4)))
    return size, stride, offset


def as_strided_args(storage_size):
    """(size, stride, storage_offset), mostly fitting in the storage, overlaps and gaps included."""
    def fits(args):
        size, stride, offset = args
        extent = 0 if 0 in size else (offset or 0) + 1 + sum((n - 1) * s for n, s in zip(size, stride))
        return extent <= storage_size
    return mostly(any_as_strided_args().filter(fits), any_as_strided_args())


def apply(lib, x, op):
    name, args = op
    if name == "squeeze_dim":
        return x.squeeze(*args)
    if name == "expand_as":
        return x.expand_as(lib.empty(args[0]))
    if name == "getitem":
        return x[args[0]]
    return getattr(x, name)(*args)


# -- comparing ------------------------------------------------------------------------
def assert_same_failure(got, expected):
    assert got is not None, f"tinytorch succeeded where torch raised {type(expected).__name__}: {expected}"
    assert type(got) is type(expected), f"tinytorch {type(got).__name__}: {got}\ntorch {type(expected).__name__}: {expected}"
    assert str(got) == tinytorch_message(expected)


def torch_is_view_of(x, base):
    return x.untyped_storage().data_ptr() == base.untyped_storage().data_ptr()


@st.composite
def chains(draw):
    shape = draw(shapes)
    dtype = draw(st.sampled_from(["float32", "int64"]))
    steps, current = [], torch.empty(shape)
    storage_size = math.prod(shape)
    for _ in range(draw(st.integers(1, 5))):
        op = draw(view_ops(tuple(current.shape), storage_size))
        steps.append(op)
        result, error = outcome(lambda: apply(torch, current, op))
        if error is not None:
            break
        if result.untyped_storage().data_ptr() != current.untyped_storage().data_ptr():
            storage_size = result.numel()  # reshape copied
        current = result
    return shape, dtype, steps


def build_chain(shape, dtype, steps):
    """Apply `steps` to both libraries, comparing after each. Returns the list of
    (tinytorch, torch) pairs: the base first, then every view made."""
    n = math.prod(shape)
    tt_base = tinytorch.arange(n, dtype=getattr(tinytorch, dtype)).reshape(shape)
    ref_base = torch.arange(n, dtype=getattr(torch, dtype)).reshape(shape)
    pairs = [(tt_base, ref_base)]
    tt, ref = tt_base, ref_base
    for op in steps:
        ref_out, expected = outcome(lambda: apply(torch, ref, op))
        tt_out, got = outcome(lambda: apply(tinytorch, tt, op))
        event(f"{op[0]} {'raises' if expected else 'works'}")  # shown by --hypothesis-show-statistics
        if expected is not None:
            assert_same_failure(got, expected)
            break
        assert got is None, f"{op}: tinytorch raised {type(got).__name__}: {got}"
        assert_same(tt_out, ref_out)
        if ref_base.untyped_storage().nbytes():  # an empty storage has no address to compare
            assert (tt_out.untyped_storage() is tt_base.untyped_storage()) == torch_is_view_of(ref_out, ref_base), op
        tt, ref = tt_out, ref_out
        pairs.append((tt, ref))
    return pairs


@settings(max_examples=400, deadline=None)
@given(chains())
def test_view_chains_match_torch(chain):
    build_chain(*chain)


# -- writing through a view ----------------------------------------------------------
def overlaps(ref):
    """Whether two elements of a torch view share memory (an overlapping as_strided)."""
    if ref.numel() == 0:
        return False
    positions = torch.arange(ref.untyped_storage().nbytes() // ref.element_size())
    picked = positions.as_strided(ref.shape, ref.stride(), ref.storage_offset())
    return picked.unique().numel() < ref.numel()


@st.composite
def writes(draw, shape, dtype, has_overlap):
    if has_overlap:
        # With elements sharing memory, only writes of one value are well defined.
        kind = draw(st.sampled_from(["fill_", "zero_", "setitem"]))
    else:
        kind = draw(st.sampled_from(["fill_", "zero_", "setitem", "add_", "mul_", "add_tensor"]))
    value = draw(st.integers(-5, 5)) if dtype == "int64" else draw(st.sampled_from([-1.5, 0.25, 7.0, 3]))
    if kind == "setitem":
        return kind, (draw(basic_indices(shape)), value)
    if kind == "add_tensor":
        # A broadcastable tensor operand: the trailing dims of the view.
        return kind, (shape[draw(st.integers(0, len(shape))):],)
    return kind, (value,) if kind != "zero_" else ()


def write(lib, x, w):
    kind, args = w
    if kind == "setitem":
        x[args[0]] = args[1]
    elif kind == "add_tensor":
        other = lib.arange(math.prod(args[0]), dtype=x.dtype).reshape(args[0])
        x.add_(other)
    else:
        getattr(x, kind)(*args)


@settings(max_examples=300, deadline=None)
@given(chains(), st.data())
def test_writes_through_a_view_show_in_every_view(chain, data):
    shape, dtype, steps = chain
    pairs = build_chain(shape, dtype, steps)
    tt_base, ref_base = pairs[0]
    # Only tensors that share the base's storage; reshape may have copied.
    views = [(tt, ref) for tt, ref in pairs if tt.untyped_storage() is tt_base.untyped_storage()]
    tt, ref = data.draw(st.sampled_from(views))
    w = data.draw(writes(tuple(ref.shape), dtype, overlaps(ref)))
    _, expected = outcome(lambda: write(torch, ref, w))
    _, got = outcome(lambda: write(tinytorch, tt, w))
    if expected is not None:
        assert_same_failure(got, expected)
    else:
        assert got is None, f"{w}: tinytorch raised {type(got).__name__}: {got}"
    for tt_view, ref_view in pairs:
        assert_same_values(tt_view, ref_view)


# -- a view allocates no storage ------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda x: x.view(6, 4), lambda x: x.transpose(0, 2), lambda x: x[1], lambda x: x[:, ::2],
    lambda x: x.unsqueeze(0).expand(3, 2, 3, 4), lambda x: x.permute(2, 0, 1), lambda x: x.flatten(),
    lambda x: x.narrow(2, 1, 2), lambda x: x.select(1, -1), lambda x: x.as_strided((2, 2), (1, 3), 5),
    lambda x: x[..., None], lambda x: x.squeeze(), lambda x: x.unflatten(2, (2, 2)),
])
def test_views_share_the_storage_object(make):
    base = tinytorch.arange(24.0).reshape(2, 3, 4)
    view = make(base)
    assert view.untyped_storage() is base.untyped_storage()
    assert make(torch.arange(24.0).reshape(2, 3, 4))._is_view()


# -- the error messages learners meet most --------------------------------------------
ERROR_CASES = {
    "view incompatible with strides": lambda lib: lib.arange(12.0).reshape(3, 4).t().view(12),
    "view of a slice": lambda lib: lib.arange(12.0).reshape(3, 4)[:, 1:].view(-1),
    "shape invalid for size": lambda lib: lib.arange(12.0).view(5, 3),
    "two -1s": lambda lib: lib.arange(12.0).view(-1, -1),
    "negative size": lambda lib: lib.arange(12.0).reshape(-2, 6),
    "ambiguous -1 of empty": lambda lib: lib.zeros(0).view(-1, 0),
    "index out of range": lambda lib: lib.arange(12.0).reshape(3, 4)[3],
    "negative index out of range": lambda lib: lib.arange(12.0).reshape(3, 4)[:, -5],
    "index of 0-d": lambda lib: lib.tensor(1.0)[0],
    "too many indices": lambda lib: lib.arange(12.0).reshape(3, 4)[0, 0, 0],
    "view with no size": lambda lib: lib.arange(12.0).view(),
    "float index": lambda lib: lib.arange(12.0)[1.5],
    "dim out of range": lambda lib: lib.arange(12.0).reshape(3, 4).transpose(0, 2),
    "size of a dim out of range": lambda lib: lib.arange(12.0).reshape(3, 4).size(-3),
    "stride of a dim out of range": lambda lib: lib.arange(12.0).reshape(3, 4).stride(2),
    "size of a 0-d tensor": lambda lib: lib.tensor(1.0).size(0),
    "stride of a 0-d tensor": lambda lib: lib.tensor(1.0).stride(-1),
    "negative dim out of range": lambda lib: lib.arange(12.0).reshape(3, 4).sum(-3),
    "t of 3-d": lambda lib: lib.zeros(2, 3, 4).t(),
    "expand mismatch": lambda lib: lib.zeros(2, 3).expand(2, 4),
    "expand too few sizes": lambda lib: lib.zeros(2, 3).expand(3),
    "expand -1 in new dim": lambda lib: lib.zeros(2, 3).expand(-1, 2, 3),
    "permute wrong length": lambda lib: lib.zeros(2, 3).permute(0),
    "permute duplicate": lambda lib: lib.zeros(2, 3).permute(1, 1),
    "permute dim out of range": lambda lib: lib.zeros(2, 3).permute(0, 2),
    "step zero": lambda lib: lib.arange(6.0)[::0],
    "negative step": lambda lib: lib.arange(6.0)[::-1],
    "narrow past the end": lambda lib: lib.arange(6.0).narrow(0, 4, 3),
    "narrow start out of range": lambda lib: lib.arange(6.0).narrow(0, 7, 0),
    "narrow negative length": lambda lib: lib.arange(6.0).narrow(0, 1, -1),
    "narrow of 0-d": lambda lib: lib.tensor(1.0).narrow(0, 0, 1),
    "select out of range": lambda lib: lib.zeros(2, 3).select(1, 3),
    "select of 0-d": lambda lib: lib.tensor(1.0).select(0, 0),
    "squeeze out of range": lambda lib: lib.zeros(2, 1).squeeze(2),
    "squeeze tuple out of range": lambda lib: lib.zeros(2, 1).squeeze((0, -3)),
    "unsqueeze out of range": lambda lib: lib.zeros(2, 1).unsqueeze(3),
    "unsqueeze negative out of range": lambda lib: lib.zeros(2, 1).unsqueeze(-4),
    "flatten dims reversed": lambda lib: lib.zeros(2, 3, 4).flatten(2, 0),
    "unflatten sizes do not multiply": lambda lib: lib.zeros(2, 6).unflatten(1, (4, 2)),
    "unflatten two -1s": lambda lib: lib.zeros(2, 6).unflatten(1, (-1, -1)),
    "unflatten empty sizes": lambda lib: lib.zeros(2, 6).unflatten(1, ()),
    "as_strided out of bounds": lambda lib: lib.zeros(2, 3).as_strided((2, 3), (3, 1), 1),
    "as_strided negative stride": lambda lib: lib.zeros(6).as_strided((2,), (-1,)),
    "as_strided negative size": lambda lib: lib.zeros(6).as_strided((-2,), (1,)),
    "as_strided negative offset": lambda lib: lib.zeros(6).as_strided((2,), (1,), -1),
    "as_strided lengths differ": lambda lib: lib.zeros(6).as_strided((2, 2), (1,)),
    "write to expanded": lambda lib: lib.zeros(3, 1).expand(3, 4).add_(1),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_errors_match_torch(case):
    make = ERROR_CASES[case]
    assert_same_error(lambda: make(tinytorch), lambda: make(torch))


def test_failed_inplace_leaves_tensor_unchanged():
    tt = tinytorch.arange(6.0).reshape(2, 3)
    ref = torch.arange(6.0).reshape(2, 3)
    assert_same_error(lambda: tt.add_(tinytorch.ones(3, 3)), lambda: ref.add_(torch.ones(3, 3)))
    assert_same_error(lambda: tt[0].add_(tinytorch.ones(2, 3)), lambda: ref[0].add_(torch.ones(2, 3)))
    assert_same(tt, ref)


def test_a_reshape_that_copies_is_a_tensor_of_its_own_as_in_torch():
    """reshape of a tensor whose strides allow no view copies (PyTorch's _unsafe_view):
    the result is no view, even when made in no_grad mode or inside backward, so a later
    write or a second backward treats it as any tensor (issue 14's two crashes)."""
    def program(lib):
        seen = []
        x = lib.ones(2, 3, requires_grad=True)
        x.view(3, 2).t().backward(lib.ones(2, 3))  # backward reshapes the gradient with a copy
        x.sum().backward()
        seen.append(x.grad.tolist())
        with lib.no_grad():
            r = x.expand(3, 3, 2, 3).reshape(2, 27)
        r.zero_()
        seen.append((r.is_leaf, r.requires_grad, r.grad_fn is None, r.sum().item()))
        return seen
    assert program(tinytorch) == program(torch)


@pytest.mark.parametrize("squeeze", [lambda t: t.squeeze(), lambda t: t.squeeze(1), lambda t: t.squeeze((0, 2))],
                         ids=["all", "one dim", "dims"])
def test_the_gradient_of_squeeze_is_laid_out_as_torchs(squeeze):
    """squeeze's backward puts the dropped dims back with unsqueeze (torch's unsqueeze_to),
    so a broadcast gradient keeps torch's strides there."""
    strides = []
    for lib in (tinytorch, torch):
        x = lib.ones(1, 3, 1, requires_grad=True) if squeeze is not None else None
        (grad,) = lib.autograd.grad(squeeze(x).sum(), [x])
        strides.append((tuple(grad.shape), grad.stride()))
    assert strides[0] == strides[1]


# -- gradients back through a view chain ------------------------------------------------
GRAD_OPS = {"abs": lambda t: t.abs(), "neg": lambda t: -t, "mul": lambda t: t * 2, "square": lambda t: t * t,
            "sum": lambda t: t}


@settings(max_examples=300, deadline=None)
@given(chains(), st.sampled_from(sorted(GRAD_OPS)), st.sampled_from(["backward", "grad", "second"]))
def test_gradients_back_through_view_chains_are_laid_out_as_torchs(chain, op, how):
    """The leaf's .grad (or autograd.grad's result, or a second derivative) after a
    view chain and one op: its values and strides follow torch's, which keeps a
    gradient as its backward made it when the layout allows ("stealing" it, a view
    of a fresh buffer included) and lays out a copy like the leaf otherwise. Chains
    of as_strided with overlapping inputs share gradients out as torch does."""
    shape, _, steps = chain
    results = []
    for lib in (tinytorch, torch):
        x = lib.arange(math.prod(shape), dtype=lib.float32).reshape(shape).requires_grad_()
        t = x
        for step in steps:
            nxt, error = outcome(lambda: apply(lib, t, step))
            if error is not None:
                break
            t = nxt
        out = GRAD_OPS[op](t).sum()
        if how == "backward":
            out.backward()
            results.append(x.grad)
        elif how == "grad":
            results.append(lib.autograd.grad(out, [x])[0])
        else:
            (first,) = lib.autograd.grad(out, [x], create_graph=True)
            weights = lib.arange(first.numel(), dtype=lib.float32).reshape(tuple(first.shape))
            second = lib.autograd.grad((first * weights).sum(), [x], allow_unused=True)[0] \
                if first.requires_grad else None
            results.append((first.detach(), second))
    if how == "second":
        assert_same(results[0][0], results[1][0])
        assert (results[0][1] is None) == (results[1][1] is None)
        if results[1][1] is not None:  # values only: torch may answer with a ZeroTensor, which has no memory
            want = results[1][1]
            assert_same_values(results[0][1], torch.zeros(want.shape) if want._is_zerotensor() else want)
    else:
        assert_same(*results)


def test_a_write_through_a_transposed_view_keeps_torchs_gradient_layout():
    """CopySlices hands the in-place op's backward a row-major copy of the view's part
    of the gradient, as torch does, so the gradients after it are laid out as torch's
    (a random program found the transposed one)."""
    results = []
    for lib in (tinytorch, torch):
        x = lib.arange(9.0).reshape(3, 3).requires_grad_()
        y = x * 2
        y.t().mul_(x + 1)
        (grad,) = lib.autograd.grad(y.sum(), [x])
        results.append(grad)
    assert_same(*results)
