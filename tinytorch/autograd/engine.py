"""The backward engine: an iterative, dependency-counted walk of the graph.

1. From the roots, visit every reachable node once and count how many edges
   point into each node: its *dependencies*.
2. A node is *ready* when all of its dependencies have delivered their
   gradient into its input buffer. Ready nodes wait in a priority queue, newest
   first (as in PyTorch; leaves' AccumulateGrad nodes go first of all).
3. Running a node turns the summed gradient of its output into gradients for
   its inputs, which go into the buffers of `next_functions`.

No recursion, so a chain of 100,000 ops is fine, and each node runs exactly
once per backward. `backward_steps` yields one `Step` per node, which lets a
widget (or a curious learner) drive the engine one node at a time.
"""
import heapq
import itertools

from . import grad_mode
from .graph import AccumulateGrad, accumulator_for


class Step:
    """What one node did: the gradients it received and what it sent where."""

    __slots__ = ("node", "grad_outputs", "grad_inputs", "next_functions")

    def __init__(self, node, grad_outputs, grad_inputs):
        self.node = node
        self.grad_outputs = grad_outputs  # the gradients of the node's outputs (its input buffer)
        self.grad_inputs = grad_inputs  # one per entry of next_functions
        self.next_functions = node.next_functions

    def __repr__(self):
        sent = ", ".join(nxt.name() for nxt, _ in self.next_functions if nxt is not None)
        return f"Step({self.node.name()} -> [{sent}])"


def gradient_edge(tensor):
    """Where this tensor's gradient enters the graph: (node, output number), or
    None when nothing about it needs a gradient."""
    if tensor.grad_fn is not None:
        return tensor.grad_fn, tensor._output_nr
    if tensor._requires_grad:
        return accumulator_for(tensor), 0
    return None


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
    """The nodes that must run so that gradients reach the target nodes: those
    with a target somewhere below them. A target itself need not run: its
    incoming gradient is captured before it would."""
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


def _run_tensor_hooks(node, grads):
    """Hooks registered with Tensor.register_hook on this node's outputs, then retain_grad."""
    if node._tensor_pre_hooks:
        grads = list(grads)
        for nr, hooks in node._tensor_pre_hooks.items():
            for hook in list(hooks.values()):
                if grads[nr] is None:
                    break
                replaced = hook(grads[nr])
                if replaced is not None:
                    grads[nr] = replaced
    if node._retain_grad_hooks:
        for nr, hook in node._retain_grad_hooks.items():
            if grads[nr] is not None:
                hook(grads[nr])
    return grads


def backward_steps(root_edges, root_grads, retain_graph=False, create_graph=False, capture=None):
    """Run backward one node at a time, yielding a Step after each.

    root_edges: (node, output_nr) pairs; root_grads: the gradient for each.
    capture: optional list of (node, output_nr) whose incoming gradient is returned
    (as the generator's return value) instead of accumulated into `.grad`; only the
    nodes needed to reach them run.
    """
    roots = list(dict.fromkeys(node for node, _ in root_edges))
    dependencies = _count_dependencies(roots)
    buffers = {}
    for (node, nr), grad in zip(root_edges, root_grads):
        _add_to_buffer(buffers, node, nr, grad)

    captured = None
    needed = None
    if capture is not None:
        captured = [None] * len(capture)
        wanted = {}
        for i, (node, nr) in enumerate(capture):
            wanted.setdefault(node, []).append((i, nr))
        needed = _nodes_leading_to(roots, wanted.keys())

    order = itertools.count()
    ready = []
    for node in roots:
        if dependencies.get(node, 0) == 0:
            heapq.heappush(ready, (_priority(node), next(order), node))

    while ready:
        _, _, node = heapq.heappop(ready)
        grads = buffers.pop(node, None) or [None] * node.num_outputs
        # Backward ops record a graph only for create_graph. The mode is set per
        # node, not across the yield, so code run between steps is unaffected.
        previous_mode = grad_mode.state.enabled
        grad_mode.state.enabled = create_graph
        try:
            grads = _run_pre_hooks(node, grads)
            if captured is not None and node in wanted:
                for i, nr in wanted[node]:
                    captured[i] = grads[nr]
            if needed is not None and node not in needed:
                continue  # autograd.grad(inputs=...) skips what cannot reach an input
            if isinstance(node, AccumulateGrad):
                if grads[0] is not None:
                    node.accumulate(grads[0])
                grad_inputs = ()
            else:
                grad_inputs = _run_node(node, grads, retain_graph)
        finally:
            grad_mode.state.enabled = previous_mode

        for (nxt, nr), grad in zip(node.next_functions, grad_inputs):
            if nxt is None:
                continue
            if grad is not None:
                _add_to_buffer(buffers, nxt, nr, grad)
            remaining = dependencies[nxt] - 1
            dependencies[nxt] = remaining
            if remaining == 0:
                heapq.heappush(ready, (_priority(nxt), next(order), nxt))
        yield Step(node, tuple(grads), grad_inputs)
    return captured


def _run_pre_hooks(node, grads):
    """Tensor hooks (Tensor.register_hook), then retain_grad, then the node's own pre-hooks."""
    grads = _run_tensor_hooks(node, grads)
    if node._pre_hooks:
        for hook in list(node._pre_hooks.values()):
            replaced = hook(tuple(grads))
            if replaced is not None:
                grads = list(replaced)
    return grads


def _run_node(node, grads, retain_graph):
    if all(g is None for g in grads):
        grad_inputs = (None,) * len(node.next_functions)  # nothing flowed in: nothing flows out
    else:
        grad_inputs = node.apply(*grads)
        if len(grad_inputs) != len(node.next_functions):
            raise RuntimeError(
                f"function {node.name()} returned an incorrect number of gradients "
                f"(expected {len(node.next_functions)}, got {len(grad_inputs)})"
            )
    if node._post_hooks:
        for hook in list(node._post_hooks.values()):
            replaced = hook(grad_inputs, tuple(grads))
            if replaced is not None:
                grad_inputs = tuple(replaced)
    if not retain_graph:
        node.release()
    return grad_inputs


def _priority(node):
    # Leaves first (their gradients are final as soon as they arrive), then newest nodes first.
    return float("-inf") if isinstance(node, AccumulateGrad) else -node._sequence_nr


def _add_to_buffer(buffers, node, nr, grad):
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * node.num_outputs
    # Out of place: the same gradient tensor may be flowing along several edges.
    slots[nr] = grad if slots[nr] is None else slots[nr] + grad


def run_backward(root_edges, root_grads, retain_graph=False, create_graph=False, capture=None):
    """Run the whole backward pass; return captured gradients (for autograd.grad)."""
    steps = backward_steps(root_edges, root_grads, retain_graph, create_graph, capture)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value
