"""Random programs run under tinytorch and torch, compared after every statement.

A program is a list of Statements: Python source over variables v0, v1, ... and
a module named `lib`. The generator mixes leaves made from literal data (0-3
dims, size-0 and size-1 dims, nan/inf/-0.0), views, ops, in-place writes
(through views too), `with lib.no_grad():` blocks, backward() and
lib.autograd.grad. The runner executes a program in two namespaces, one with
`lib = tinytorch` and one with `lib = torch`, and after each statement compares
every live variable (values, shape, dtype, stride, offset, requires_grad,
is_leaf, a leaf's .grad) and the exception type, if a statement raises. A
mismatch is shrunk to a short standalone script.

    python tests/random_programs.py --seconds 600   explore new seeds (make fuzz)

tests/test_random_programs.py runs a fixed list of seeds, and checks the
runner itself: torch against torch reports nothing, and the shrinker shrinks.
"""
import argparse
import collections
import dataclasses
import math
import random
import re
import sys
import time
import warnings

import numpy as np
import torch

import oracle
import tinytorch
from tinytorch.exact.layout import is_non_overlapping_and_dense

STATEMENTS = 30  # per program: long enough for views of views and a few backward passes

# Where torch disagrees with itself, so there is no one answer to compare with (named
# exclusions, each as narrow as the disagreement):
# - the sign of a tied zero in maximum and minimum: torch's scalar loop returns the first
#   operand of maximum(0.0, -0.0) and its 16-lane vector loop the second, so the zero's
#   sign depends on the element's place in the tensor (amax reduces the same way). Such a
#   value is compared with the signs of its zeros ignored, and what is computed from it
#   counts as drifted (below).
TIED_ZERO_SIGN = re.compile(r"\blib\.(maximum|minimum)\(|\.amax\(")

# And one that follows from the tolerance below (NumPy's and torch's exp, sums ... may
# differ in the last bits): nonzero() or where(condition) of a value that drifted
# gives a shape decided by those last bits, so the program is compared no further.
DATA_DEPENDENT_SHAPE = re.compile(r"\.nonzero\(|lib\.where\(v\d+ > 0\)")

# And one known difference (tinytorch/differences.py, "Stale views passed to an op with a
# bad argument"): for a view whose history torch refuses to rebuild, torch's primitive ops
# report that before a bad argument, tinytorch's the other way round. Both raise; when
# torch's error is that one, the two exceptions' types are not compared.
STALE_VIEW = re.compile(r"its base or another view of its base has been modified inplace")

# Values from these ops are compared with a tolerance: NumPy's exp/log/sin/tanh and
# torch's vectorized (SLEEF) ones round differently in the last bits, and sums add
# in another order. Everything else, and everything computed from integers, is exact.
# Once two values do differ in their last bits, what is computed from them may differ
# by any amount (log near 0, a division by a tiny number, tanh's saturation), so such
# values are compared on everything but their numbers (run() calls them "drifted").
INEXACT = re.compile(r"\b(exp|log|sin|tanh|sigmoid|sum|mean|matmul|cumsum)\(")
RTOL = {"float16": 1e-3, "float32": 1e-5, "float64": 1e-12}
UNCHECKED = math.inf  # the "tolerance" of a value computed from drifted values


@dataclasses.dataclass(frozen=True)
class Statement:
    kind: str  # what the generator meant it to exercise: "leaf", "view", "inplace", ...
    source: str


@dataclasses.dataclass
class Mismatch:
    index: int  # of the statement after which the two libraries differ
    kind: str
    detail: str

    def signature(self, program):
        """What makes two mismatches 'the same failure' while shrinking."""
        return program[self.index].source, self.detail.split(":")[0]


# ---------------------------------------------------------------- generating

NUMBERS = (0, 1, -1, 2, -3, 0.5, -1.5, 2.25, -0.0, math.nan, math.inf, -math.inf)


def number_source(x):
    """A number as source text: nan and inf by name (the reproducer imports them)."""
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    if isinstance(x, float) and math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(x)


class Generator:
    """Builds one program from a seed. It runs each statement under torch as it
    goes, so it knows every variable's shape and dtype and can write views and
    ops that mostly fit (a statement that raises is kept: errors are compared too)."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.namespace = {"lib": torch, "nan": math.nan, "inf": math.inf}
        self.program = []
        self.names = 0  # v0, v1, ...: each assignment gets a new name, even if it raises

    def generate(self, length=STATEMENTS):
        for _ in range(2):  # something to work on
            self.emit("leaf", self.leaf())
        while len(self.program) < length:
            kind = self.rng.choice(KINDS)
            source = getattr(self, kind)()
            if source is not None:
                self.emit(kind, source)
        return self.program

    def emit(self, kind, source):
        self.program.append(Statement(kind, source))
        execute(source, self.namespace)

    # -- helpers
    def tensors(self, where=lambda t: True):
        return [name for name, value in self.namespace.items()
                if isinstance(value, torch.Tensor) and where(value)]

    def pick(self, where=lambda t: True):
        names = self.tensors(where)
        return self.rng.choice(names) if names else None

    def fresh(self):
        self.names += 1
        return f"v{self.names - 1}"

    def number(self):
        return number_source(self.rng.choice(NUMBERS))

    def dim(self, t):
        return self.rng.randrange(-t.dim(), t.dim()) if t.dim() else 0

    # -- statement kinds: each returns source text, or None when nothing fits
    def leaf(self):
        rng = self.rng
        shape = tuple(rng.choice((0, 1, 1, 2, 3, 4)) for _ in range(rng.choice((0, 1, 2, 2, 3))))
        dtype = rng.choice(("float32", "float32", "float64", "int64", "bool"))
        count = math.prod(shape)
        if dtype == "bool":
            flat = [rng.random() < 0.5 for _ in range(count)]
        elif dtype == "int64":
            flat = [rng.randint(-3, 3) for _ in range(count)]
        else:
            flat = [rng.choice(NUMBERS) if rng.random() < 0.3 else round(rng.uniform(-3, 3), rng.choice((1, 7)))
                    for _ in range(count)]
        grad = ", requires_grad=True" if dtype.startswith("float") and rng.random() < 0.7 else ""
        if count == 0:  # a literal cannot say (0, 3); lib.zeros can
            return f"{self.fresh()} = lib.zeros({shape}, dtype=lib.{dtype}{grad})"
        # repr writes nan, inf and -0.0 as the names the reproducer imports.
        data = np.array(flat, dtype=object).reshape(shape).tolist() if shape else flat[0]
        return f"{self.fresh()} = lib.tensor({data!r}, dtype=lib.{dtype}{grad})"

    def view(self):
        name = self.pick()
        if name is None:
            return None
        t = self.namespace[name]
        rng = self.rng
        d = t.dim()
        choices = ["unsqueeze", "view_flat", "reshape"]
        if d >= 1:
            choices += ["slice", "select", "squeeze", "expand"]
        if d >= 2:
            choices += ["slice2"]
        choices += ["transpose"] * (d >= 2) + ["t"] * (d == 2) + ["permute"] * (d >= 1)
        choices += ["diagonal", "movedim"] * (d >= 2) + ["split", "unfold"] * (d >= 1)
        how = rng.choice(choices)
        if how == "unsqueeze":
            expr = f"{name}.unsqueeze({rng.randint(-d - 1, d)})"
        elif how == "view_flat":
            expr = f"{name}.view(-1)"
        elif how == "reshape":
            sizes = list(t.shape)
            rng.shuffle(sizes)
            expr = f"{name}.reshape({tuple(sizes) if len(sizes) != 1 else f'({sizes[0]},)'})"
        elif how == "slice":
            start, step = rng.choice((None, 0, 1, -1)), rng.choice((None, 1, 2, 3))
            expr = f"{name}[{'' if start is None else start}:{'' if step is None else f':{step}'}]"
        elif how == "slice2":
            expr = f"{name}[:, {rng.choice(('1:', '::2', ':-1', '1::2'))}]"
        elif how == "select":
            dim = self.dim(t)
            size = t.shape[dim]
            index = rng.randrange(-size, size) if size else 0
            expr = rng.choice((f"{name}.select({dim}, {index})", f"{name}[{index}]"))
        elif how == "squeeze":
            expr = rng.choice((f"{name}.squeeze()", f"{name}.squeeze({self.dim(t)})"))
        elif how == "expand":
            sizes = [rng.choice((3, -1)) if s == 1 else -1 for s in t.shape]
            expr = f"{name}.expand({', '.join(map(str, [2] * rng.randint(0, 1) + sizes))})"
        elif how == "permute":
            order = list(range(d))
            rng.shuffle(order)
            expr = f"{name}.permute({', '.join(map(str, order))})"
        elif how == "t":
            expr = f"{name}.t()"
        elif how == "diagonal":
            expr = f"{name}.diagonal({rng.randint(-1, 1)})"
        elif how == "movedim":
            expr = f"{name}.movedim({self.dim(t)}, {self.dim(t)})"
        elif how == "split":  # one piece of several views made by one node (in place on it is refused)
            dim = self.dim(t)
            expr = f"{name}.split({max(1, t.shape[dim] // 2)}, {dim})[{rng.choice((0, -1))}]"
        elif how == "unfold":
            dim = self.dim(t)
            expr = f"{name}.unfold({dim}, {min(1, t.shape[dim])}, 1)"
        else:
            expr = f"{name}.transpose({self.dim(t)}, {self.dim(t)})"
        return f"{self.fresh()} = {expr}"

    def partner(self, name):
        """Another operand for `name`: a tensor of a broadcastable shape, or a number."""
        t = self.namespace[name]
        fits = self.tensors(lambda u: _broadcastable(u.shape, t.shape))
        if fits and self.rng.random() < 0.7:
            return self.rng.choice(fits)
        return self.number()

    def binary(self):
        name = self.pick()
        if name is None:
            return None
        op = self.rng.choice("+-*/")
        other = self.partner(name)
        left, right = (name, other) if self.rng.random() < 0.8 else (other, name)
        return f"{self.fresh()} = {left} {op} {right}"

    def unary(self):
        name = self.pick()
        if name is None:
            return None
        fn = self.rng.choice(("exp", "log", "sin", "tanh", "sigmoid", "relu", "abs"))
        return f"{self.fresh()} = " + (f"lib.{fn}({name})" if self.rng.random() < 0.5 else f"{name}.{fn}()")

    def other_op(self):
        rng = self.rng
        name = self.pick()
        if name is None:
            return None
        t = self.namespace[name]
        how = rng.choice(("clamp", "where", "maximum", "minimum", "sum", "mean", "matmul", "masked_fill",
                          "nonzero", "where_condition") + ("flip", "roll", "cumsum", "repeat", "amax") * (t.dim() >= 1))
        if how == "flip":
            expr = f"{name}.flip({self.dim(t)})"
        elif how == "roll":
            expr = f"{name}.roll({rng.choice((1, -2))}, {self.dim(t)})"
        elif how == "cumsum":
            expr = f"{name}.cumsum({self.dim(t)})"
        elif how == "repeat":
            expr = f"{name}.repeat({', '.join(['2'] + ['1'] * (t.dim() - 1))})"
        elif how == "amax":
            expr = f"{name}.amax({self.dim(t)})" if t.numel() else f"{name}.sum()"
        elif how == "clamp":
            low = rng.choice((-1, -0.5, None))
            expr = f"{name}.clamp({low}, {rng.choice((0, 1.5, None)) if low is not None else 2})"
        elif how == "where":
            expr = f"lib.where({name} > 0, {name}, {self.partner(name)})"
        elif how == "masked_fill":
            expr = f"{name}.masked_fill({name} > 0, {self.number()})"
        elif how == "nonzero":
            expr = f"{name}.nonzero()"
        elif how == "where_condition":
            expr = f"lib.where({name} > 0)"
        elif how in ("maximum", "minimum"):
            other = self.partner(name)
            other = other if other.startswith("v") else f"lib.tensor({other})"
            expr = f"lib.{how}({name}, {other})"
        elif how in ("sum", "mean"):
            dims = "" if t.dim() == 0 or rng.random() < 0.3 else f"{self.dim(t)}, keepdim={rng.random() < 0.5}"
            expr = f"{name}.{how}({dims})"
        else:
            inner = t.shape[-1] if t.dim() else None
            fits = self.tensors(lambda u: u.dim() >= 1 and (u.shape[-2] if u.dim() >= 2 else u.shape[0]) == inner)
            if not fits:
                return None
            expr = f"lib.matmul({name}, {rng.choice(fits)})"
        return f"{self.fresh()} = {expr}"

    def inplace(self):
        rng = self.rng
        name = self.pick()
        if name is None:
            return None
        t = self.namespace[name]
        how = rng.choice(("add_", "mul_", "zero_", "fill_", "setitem", "masked_fill_", "index_put_"))
        if how in ("add_", "mul_"):
            other = self.partner(name)
            if other.startswith("v") and _same_storage(t, self.namespace[other]) and _undefined_overlap(
                    t, self.namespace[other]):
                other = self.number()
            source = f"{name}.{how}({other})"
        elif how in WRITES:
            source = WRITES[how].format(name=name, number=self.number())
        elif how == "index_put_":
            positions = [rng.randrange(-t.shape[0], t.shape[0]) for _ in range(rng.randint(1, 3))] \
                if t.dim() and t.shape[0] else []
            source = (f"{name}.index_put_((lib.tensor({positions}, dtype=lib.int64),), "
                      f"lib.tensor({self.number()}, dtype={name}.dtype), accumulate={rng.random() < 0.5})")
        else:
            index = rng.randrange(t.shape[0]) if t.dim() and t.shape[0] else "..."
            source = f"{name}[{index}] = {self.number()}"
        if rng.random() < 0.4:
            return f"with lib.no_grad():\n    {source}"
        return source

    def no_grad(self):
        makers = (self.view, self.binary, self.unary)
        source = self.rng.choice(makers)()
        return None if source is None else f"with lib.no_grad():\n    {source}"

    def backward(self):
        name = self.pick(lambda t: t.requires_grad)
        return None if name is None else f"{name}.sum().backward(retain_graph=True)"

    def grad(self):
        name = self.pick(lambda t: t.requires_grad)
        if name is None:
            return None
        leaves = self.tensors(lambda t: t.requires_grad and _read(lambda u: u.is_leaf, t) is True)
        chosen = self.rng.sample(leaves, min(len(leaves), 2)) or [name]
        return (f"{self.fresh()} = lib.autograd.grad({name}.sum(), [{', '.join(chosen)}], "
                "retain_graph=True, allow_unused=True)")


# In-place writes of one number, as templates.
WRITES = {"zero_": "{name}.zero_()", "fill_": "{name}.fill_({number})",
          "masked_fill_": "{name}.masked_fill_({name} < 0, {number})"}

# Statement kinds, each the name of a Generator method; views and in-place writes twice as often.
KINDS = ("leaf", "view", "view", "binary", "unary", "other_op", "inplace", "inplace", "no_grad", "backward", "grad")


def _broadcastable(a, b):
    return all(x == y or x == 1 or y == 1 for x, y in zip(reversed(a), reversed(b)))


def generate(seed, length=STATEMENTS):
    return Generator(seed).generate(length)


# ---------------------------------------------------------------- running and comparing

def execute(source, namespace):
    """Run one statement; its exception (if any) is returned, not raised."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns on .grad of non-leaves and the like
            exec(source, namespace)
    except Exception as e:  # noqa: BLE001  (an exception is an outcome to compare)
        return e
    return None


def variables(namespace):
    return {name: value for name, value in namespace.items() if re.fullmatch(r"v\d+", name)}


def compare_values(name, got, want, rtol, zero_signs=True):
    """A description of the first difference between two values of either library, or
    None. zero_signs=False: -0.0 and 0.0 count as equal (TIED_ZERO_SIGN)."""
    if isinstance(want, tuple):  # what lib.autograd.grad returns
        if not isinstance(got, tuple) or len(got) != len(want):
            return f"type: {name} is {got!r} here, a {len(want)}-tuple in torch"
        for i, (g, w) in enumerate(zip(got, want)):
            found = compare_values(f"{name}[{i}]", g, w, rtol, zero_signs)
            if found:
                return found
        return None
    if want is None or got is None:
        return None if got is None and want is None else f"none: {name} is {got!r} here, {want!r} in torch"
    for field, get in (("shape", lambda t: tuple(t.shape)), ("dtype", lambda t: oracle.dtype_name(t.dtype)),
                       ("stride", lambda t: tuple(t.stride())), ("storage_offset", lambda t: t.storage_offset()),
                       ("requires_grad", lambda t: t.requires_grad), ("is_leaf", lambda t: t.is_leaf)):
        # Reading is_leaf raises for a view whose base was changed in an ambiguous way.
        a, b = _read(get, got), _read(get, want)
        if a != b:
            return f"{field}: {name}.{field} is {a} here, {b} in torch"
    a, b = oracle.to_numpy(got), oracle.to_numpy(want)
    if rtol == UNCHECKED:
        return None
    if rtol and a.dtype.kind == "f":
        same = np.allclose(a, b, rtol=rtol, atol=rtol, equal_nan=True)
    elif not zero_signs:
        same = np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    else:
        same = _bit_equal(a, b)
    if not same:
        return f"values: {name} is {a.tolist()} here, {b.tolist()} in torch"
    return None


def _bit_equal(a, b):
    """Equal arrays, except that every nan is the same nan (whatever its sign); -0.0 and 0.0 differ."""
    if not np.array_equal(a, b, equal_nan=a.dtype.kind == "f"):
        return False
    numbers = ~np.isnan(a) if a.dtype.kind == "f" else ...
    return np.array_equal(np.signbit(a[numbers]), np.signbit(b[numbers]))


def _read(get, tensor):
    """An attribute's value, or the name of the exception reading it raises."""
    value, error = oracle.outcome(lambda: get(tensor))
    return value if error is None else type(error).__name__


def compare(ns_got, ns_want, inexact, grad_rtol, tied_zeros=frozenset()):
    got, want = variables(ns_got), variables(ns_want)
    if got.keys() != want.keys():
        return f"variables: {sorted(got)} here, {sorted(want)} in torch"
    for name, w in want.items():
        found = compare_values(name, got[name], w, inexact.get(name, 0.0), zero_signs=name not in tied_zeros)
        if found:
            return found
        if isinstance(w, torch.Tensor) and _read(lambda t: t.is_leaf, w) is True:
            found = compare_values(f"{name}.grad", got[name].grad, w.grad, grad_rtol)
            if found:
                return found
    return None


def names_in(source):
    return set(re.findall(r"\bv\d+\b", source))


def run(program, lib=tinytorch, reference=torch):
    """Run a program with `lib` and with `reference`, side by side; the first Mismatch, or None."""
    ns_got = {"lib": lib, "nan": math.nan, "inf": math.inf}
    ns_want = {"lib": reference, "nan": math.nan, "inf": math.inf}
    # The tolerance of each value that may differ in the last bits (see INEXACT), and of
    # the leaves' .grads: the RTOL of the least precise float dtype in its history.
    inexact, grad_rtol, drifted, tied_zeros = {}, 0.0, set(), set()
    for index, statement in enumerate(program):
        error_got, error_want = execute(statement.source, ns_got), execute(statement.source, ns_want)
        stale_view_first = error_got is not None and STALE_VIEW.search(str(error_want))
        if type(error_got) is not type(error_want) and not stale_view_first:
            return Mismatch(index, statement.kind, f"exception: {_describe(error_got)} here, "
                                                   f"{_describe(error_want)} in torch")
        mentioned = names_in(statement.source)
        tensors = {n: v for n, v in variables(ns_want).items() if isinstance(v, torch.Tensor)}
        rtol = UNCHECKED if mentioned & drifted else max(
            [inexact.get(n, 0.0) for n in mentioned]
            + [RTOL.get(oracle.dtype_name(tensors[n].dtype), 0.0) for n in mentioned & tensors.keys()])
        differentiates = "backward(" in statement.source or "autograd.grad(" in statement.source
        if differentiates and any(n in inexact for n in mentioned):
            grad_rtol = max(grad_rtol, rtol)
        grad_rtol = max(grad_rtol, _broadcast_sum_rtol(statement.source, mentioned, tensors))
        if "autograd.grad(" in statement.source and grad_rtol:
            for name in re.findall(r"\b(v\d+) = ", statement.source):  # the gradients it returns
                inexact[name] = max(inexact.get(name, 0.0), grad_rtol)
        if DATA_DEPENDENT_SHAPE.search(statement.source) and mentioned & drifted:
            return None  # what follows depends on which drifted values crossed 0 (see DATA_DEPENDENT_SHAPE)
        if mentioned & (inexact.keys() | drifted) or (INEXACT.search(statement.source) and not differentiates):
            # The new value, and every view that shares storage with a value written in place.
            for name in mentioned | {n for n, v in tensors.items()
                                     if any(_same_storage(v, tensors[w]) for w in mentioned & tensors.keys())}:
                inexact[name] = max(inexact.get(name, 0.0), rtol)
        if TIED_ZERO_SIGN.search(statement.source):
            tied_zeros |= set(re.findall(r"\b(v\d+) = ", statement.source))
        found = compare(ns_got, ns_want, inexact, grad_rtol, tied_zeros)
        if found:
            return Mismatch(index, statement.kind, found)
        drifted |= {n for n in set(inexact) | tied_zeros if isinstance(ns_want.get(n), torch.Tensor)
                    and not _bit_equal(oracle.to_numpy(ns_got[n]), oracle.to_numpy(ns_want[n]))}
    return None


def _broadcast_sum_rtol(source, mentioned, tensors):
    """A float result that needs a gradient and is bigger than an operand that needs
    one too (broadcasting, expand, an in-place op with a smaller operand): backward
    adds that operand's gradient up over the broadcast elements, in float sums whose
    order torch picks by its CPU's vector width. From then on the leaves' .grads are
    compared within their dtype's RTOL (see INEXACT)."""
    target = re.match(r"(?:with lib.no_grad\(\):\n    )?(v\d+)(?: = |\.\w+_\()", source)
    result = tensors.get(target.group(1)) if target else None
    if result is None or not result.requires_grad or not result.dtype.is_floating_point:
        return 0.0
    smaller = [n for n in mentioned & tensors.keys() - {target.group(1)}
               if tensors[n].requires_grad and tensors[n].numel() < result.numel()]
    return RTOL[oracle.dtype_name(result.dtype)] if smaller else 0.0


def _same_storage(a, b):
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def _positions(t):
    """The storage positions a torch tensor's elements live at."""
    index = np.indices(tuple(t.shape)).reshape(t.dim(), -1) if t.dim() else np.zeros((0, 1), int)
    return set((t.storage_offset() + np.asarray(t.stride()) @ index).tolist()) if t.numel() else set()


def _undefined_overlap(t, other):
    """Torch's own answer is not defined here, so there is nothing to compare (a named
    exclusion, not a tolerance): an in-place op whose operand partly overlaps the
    written tensor, where one of them is not a dense block. Torch's overlap check
    (assert_no_partial_overlap) looks only at dense tensors, and otherwise the result
    follows its loop order and vector width (v[1:] += v[:-1] may add values already
    written). Two dense tensors that overlap get torch's error, which is compared."""
    def dense(u):
        return is_non_overlapping_and_dense(tuple(u.shape), u.stride())  # tested against torch in test_strides.py

    if (t.shape == other.shape and t.stride() == other.stride()
            and t.storage_offset() == other.storage_offset()):
        return False  # the very same elements: well defined
    shared = _positions(t) & _positions(other)
    return bool(shared) and not (dense(t) and dense(other))


def _describe(error):
    return "no exception" if error is None else f"{type(error).__name__} ({str(error).splitlines()[0][:100]})"


# ---------------------------------------------------------------- shrinking

def shrink(program, mismatch, lib=tinytorch, reference=torch):
    """Drop statements one at a time while the same mismatch remains; (program, mismatch)."""
    program = program[: mismatch.index + 1]
    signature = mismatch.signature(program)
    changed = True
    while changed:
        changed = False
        for i in reversed(range(len(program) - 1)):  # the last statement is where it fails
            candidate = program[:i] + program[i + 1:]
            found = run(candidate, lib, reference)
            if found and found.index == len(candidate) - 1 and found.signature(candidate) == signature:
                program, mismatch, changed = candidate, found, True
    return program, mismatch


def reproducer(program, mismatch):
    """A standalone script: run it as is for tinytorch, with the import swapped for torch."""
    lines = [f"# tinytorch and torch differ after the last statement ({mismatch.kind}):",
             f"#   {mismatch.detail}",
             "from math import inf, nan",
             "import tinytorch as lib  # or: import torch as lib",
             *(s.source for s in program)]
    printed = sorted(names_in(program[-1].source), key=lambda n: int(n[1:]))
    lines += [f"print({', '.join(f'{n}' for n in printed)})"] if printed else []
    return "\n".join(lines)


def report(seed, program, mismatch, lib=tinytorch, reference=torch):
    small, found = shrink(program, mismatch, lib, reference)
    return f"seed {seed}: {len(program)} statements shrunk to {len(small)}\n{reproducer(small, found)}"


# ---------------------------------------------------------------- make fuzz

def main():
    parser = argparse.ArgumentParser(description="Run random programs under tinytorch and torch on new seeds.")
    parser.add_argument("--seconds", type=float, default=600)
    args = parser.parse_args()
    first = time.time_ns() % 10**9  # new seeds on every run; each reported seed replays
    found = collections.defaultdict(list)
    seed, deadline = first, time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        program = generate(seed)
        mismatch = run(program)
        if mismatch:
            found[mismatch.kind].append((seed, program, mismatch))
        seed += 1
    print(f"{seed - first} programs (seeds {first}..{seed - 1}), {sum(map(len, found.values()))} mismatches")
    for kind, cases in sorted(found.items()):
        print(f"\n== {kind}: {len(cases)} mismatches; the first, shrunk:")
        print(report(*cases[0]))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
