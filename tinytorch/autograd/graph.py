"""The nodes of the backward graph.

Every op that records history creates one node, `tensor.grad_fn`, named as in
PyTorch (`MulBackward0`). A node knows how to turn the gradient of its
output(s) into gradients of its inputs (`backward`), and where each input's
gradient goes next (`next_functions`: pairs of (node, output number)). Leaves
that require grad end in an `AccumulateGrad` node that adds into `.grad`.
"""
import itertools
import weakref

from . import grad_mode

# Creation order. The engine runs ready nodes newest first, as PyTorch does,
# so the order in which nodes execute is deterministic.
_sequence = itertools.count()


class RemovableHandle:
    """Returned by register_hook; `remove()` unregisters the hook."""

    _ids = itertools.count()

    def __init__(self, hooks_dict):
        self._hooks = weakref.ref(hooks_dict) if hasattr(hooks_dict, "__weakref__") else (lambda d=hooks_dict: d)
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
    """A dict that a RemovableHandle can refer to weakly."""

    __slots__ = ("__weakref__",)


class Node:
    """One step of the backward pass. Subclasses define `backward(self, *grads)`
    returning one gradient per input (None where an input needs none)."""

    __slots__ = ("next_functions", "_saved", "_sequence_nr", "__dict__", "__weakref__")
    # Rarely set, so they default to these class attributes until a node sets its own.
    _freed = False  # saved tensors released by a backward without retain_graph
    _pre_hooks = None  # from register_prehook
    _tensor_pre_hooks = None  # {output_nr: hooks} from Tensor.register_hook
    _retain_grad_hooks = None  # {output_nr: fn} from Tensor.retain_grad
    _post_hooks = None  # from register_hook

    def __init__(self, next_functions=()):
        self.next_functions = next_functions
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
        return f"<{self.name()} object at {hex(id(self))}>"

    @property
    def num_outputs(self):
        return 1

    # -- saved tensors ---------------------------------------------------------
    def save(self, *tensors):
        """Keep tensors needed by backward, remembering their version now so that
        an in-place change before backward is caught, not silently used."""
        self._saved = tuple(None if t is None else SavedTensor(t, self) for t in tensors)

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved tensors after "
                "they have already been freed). Saved intermediate values of the graph are freed when you call "
                ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
                "graph a second time or if you need to access saved tensors after calling backward."
            )
        return tuple(None if s is None else s.unpack(self) for s in self._saved)

    def release(self):
        """Drop saved tensors after backward (unless retain_graph=True)."""
        if self._saved:
            self._saved = ()
            self._freed = True

    # -- hooks -----------------------------------------------------------------
    def register_hook(self, hook):
        """hook(grad_inputs, grad_outputs) runs after this node; it may return new grad_inputs."""
        if self._post_hooks is None:
            self._post_hooks = _HookDict()
        handle = RemovableHandle(self._post_hooks)
        self._post_hooks[handle.id] = hook
        return handle

    def register_prehook(self, hook):
        """hook(grad_outputs) runs before this node; it may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = _HookDict()
        handle = RemovableHandle(self._pre_hooks)
        self._pre_hooks[handle.id] = hook
        return handle

    def _add_tensor_hook(self, output_nr, hook):
        if self._tensor_pre_hooks is None:
            self._tensor_pre_hooks = {}
        hooks = self._tensor_pre_hooks.setdefault(output_nr, _HookDict())
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    # -- running ---------------------------------------------------------------
    def apply(self, *grads):
        """Run this node's backward on `grads` and return the tuple of input gradients."""
        result = self.backward(*grads)
        return result if isinstance(result, tuple) else (result,)

    __call__ = apply

    def backward(self, *grads):
        raise NotImplementedError(f"{self.name()} has no backward")


class AccumulateGrad(Node):
    """The end of the line for a leaf: adds the incoming gradient into `variable.grad`."""

    def __init__(self, variable):
        super().__init__(())
        self.variable = variable

    def accumulate(self, grad):
        accumulate_into(self.variable, grad)

    def backward(self, grad):
        return ()


def accumulate_into(tensor, grad):
    """Add grad into tensor.grad. The engine runs this with grad mode on exactly
    when create_graph=True; only then does the stored gradient keep a history."""
    if tensor._grad is None:
        tensor._grad = grad if grad_mode.is_grad_enabled() else grad.detach()
    elif grad_mode.is_grad_enabled():
        tensor._grad = tensor._grad + grad  # out of place, so the sum is differentiable too
    else:
        tensor._grad.add_(grad)


def accumulator_for(tensor):
    """The one AccumulateGrad node of a leaf, shared by every op that uses it,
    so `next_functions` show the same object each time (as in PyTorch)."""
    ref = tensor._accumulator
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(tensor)
        tensor._accumulator = weakref.ref(node)
    return node


class SavedTensor:
    """A tensor kept for backward, with the storage version it had when saved."""

    __slots__ = ("tensor", "version", "is_output")

    def __init__(self, tensor, node):
        # Saving a node's own output would make a cycle (output -> grad_fn -> output),
        # so keep a detached alias and give it back its grad_fn when unpacked.
        self.is_output = tensor.grad_fn is node
        self.tensor = tensor.detach() if self.is_output else tensor
        self.version = tensor._storage._version

    def unpack(self, node):
        t = self.tensor
        if t._storage._version != self.version:
            raise RuntimeError(modified_message(t, self.version, node if self.is_output else None))
        if self.is_output and grad_mode.is_grad_enabled():
            alias = t.detach()
            alias._requires_grad = True
            alias.grad_fn = node
            return alias
        return t


def modified_message(tensor, expected_version, producer=None):
    """PyTorch's message when a saved tensor was changed in place before backward."""
    producer = producer if producer is not None else tensor.grad_fn
    origin = f", which is output {tensor._output_nr} of {producer.name()}," if producer is not None else ""
    return (
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[{tensor.type()} {list(tensor.shape)}]{origin} is at version {tensor._storage._version}; "
        f"expected version {expected_version} instead. Hint: look for an in-place operation (a method ending "
        "in _, or +=, or an indexed assignment) applied to this tensor or a view of it after it was used."
    )
