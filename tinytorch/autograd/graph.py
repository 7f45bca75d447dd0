"""The nodes of the backward graph.

Every op that records history creates one node, `tensor.grad_fn`, named as in
PyTorch (`MulBackward0`). A node knows how to turn the gradient of its
output(s) into gradients of its inputs (`backward`), and where each input's
gradient goes next (`next_functions`: pairs of (node, output number)). Leaves
that require grad end in an `AccumulateGrad` node that adds into `.grad`.
"""
import itertools
import re
import threading
import weakref

from .. import strides as S
from ..exact import messages
from ..exact.layout import is_non_overlapping_and_dense
from ..exact.scalars import saved_int64
from . import grad_mode

# Creation order. The engine runs ready nodes newest first, as PyTorch does,
# so the order in which nodes execute is deterministic.
_sequence = itertools.count()


class RemovableHandle:
    """Returned by register_hook; `remove()` unregisters the hook."""

    _ids = itertools.count()

    def __init__(self, hooks_dict):
        self._hooks = weakref.ref(hooks_dict)
        self.id = next(self._ids)

    def remove(self):
        hooks = self._hooks()
        if hooks is not None:
            hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class _HookDict(dict):
    """Hooks by handle id, in registration order; a RemovableHandle refers to it weakly."""

    __slots__ = ("__weakref__",)


def _add_hook(hooks, hook):
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


# Settings PyTorch saves as Scalars (numbers, read back as given); the others
# (dims, indices, sizes) are int64s, read back as exact.scalars.saved_int64 says.
_SCALAR_SETTINGS = ("alpha", "min", "max", "exponent")


class Node:
    """One step of the backward pass. Subclasses define `backward(self, *grads)`
    returning one gradient per input (None where an input needs none)."""

    __slots__ = ("next_functions", "input_meta", "_saved", "_sequence_nr", "__dict__", "__weakref__")
    # Rarely set, so they default to these class attributes until a node sets its own.
    _freed = False  # saved tensors released by a backward without retain_graph
    _pre_hooks = None  # from register_prehook
    _tensor_pre_hooks = None  # {output_nr: hooks} from Tensor.register_hook
    _retain_grad_hooks = None  # {output_nr: fn} from Tensor.retain_grad
    _post_hooks = None  # from register_hook
    _checks_gradients = False  # True for custom Functions: the engine checks what their backward returns
    # PyTorch's names for what the op saved, in the order it saved them: ("self",
    # "other") makes them y.grad_fn._saved_self and y.grad_fn._saved_other.
    saved_names = ()
    # The settings PyTorch's node keeps beside them, read from the node's attributes:
    # ("alpha",) makes y.grad_fn._saved_alpha.
    saved_settings = ()
    # True where PyTorch's node keeps its input's sizes (_saved_self_sym_sizes):
    # sum, mean, views ... tinytorch reads them from input_meta.
    keeps_input_sizes = False

    def __init__(self, next_functions=()):
        self.next_functions = next_functions
        # One (shape, dtype, device) per entry of next_functions: what that input
        # was, so the engine can fit the gradient it sends there (engine.fit_gradient).
        # ops.base.record fills it in; None (unknown) for a node wired by hand.
        self.input_meta = (None,) * len(next_functions)
        self._saved = ()
        self._sequence_nr = next(_sequence)

    @property
    def metadata(self):
        """A dict for the user's own notes about this node, as in PyTorch."""
        return self.__dict__.setdefault("_metadata", {})

    # -- identity --------------------------------------------------------------
    def name(self):
        return type(self).__name__

    def __repr__(self):
        # PyTorch's name() of its engine-internal nodes carries a namespace
        # ("torch::autograd::AccumulateGrad"); the repr shows the bare class name.
        return f"<{self.name().rsplit('::', 1)[-1]} object at {hex(id(self))}>"

    @property
    def num_outputs(self):
        return 1

    @property
    def needs_input_grad(self):
        """One bool per input: does a gradient go there? (As ctx.needs_input_grad
        in a custom Function: a backward computes only what is needed.)"""
        return [edge[0] is not None for edge in self.next_functions]

    def __getattr__(self, name):
        """PyTorch's `grad_fn._saved_<name>`: a value the op saved (saved_names
        says which), or a setting the node keeps as an attribute (saved_settings).
        Called only for names the node does not have."""
        if name.startswith("_saved_"):
            key = name[len("_saved_"):]
            if key in type(self).saved_names:
                value = self.saved_tensors[type(self).saved_names.index(key)]
                return _wrapped_number(value) if isinstance(value, (bool, int, float)) else value
            if key == "self_sym_sizes" and type(self).keeps_input_sizes and self.input_meta[0] is not None:
                return self.input_meta[0][0]
            if key in type(self).saved_settings:
                value = getattr(self, key)
                return value if key in _SCALAR_SETTINGS else saved_int64(value)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __dir__(self):
        saved = [f"_saved_{key}" for key in type(self).saved_names + type(self).saved_settings]
        if type(self).keeps_input_sizes:
            saved.append("_saved_self_sym_sizes")
        return sorted(set(super().__dir__()) | set(saved))


    # -- saved tensors ---------------------------------------------------------
    def save(self, *values):
        """Keep what backward needs. A tensor's version is remembered now, so
        that an in-place change before backward is caught, not silently used.
        Other values (a number, an index) are kept as they are; like tensors,
        they are released after backward, which makes a second backward fail."""
        self._saved = tuple(SavedTensor(v, self) if hasattr(v, "_storage") else v for v in values)

    def recognize_saved_outputs(self):
        """Outputs saved before the node became their grad_fn are kept the way
        outputs are (see SavedTensor), whichever order an op does things in."""
        for saved in self._saved:
            if type(saved) is SavedTensor and not saved.is_output and saved.tensor._grad_fn is self:
                saved.keep_as_output()

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(messages.GRAPH_FREED)
        return tuple(s.unpack(self) if type(s) is SavedTensor else s for s in self._saved)

    # Read-only views of the above for tools that draw the graph (widgets, a
    # debugger): they never raise, where saved_tensors would, so a picture can
    # show a freed node or a tensor modified in place instead of failing.
    @property
    def saved_tensors_freed(self):
        """True once a backward without retain_graph=True released what this
        node saved: saved_tensors (and a second backward) would now raise.
        PyTorch has no flag for it; there, reading `grad_fn._saved_self` raises."""
        return self._freed

    @property
    def raw_saved_tensors(self):
        """The SavedTensor records of the tensors this node keeps (not the numbers
        or indices it may also keep), as saved, without unpacking or checking
        them: `.tensor` is the tensor, `.modified_in_place` says whether it was
        written since. Empty once freed. PyTorch's counterpart is one attribute
        per saved input, `grad_fn._raw_saved_self` (its `.data` is our `.tensor`)."""
        return tuple(s for s in self._saved if type(s) is SavedTensor)

    @property
    def saved_tensor_names(self):
        """PyTorch's name for each of raw_saved_tensors (`self` is grad_fn._saved_self),
        or None where the node names nothing (a custom Function's save_for_backward)."""
        names = type(self).saved_names
        if len(names) != len(self._saved):
            return (None,) * len(self.raw_saved_tensors)
        return tuple(name for name, s in zip(names, self._saved) if type(s) is SavedTensor)

    def release(self):
        """Drop saved tensors after backward (unless retain_graph=True). Only a
        node that saved something can complain about a second backward."""
        if self._saved:
            self._saved = ()
            self._freed = True

    # -- hooks -----------------------------------------------------------------
    def register_hook(self, hook):
        """hook(grad_inputs, grad_outputs) runs after this node; it may return new grad_inputs."""
        if self._post_hooks is None:
            self._post_hooks = _HookDict()
        return _add_hook(self._post_hooks, hook)

    def register_prehook(self, hook):
        """hook(grad_outputs) runs before this node; it may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = _HookDict()
        return _add_hook(self._pre_hooks, hook)

    def _add_tensor_hook(self, output_nr, hook):
        if self._tensor_pre_hooks is None:
            self._tensor_pre_hooks = {}
        return _add_hook(self._tensor_pre_hooks.setdefault(output_nr, _HookDict()), hook)

    # -- running ---------------------------------------------------------------
    def apply(self, *grads):
        """Run this node's backward on `grads` and return the tuple of input gradients
        (what the engine calls)."""
        result = self.backward(*grads)
        return result if type(result) is tuple else (result,)

    def __call__(self, *grads):
        """node(grad) from Python answers as PyTorch's nodes do: the gradient of a
        node's one input alone, else a tuple of them (empty for AccumulateGrad), with
        None for an input that needs none (its edge is None: PyTorch skips it)."""
        if len(grads) != self.num_outputs:
            raise TypeError(f"expected {self.num_outputs} arguments, got {len(grads)} instead")
        result = tuple(None if node is None else grad
                       for grad, (node, _) in zip(self.apply(*grads), self.next_functions))
        return result[0] if len(result) == 1 else result

    def backward(self, *grads):
        raise NotImplementedError(f"{self.name()} has no backward")


class AccumulateGrad(Node):
    """The end of the line for a leaf: adds the incoming gradient into `variable.grad`."""

    _post_accumulate_hooks = None  # from Tensor.register_post_accumulate_grad_hook

    def __init__(self, variable):
        super().__init__(())
        self.variable = variable

    def name(self):
        return "tinytorch::autograd::AccumulateGrad"

    def accumulate(self, grad, unshared=False):
        accumulate_into(self.variable, grad, unshared)
        if self._post_accumulate_hooks is not None:
            for hook in list(self._post_accumulate_hooks.values()):
                if hook(self.variable) is not None:  # it may only look (or update the leaf itself)
                    raise RuntimeError("Tensor post accumulate grad hooks should return None.")

    def add_post_accumulate_hook(self, hook):
        if self._post_accumulate_hooks is None:
            self._post_accumulate_hooks = _HookDict()
        return _add_hook(self._post_accumulate_hooks, hook)

    def backward(self, grad):
        self.accumulate(grad)
        return ()


def accumulate_into(tensor, grad, unshared=False):
    """Add grad into tensor.grad, as PyTorch's AccumulateGrad does.

    The first gradient is stored laid out like the tensor itself (a transposed
    parameter gets a transposed .grad). It is copied, unless the engine found
    it `unshared` (nothing else refers to that tensor object) and laid out
    right already (fits_layout_of): then it is taken as it is, as PyTorch takes
    it, even when it views part of a bigger gradient (cat's backward hands each
    input a slice of one). Later gradients are added in place, unless the graph
    of the backward pass is being recorded (create_graph=True): then the sum is
    out of place, so that .grad itself can be differentiated.
    """
    if tensor._grad is None:
        if (unshared and not grad_mode.state.enabled and fits_layout_of(tensor, grad)
                and grad.dtype is tensor.dtype and not grad._requires_grad):
            tensor._grad = grad if grad._base is None else grad.detach()  # a view's memory, but no view (as in PyTorch)
        else:
            tensor._grad = _copy_with_layout_of(tensor, grad)
    elif grad_mode.state.enabled:
        tensor._grad = tensor._grad + grad
    else:
        tensor._grad.add_(grad)


def fits_layout_of(tensor, grad):
    """Whether `grad` is laid out as tensor.grad must be (PyTorch's "layout
    contract"): with the tensor's strides if the tensor is dense, ignoring
    dims of size 1, which are never stepped along (but not a stride of 0 there,
    which may mark a view); row-major otherwise."""
    if not is_non_overlapping_and_dense(tensor._shape, tensor._stride):
        return S.is_contiguous(grad._shape, grad._stride)
    return all(
        (g == t) if size != 1 else g != 0 for size, g, t in zip(grad._shape, grad._stride, tensor._stride)
    )


def _copy_with_layout_of(tensor, grad):
    from ..ops.copying import empty_with_layout_of
    fresh = empty_with_layout_of(tensor, grad.dtype)
    if grad_mode.state.enabled or grad._shape != tensor._shape:
        # recorded (CopyBackwards) for a differentiable .grad; copy_ also refuses, in
        # PyTorch's words, a gradient (handed to a node called by hand) that does not fit
        return fresh.copy_(grad)
    fresh._data[...] = grad._data
    return fresh


def accumulator_for(tensor):
    """The one AccumulateGrad node of a leaf, shared by every op that uses it,
    so `next_functions` show the same object each time (as in PyTorch)."""
    ref = tensor._accumulator
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(tensor)
        tensor._accumulator = weakref.ref(node)
    return node


def retain_grad(tensor):
    """Make backward store the gradient of this non-leaf in its `.grad`.

    A hook on the node that produced the tensor, run after its tensor hooks;
    it follows the tensor when an in-place op gives it a new grad_fn."""
    tensor_ref = weakref.ref(tensor)  # weak: the graph must not keep the tensor alive

    def store(grad):
        t = tensor_ref()
        if t is None:
            return
        if t._grad is None:
            from ..ops.copying import clone
            t._grad = clone(grad, contiguous=True)
        else:
            t._grad = t._grad + grad

    tensor._retains_grad = True
    _attach_retain_grad(tensor, store)


def _attach_retain_grad(tensor, store):
    node = tensor.grad_fn
    if node._retain_grad_hooks is None:
        node._retain_grad_hooks = {}
    node._retain_grad_hooks[tensor._output_nr] = store


def move_retain_grad(tensor, old_node, old_nr):
    """After an in-place op changed tensor.grad_fn, its retain_grad hook moves along."""
    hooks = old_node._retain_grad_hooks if old_node is not None else None
    store = hooks.pop(old_nr, None) if hooks else None
    if store is not None:
        _attach_retain_grad(tensor, store)


class saved_tensors_hooks:
    """A context manager: every tensor saved for backward inside the block is handed to
    pack_hook(tensor), and what that returns is handed to unpack_hook(packed) when
    backward (or grad_fn._saved_<name>) needs the tensor back. PyTorch's
    torch.autograd.graph.saved_tensors_hooks, used to count, log or move saved tensors.
    The innermost block's hooks apply. Pinned by tests/test_autograd_saved_hooks.py."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self):
        _open_hooks().append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc):
        _open_hooks().pop()


_thread = threading.local()  # each thread has its own blocks, as each has its own grad mode


def _open_hooks():
    """The (pack_hook, unpack_hook) of the saved_tensors_hooks blocks open in this thread, innermost last."""
    if not hasattr(_thread, "saved_tensors_hooks"):
        _thread.saved_tensors_hooks = []
    return _thread.saved_tensors_hooks


class SavedTensor:
    """A tensor kept for backward, with the storage version it had when saved (and,
    inside a saved_tensors_hooks block, what its pack hook made of it)."""

    __slots__ = ("tensor", "version", "is_output", "packed", "unpack_hook")

    def __init__(self, tensor, node):
        self.is_output = False
        self.tensor = tensor
        self.version = tensor._storage._version
        self.unpack_hook = None
        hooks = _open_hooks()
        if hooks:
            pack_hook, self.unpack_hook = hooks[-1]
            self.packed = pack_hook(tensor)
        if tensor._grad_fn is node:
            self.keep_as_output()

    def keep_as_output(self):
        """Saving a node's own output would make a cycle (output -> grad_fn -> output),
        so keep a detached alias and give it back its grad_fn when unpacked."""
        tensor = self.tensor
        self.is_output = True
        self.tensor = tensor.detach()
        if tensor._output_nr:
            self.tensor._output_nr = tensor._output_nr

    @property
    def modified_in_place(self):
        """Whether the tensor was written in place (through any view of its
        storage) since it was saved: its version moved on, so unpacking it for
        backward raises. PyTorch keeps the same counter, `tensor._version`."""
        return self.tensor._version != self.version

    def unpack(self, node):
        t = self.tensor
        if self.unpack_hook is not None:
            return self.unpack_hook(self.packed)  # the hooks decide what comes back
        if not self.is_output:
            t.grad_fn  # PyTorch asks for it first: a view made in no_grad mode, written since, raises here
        if self.modified_in_place:
            raise RuntimeError(modified_message(t, self.version, node if self.is_output else None))
        if self.is_output:
            # The output as it was handed out: same data, same grad_fn.
            alias = t.detach()
            alias._requires_grad = True
            alias._grad_fn = node
            if t._output_nr:
                alias._output_nr = t._output_nr
            return alias
        return t


def tensor_meta(t):
    """What the engine needs to know of an input to fit the gradient it sends there
    (engine.fit_gradient): its (shape, dtype, device)."""
    return t._shape, t.dtype, t._storage.device


def _wrapped_number(value):
    """A Python number an op saved (the 2 of a * 2), as PyTorch holds it: a 0-dim
    tensor of its Python type (int64, float64 or bool)."""
    from .. import dtypes
    from ..creation import tensor  # creation sits above autograd; needed only here
    kind = dtypes.bool_ if isinstance(value, bool) else dtypes.int64 if isinstance(value, int) else dtypes.float64
    return tensor(value, dtype=kind)


def modified_message(tensor, expected_version, producer=None):
    """PyTorch's message when a saved tensor was changed in place before backward.
    It names the op that produced the tensor as PyTorch does: `Exp` for ExpBackward0, `Max1` for MaxBackward1."""
    producer = producer if producer is not None else tensor.grad_fn
    origin = ""
    if producer is not None:
        origin = f", which is output {tensor._output_nr} of {forward_op_name(producer)},"
    return (
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[{tensor.type()} {list(tensor.shape)}]{origin} is at version {tensor._storage._version}; "
        f"expected version {expected_version} instead. Hint: look for an in-place operation (a method ending "
        "in _, or +=, or an indexed assignment) applied to this tensor or a view of it after it was used."
    )


def forward_op_name(node):
    """The op that made a node, as PyTorch's messages name it: ExpBackward0 -> Exp,
    MaxBackward1 -> Max1, MyFunctionBackward -> MyFunction."""
    return re.sub(r"Backward(\d*)$", lambda m: "" if m[1] == "0" else m[1], node.name())
