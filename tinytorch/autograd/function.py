"""Custom differentiable operations: subclass `Function`.

    class MultiplyAdd(Function):
        @staticmethod
        def forward(ctx, w, x, b):
            ctx.save_for_backward(w, x)
            return w * x + b

        @staticmethod
        def backward(ctx, grad_output):
            w, x = ctx.saved_tensors
            return grad_output * x, grad_output * w, grad_output

    z = MultiplyAdd.apply(w, x, b)     # z.grad_fn is a MultiplyAddBackward node

`apply` runs `forward` without recording a graph (its ops are hidden inside
one node), then makes a node of the class `<Name>Backward` the grad_fn of the
outputs. That node is also the `ctx` that forward and backward receive, so
what forward stores on it (saved tensors, plain attributes) is there in backward.
"""
import functools
import warnings

from . import grad_mode
from .engine import gradient_edge
from .graph import Node, tensor_meta


class FunctionCtx:
    """What `forward` can tell the node through `ctx`."""

    def save_for_backward(self, *tensors):
        """Keep tensors for backward; ctx.saved_tensors gives them back, after
        checking that no in-place op changed them in between."""
        from ..tensor import Tensor
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    f"save_for_backward can only save variables, but argument {i} is of type {type(t).__name__}"
                )
        self._to_save = tensors

    def mark_non_differentiable(self, *tensors):
        """These outputs get no gradient (e.g. indices); their grads arrive as zeros."""
        self._non_differentiable = set(map(id, tensors))

    def mark_dirty(self, *tensors):
        """These inputs were modified in place by forward and are returned as outputs."""
        self._dirty = set(map(id, tensors))

    def set_materialize_grads(self, value):
        """With False, backward receives None (not zeros) for outputs that got no gradient."""
        self.materialize_grads = bool(value)

    @property
    def saved_variables(self):
        """The PyTorch 0.4 name of saved_tensors (the book's older edition uses it), deprecated as in PyTorch."""
        warnings.warn("'saved_variables' is deprecated; use 'saved_tensors'", DeprecationWarning, stacklevel=2)
        return self.saved_tensors


class BackwardFunction(Node, FunctionCtx):
    """The node (and ctx) of one call of a custom Function. Each Function
    subclass gets its own subclass of this, named `<Name>Backward`."""

    _forward_cls = None
    needs_input_grad = None  # set per call, one per forward argument (not Node's per-edge property)
    _checks_gradients = True
    materialize_grads = True
    _to_save = ()
    _non_differentiable = frozenset()
    _dirty = frozenset()

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__qualname__} object at {hex(id(self))}>"

    @property
    def num_outputs(self):
        return len(self._output_meta)

    def apply(self, *grads):
        """Call the Function's backward directly and return what it returns, as
        node.apply does in PyTorch (where such a node, unlike a built-in one, is not
        callable itself: node(grad) is a TypeError)."""
        return self._forward_cls.backward(self, *grads)

    def __call__(self, *grads):
        raise TypeError(f"'{type(self).__name__}' object is not callable")

    def apply_checked(self, grads):
        """What the engine runs: missing gradients become zeros (unless
        set_materialize_grads(False)), then backward's answer is checked and
        shaped as PyTorch does."""
        if self.materialize_grads:
            grads = [g if g is not None or meta is None else _zeros(meta) for g, meta in zip(grads, self._output_meta)]
        result = self.apply(*grads)
        return self._check_gradients(result if isinstance(result, tuple) else (result,))

    def _check_gradients(self, grads):
        from ..tensor import Tensor
        n_inputs = len(self._argument_meta)
        if len(grads) > n_inputs and all(g is None for g in grads[n_inputs:]):
            grads = grads[:n_inputs]  # extra Nones are allowed
        if len(grads) != n_inputs:
            raise RuntimeError(
                f"function {self.name()} returned an incorrect number of gradients "
                f"(expected {n_inputs}, got {len(grads)})"
            )
        checked = []  # one per tensor argument, i.e. per edge: the engine fits each to its input
        for i, (g, meta) in enumerate(zip(grads, self._argument_meta)):
            if meta is None:  # the input was not a tensor
                if g is not None:
                    raise RuntimeError(
                        f"function {self.name()} returned a gradient different than None at position {i + 1}, "
                        "but the corresponding forward input was not a Variable"
                    )
                continue
            if g is not None and not isinstance(g, Tensor):
                raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
            checked.append(g)
        return tuple(checked)


def _zeros(meta):
    from ..creation import zeros
    shape, dtype, device = meta
    return zeros(shape, dtype=dtype, device=device)


class Function:
    """Base class of custom differentiable operations (see the module docstring)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        name = cls.__name__ + "Backward"
        cls._backward_cls = type(name, (BackwardFunction,), {
            "_forward_cls": cls, "__module__": __name__, "__qualname__": name,
        })

    def __init__(self, *args, **kwargs):
        warnings.warn(
            f"{type(self)} should not be instantiated. Methods on autograd functions are all static, so you should "
            "invoke them on the class itself. Instantiating an autograd function will raise an error in a future "
            "version of PyTorch.",
            DeprecationWarning,
            stacklevel=2,
        )

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom autograd.Function to use it "
            "with backward mode AD."
        )

    setup_context = None  # optional: forward(*args) without ctx, then setup_context(ctx, inputs, output)

    @classmethod
    def apply(cls, *args, **kwargs):
        from ..tensor import Tensor
        if cls is Function:
            raise NotImplementedError("You must implement the forward function for custom autograd.Function.")
        ctx = cls._backward_cls()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        with grad_mode.no_grad():
            if cls.setup_context is None:
                outputs = cls.forward(ctx, *args, **kwargs)
            else:
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, outputs)
        single = not isinstance(outputs, tuple)
        if not (grad_mode.state.enabled and any(ctx.needs_input_grad)):
            # Nothing to record: no output is differentiable.
            wired = tuple(_wire_output(ctx, out, nr, args, False) for nr, out in enumerate((outputs,) if single else outputs))
            _mark_view_outputs(ctx, wired, args)
            return wired[0] if single else wired
        # The node's edges: where each tensor argument's gradient goes, and what
        # that argument was (the engine fits each gradient to it).
        tensors = [a for a in args if isinstance(a, Tensor)]
        ctx.next_functions = tuple(gradient_edge(a) or (None, 0) for a in tensors)
        ctx.input_meta = tuple(tensor_meta(a) for a in tensors)
        wired = tuple(_wire_output(ctx, out, nr, args, True) for nr, out in enumerate((outputs,) if single else outputs))
        _mark_view_outputs(ctx, wired, args)
        # PyTorch detail: what every argument and output was, to check backward's answers
        # against (apply_checked).
        ctx._argument_meta = tuple(tensor_meta(a) if isinstance(a, Tensor) else None for a in args)
        ctx._output_meta = tuple(tensor_meta(out) if isinstance(out, Tensor) else None for out in wired)

        # Saved only now, once outputs know their grad_fn: a saved output is then
        # recognised as one and kept without a reference cycle.
        ctx.save(*ctx.__dict__.pop("_to_save", ()))
        return wired[0] if single else wired


def _wire_output(ctx, out, nr, args, recording):
    """Make ctx the grad_fn of one output of forward, as PyTorch does
    (set_history in torch/csrc/autograd/custom_function.cpp). An input handed
    back never comes back as the same object unless forward marked it dirty:
    the caller's tensor keeps its own history."""
    from ..tensor import Tensor
    if not isinstance(out, Tensor):
        return out
    is_input = any(out is a for a in args)
    dirty = id(out) in ctx._dirty
    if dirty:
        out._storage.bump_version()
    if not (recording and id(out) not in ctx._non_differentiable and out.dtype.is_floating_point):
        # No gradient flows back through this output.
        if out._requires_grad:
            return out.detach() if is_input else out
        return _view_of_input(out) if is_input and not dirty else out
    if dirty:
        if out.grad_fn is None and out._requires_grad:
            raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
    elif is_input:
        out = _view_of_input(out)
    out._grad_fn = ctx
    out._requires_grad = True
    if nr:
        out._output_nr = nr
    return out


def _view_of_input(t):
    """A new tensor object that views all of input t, with no history yet."""
    view = t.detach()
    view._base = t._base if t._base is not None else t
    view._grad_fn_version = view._storage._version
    return view


def _mark_view_outputs(ctx, outputs, args):
    """Outputs of forward that are views may not be rebased after an in-place
    write (ops/inplace.py, refresh_view_history): their new grad_fn would
    bypass ctx's backward. PyTorch words it differently when forward has more
    than one differentiable output. Inputs handed back as they are (written in
    place, or with nothing recorded) are the caller's tensors: left alone."""
    from ..ops.views import mark_creation
    from ..tensor import Tensor
    several = sum(isinstance(out, Tensor) and out._grad_fn is ctx for out in outputs) > 1
    for out in outputs:
        if isinstance(out, Tensor) and out._base is not None and not any(out is a for a in args):
            mark_creation(out, "multi_output_node" if several else "in_custom_function")


class DelayedError(Node):
    """Stands in for the backward of a @once_differentiable backward: running it
    (i.e. differentiating a second time) raises the error."""

    def __init__(self, message, next_functions, num_outputs):
        super().__init__(next_functions)
        self.message = message
        self._num_outputs = num_outputs

    def name(self):
        return "tinytorch::autograd::Error"

    @property
    def num_outputs(self):
        return self._num_outputs

    def backward(self, *grads):
        raise RuntimeError(self.message)


def once_differentiable(backward):
    """For a Function's backward that is not itself differentiable: it runs
    without recording, and trying to differentiate its result raises an error."""

    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        from ..tensor import Tensor
        with grad_mode.no_grad():
            outputs = backward(ctx, *grads)
        if not grad_mode.state.enabled or not any(isinstance(g, Tensor) and g._requires_grad for g in grads):
            return outputs
        single = not isinstance(outputs, tuple)
        outputs = (outputs,) if single else outputs
        # As in PyTorch: each gradient is handed out as an output of a DelayedError
        # node (fed by a stand-in leaf), so a further backward through it hits the error.
        edges = []
        for g in outputs:
            if isinstance(g, Tensor):
                stand_in = g.detach()
                stand_in._requires_grad = True
                edges.append(gradient_edge(stand_in))
        node = DelayedError(
            "trying to differentiate twice a function that was marked with @once_differentiable",
            tuple(edges), len(outputs),
        )
        node.input_meta = tuple(tensor_meta(g) for g in outputs if isinstance(g, Tensor))
        marked = []
        for nr, g in enumerate(outputs):
            if isinstance(g, Tensor):
                g = g.detach()
                g._grad_fn = node
                g._requires_grad = True
                if nr:
                    g._output_nr = nr
            marked.append(g)
        return marked[0] if single else tuple(marked)

    return wrapper
