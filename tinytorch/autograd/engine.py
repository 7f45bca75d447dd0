"""The backward engine: an iterative, dependency-counted walk of the graph.

1. From the roots, visit every reachable node once and count how many edges
   point into each node: its *dependencies*.
2. A node is *ready* when all of its dependencies have delivered their
   gradient into its input buffer. Ready nodes wait in a priority queue, newest
   first (as in PyTorch; leaves' AccumulateGrad nodes go first of all).
3. Running a node turns the summed gradient of its output into gradients for
   its inputs. The engine fits each to its input (fit_gradient: a broadcast
   input gets its gradient summed back to its shape), then sends it into the
   buffer of the node in `next_functions`.

GraphTask.run_next is these steps for one node: receive, run, send.

No recursion, so a chain of 100,000 ops is fine, and each node runs exactly
once per backward.

Stepping through a backward pass
--------------------------------
`backward_steps(root_edges, root_grads, ...)` is a generator that runs one
node per `next()` and yields a `Step` describing it:

    step.node            the node that just ran (a grad_fn or an AccumulateGrad)
    step.grad_outputs    the gradients it received, one per output of the node
                         (after hooks), i.e. the gradient of the tensor(s) it made
    step.grad_inputs     what it sent on, one per entry of next_functions
                         (None where nothing flowed)
    step.next_functions  where each of those went: (node, output number) pairs

Running the generator to its end is exactly `backward()`: the same nodes in
the same order, the same `.grad`. Its return value (StopIteration.value) is the
list of captured gradients when `capture` is given. A widget drives it like so:

    steps = backward_steps([gradient_edge(loss)], [tinytorch.ones_like(loss)])
    for step in steps:
        draw(step)

`run_backward` is the same walk without the Step objects, for speed.
"""
import heapq
import itertools
import sys

from . import grad_mode
from ..exact.layout import is_non_overlapping_and_dense
from ..strides import broadcast_shapes as _broadcast_shape
from .graph import AccumulateGrad, accumulator_for


class Step:
    """What one node did: the gradients it received and what it sent where."""

    __slots__ = ("node", "grad_outputs", "grad_inputs", "next_functions")

    def __init__(self, node, grad_outputs, grad_inputs):
        self.node = node
        self.grad_outputs = grad_outputs
        self.grad_inputs = grad_inputs
        self.next_functions = node.next_functions

    def __repr__(self):
        sent = ", ".join(nxt.name() for nxt, _ in self.next_functions if nxt is not None)
        return f"Step({self.node.name()} -> [{sent}])"


def gradient_edge(tensor):
    """Where this tensor's gradient enters the graph: (node, output number), or
    None when nothing about it needs a gradient, or when it requires grad only
    because it is a view of a base that does, made where no history could be
    recorded (in no_grad mode, or returned by a custom Function; see
    views.mark_creation): its gradient goes nowhere (it is no leaf of its own,
    and no path leads to the base)."""
    node = tensor.grad_fn
    if node is not None:
        return node, tensor._output_nr
    if tensor._requires_grad and not tensor._requires_grad_from_base:
        return accumulator_for(tensor), 0
    return None


def fit_gradient(grad, meta, index, node):
    """The gradient `node` sends to its input number `index`, fitted to what that
    input was (meta: its shape, dtype and device), as PyTorch's engine fits every
    gradient it passes on (validate_outputs in torch/csrc/autograd/engine.cpp).
    So an op's backward returns the plain formula (grad * b for a * b), and
    broadcasting's gradient has this one home:
    - a gradient of a broadcast shape (a + bias) is summed back to the input's;
      a shape that does not broadcast to it is the backward's bug, an error;
    - a gradient of another dtype is converted (float32 + float64);
    - one on another device is moved if 0-dim, else refused (moved_to_device)."""
    shape, dtype, device = meta
    if grad._shape != shape:
        try:
            expandable = len(shape) <= len(grad._shape) and _broadcast_shape(shape, grad._shape) == grad._shape
        except RuntimeError:
            expandable = False
        if not expandable:
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {index} - got {list(grad._shape)} "
                f"but expected shape compatible with {list(shape)}"
            )
        grad = sum_to(grad, shape)
    if grad.dtype is not dtype:
        grad = grad.to(dtype)
    return moved_to_device(grad, device, f"Function {node.name()} returned an invalid gradient at index {index}")


def sum_to(grad, shape):
    """Undo broadcasting in backward: sum the gradient over the dimensions that
    broadcasting added or stretched, so it has the input's `shape` again (the
    engine does this for every gradient it passes on: engine.fit_gradient)."""
    if grad._shape == shape:
        return grad
    if not shape:
        return grad.sum()
    lead = len(grad._shape) - len(shape)
    dims = tuple(range(lead)) + tuple(
        lead + d for d, size in enumerate(shape) if size == 1 and grad._shape[lead + d] != 1
    )
    if len(dims) == lead and not grad_mode.state.enabled:
        return grad.sum(dims)  # only added dims (a bias's gradient): one sum, when no graph shows how it was made
    if dims:
        grad = grad.sum(dims, keepdim=True)  # the stretched dims stay, now of size 1
    return grad.view(shape) if lead else grad  # the added dims go, by a view (as PyTorch's sum_to does)


def moved_to_device(grad, device, what):
    """The device rule of PyTorch's engine for a gradient it is handed (validate_outputs
    in torch/csrc/autograd/engine.cpp): a 0-dim gradient on another device is moved
    to `device`, where one number costs nothing to send; any other is refused, with
    `what` ("invalid gradient at index 0") opening the message."""
    if grad.device is device:
        return grad
    if grad.dim() != 0:
        raise RuntimeError(f"{what} - expected device {device} but got {grad.device}")
    return grad.to(device)


class GraphTask:
    """The state of one backward pass: dependency counts, input buffers, the
    ready queue, and (for autograd.grad) which gradients to capture. The
    caller sets the grad mode (on only for create_graph) around run_next.

    capture: (node, output_nr) edges whose incoming gradient is returned instead
             of flowing on (autograd.grad).
    targets: nodes that must run (backward(inputs=...)).
    With either, only the nodes that lead to them run.
    """

    def __init__(self, root_edges, root_grads, retain_graph=False, capture=None, targets=None):
        self.retain_graph = retain_graph
        roots = list(dict.fromkeys(node for node, _ in root_edges))
        self.dependencies = _count_dependencies(roots)
        self.buffers = {}
        for (node, nr), grad in zip(root_edges, root_grads):
            _add_to_buffer(self.buffers, node, nr, grad)

        self.captured = self.wanted = self.needed = None
        if capture is not None or targets is not None:
            self.wanted = {}
            for i, (node, nr) in enumerate(capture or ()):
                self.wanted.setdefault(node, []).append((i, nr))
            self.captured = [None] * len(capture or ())
            self.needed = _nodes_leading_to(roots, set(self.wanted) | set(targets or ()))
            self.needed.update(targets or ())

        self._order = itertools.count()
        self.ready = []
        for node in roots:
            if self.dependencies.get(node, 0) == 0:
                self._push(node)

    def _push(self, node):
        # Leaves first (their gradients are final as soon as they arrive), then newest nodes first.
        priority = _LEAF_FIRST if type(node) is AccumulateGrad else -node._sequence_nr
        heapq.heappush(self.ready, (priority, next(self._order), node))

    def run_next(self, report=True):
        """Receive, run, send: run the next ready node; return (node, the
        gradients it received, what it sent on). report=False keeps no copy of
        what was sent, so that the buffers alone hold it (see _add_to_buffer)."""
        node = heapq.heappop(self.ready)[2]
        needed = self.needed is None or node in self.needed
        grads = self._receive(node, needed)
        if not needed:
            # Not on the way to what was asked for: skipped, and so is everything below it.
            return node, grads, (None,) * len(node.next_functions)
        sending = list(_run_node(node, grads, self.retain_graph))
        if not report:
            # Let go of what came in: a node that passes its gradient on unchanged would
            # otherwise hold a second reference, and _add_to_buffer could not add into it in place.
            grads = None
        sent = tuple(sending) if report else None
        self._send(node, sending)
        return node, grads, sent

    def _receive(self, node, needed):
        """The gradients that arrived for node's outputs (summed in its buffer),
        captured for autograd.grad and passed through the tensor hooks, in
        PyTorch's order: a node that runs is captured before its hooks, one that
        does not after its tensor hooks."""
        grads = self.buffers.pop(node, None) or [None] * node.num_outputs
        captures = self.wanted.get(node) if self.wanted is not None else None
        if captures and needed:
            self._capture(captures, grads)
        if node._tensor_pre_hooks is not None or node._retain_grad_hooks is not None or node._pre_hooks is not None:
            grads = _run_pre_hooks(node, grads, needed)
        if captures and not needed:
            self._capture(captures, grads)
        return grads

    def _capture(self, captures, grads):
        for i, nr in captures:
            self.captured[i] = grads[nr]

    def _send(self, node, sending):
        """Move each gradient into the buffer of the node it goes to (emptying
        `sending`, so that the buffer alone holds it and may add into it in place);
        a node whose last dependency has delivered is ready."""
        buffers, dependencies = self.buffers, self.dependencies
        for i, (nxt, nr) in enumerate(node.next_functions):
            grad, sending[i] = sending[i], None
            if nxt is None:
                continue
            if grad is not None:
                _add_to_buffer(buffers, nxt, nr, grad)
            remaining = dependencies[nxt] - 1
            dependencies[nxt] = remaining
            if remaining == 0:
                self._push(nxt)


_LEAF_FIRST = float("-inf")


def _references(holder, index=0):
    """How many references there are to the tensor in holder[index], and to its
    storage. PyTorch checks the same counts to reuse a gradient that only the
    engine holds: to take it as a leaf's .grad without a copy ("stealing" it,
    _accumulate), or to add another gradient into it in place (_add_to_buffer)."""
    tensor = holder[index]
    return sys.getrefcount(tensor), sys.getrefcount(tensor._storage)


class _Probe:
    __slots__ = ("_storage",)

    def __init__(self):
        self._storage = object()


# The counts for a tensor held by nothing but the holder, alone on its storage,
# measured the same way, so they fit whatever Python runs this.
_UNSHARED = _references([_Probe()])


def _count_dependencies(roots):
    """Visit each reachable node once; count the edges into every node."""
    dependencies = {}
    seen = set(roots)
    stack = list(roots)
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            dependencies[nxt] = dependencies.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return dependencies


def _nodes_leading_to(roots, targets):
    """The nodes with a target somewhere below them (they must run so that
    gradients reach the targets). A target itself is not included: for
    autograd.grad its incoming gradient is captured before it would run."""
    needed = set()
    done = set()
    stack = [(node, False) for node in roots]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            if any(nxt in needed or nxt in targets for nxt, _ in node.next_functions if nxt is not None):
                needed.add(node)
            continue
        if node in done:
            continue
        done.add(node)
        stack.append((node, True))
        stack.extend((nxt, False) for nxt, _ in node.next_functions if nxt is not None and nxt not in done)
    return needed


def _run_pre_hooks(node, grads, will_run=True):
    """As in PyTorch: hooks registered with Tensor.register_hook (each may
    replace the gradient), then retain_grad (which sees the final gradient),
    then, if the node is going to run, its own pre-hooks (register_prehook)."""
    grads = list(grads)
    if node._tensor_pre_hooks:
        for nr, hooks in node._tensor_pre_hooks.items():
            for hook in list(hooks.values()):
                if grads[nr] is None:
                    break
                replaced = hook(grads[nr])
                if replaced is not None:
                    _check_hook_result(hook, grads[nr], replaced)
                    grads[nr] = replaced
    if node._retain_grad_hooks:
        for nr, store in node._retain_grad_hooks.items():
            if grads[nr] is not None:
                store(grads[nr])
    if node._pre_hooks and will_run:
        for hook in list(node._pre_hooks.values()):
            replaced = hook(tuple(grads))
            if replaced is not None:
                grads = list(replaced)
    return grads


def _check_hook_result(hook, grad, replaced):
    """A tensor hook may change a gradient's values, not its shape, dtype or device:
    PyTorch refuses the rest with these messages (check_single_result)."""
    name = getattr(hook, "__name__", type(hook).__name__)
    if replaced._shape != grad._shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    if replaced.dtype is not grad.dtype or replaced.device != grad.device:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {grad.type()} got {replaced.type()})")


def _run_node(node, grads, retain_graph):
    """node's backward on grads: the gradients for its inputs, fitted to them."""
    if type(node) is AccumulateGrad:
        return _accumulate(node, grads)
    if node._checks_gradients:
        grad_inputs = node.apply_checked(grads)  # a custom Function: its answer is checked
    elif all(g is None for g in grads):
        grad_inputs = (None,) * len(node.next_functions)  # nothing flowed in: nothing flows out
    else:
        grad_inputs = node.apply(*grads)
        if len(grad_inputs) != len(node.next_functions):
            raise RuntimeError(
                f"function {node.name()} returned an incorrect number of gradients "
                f"(expected {len(node.next_functions)}, got {len(grad_inputs)})"
            )
    grad_inputs = _fitted(node, grad_inputs)
    if node._post_hooks is not None:
        grad_inputs = _run_post_hooks(node, grad_inputs, grads)
    if not retain_graph:
        node.release()
    return grad_inputs


def _fitted(node, grad_inputs):
    """grad_inputs, each fitted to its input (fit_gradient) where it does not
    fit already; as in PyTorch, before the node's post-hooks see them."""
    fitted = None
    metas, edges = node.input_meta, node.next_functions
    for index, grad in enumerate(grad_inputs):
        meta = metas[index]
        if grad is None or meta is None or edges[index][0] is None:
            continue  # a gradient that goes nowhere is not checked, as in PyTorch (nor one of a hand-wired node)
        if grad._shape != meta[0] or grad.dtype is not meta[1] or grad._storage.device is not meta[2]:
            if fitted is None:
                fitted = list(grad_inputs)
            fitted[index] = fit_gradient(grad, meta, index, node)
    return grad_inputs if fitted is None else tuple(fitted)


def _accumulate(node, grads):
    """A leaf's gradient goes into .grad. One that nothing else refers to (the
    engine's buffer held it alone: _references) is taken as it is, not copied."""
    if grads[0] is not None:
        # Counted before the call below holds it too. As in PyTorch, only the tensor
        # counts: a view of memory that other tensors share is taken all the same.
        unshared = _references(grads)[0] == _UNSHARED[0]
        node.accumulate(grads[0], unshared)
    if node._post_hooks is not None:
        _run_post_hooks(node, (), grads)
    return ()


def _run_post_hooks(node, grad_inputs, grads):
    for hook in list(node._post_hooks.values()):
        replaced = hook(grad_inputs, tuple(grads))
        if replaced is not None:
            grad_inputs = tuple(replaced)
    return grad_inputs


def _add_to_buffer(buffers, node, nr, grad):
    """Sum a gradient into node's input buffer, as PyTorch's InputBuffer does: into
    the gradient already there, in place, when nothing else holds it and no graph
    of the backward pass is being recorded (create_graph needs the sum as an op)."""
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * node.num_outputs
    if slots[nr] is None:
        slots[nr] = grad
    elif not grad_mode.state.enabled and _references(slots, nr) == _UNSHARED and \
            is_non_overlapping_and_dense(slots[nr]._shape, slots[nr]._stride):
        slots[nr].add_(grad)  # a gradient only the buffer holds, as PyTorch's InputBuffer adds in place
    else:
        slots[nr] = slots[nr] + grad  # the same gradient tensor may be flowing along other edges too


def _step(task, create_graph, report=True):
    """Run the task's next node, with grad mode on only for create_graph (then
    backward ops record a graph of their own). The mode is set per node, so
    code run between steps is unaffected."""
    previous = grad_mode.state.enabled
    grad_mode.state.enabled = create_graph
    try:
        return task.run_next(report)
    finally:
        grad_mode.state.enabled = previous


def backward_steps(root_edges, root_grads, retain_graph=False, create_graph=False, capture=None, targets=None):
    """Run backward one node at a time, yielding a Step after each (see the
    module docstring). Returns the captured gradients when `capture` is given."""
    task = GraphTask(root_edges, root_grads, retain_graph, capture, targets)
    while task.ready:
        node, grads, grad_inputs = _step(task, create_graph)
        yield Step(node, tuple(grads), tuple(grad_inputs))
    return task.captured


def run_backward(root_edges, root_grads, retain_graph=False, create_graph=False, capture=None, targets=None):
    """Run the whole backward pass; return the captured gradients (for autograd.grad).
    No step is reported, so only the buffers hold each gradient on its way: one
    that nothing else holds can then be added to in place (_add_to_buffer) and
    become a leaf's .grad without a copy (_accumulate), as in PyTorch."""
    task = GraphTask(root_edges, root_grads, retain_graph, capture, targets)
    while task.ready:
        _step(task, create_graph, report=False)
    return task.captured
