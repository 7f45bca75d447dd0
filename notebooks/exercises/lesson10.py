"""Lesson 10 (autograd basics): an intermediate gradient, the vector of y.backward(v), a
gradient read off a GraphView edge, and when the engine finds a node ready.

The autograd lessons (10 to 14) take functions and classes as answers. A check runs
them on tensors of the library the answer was written with: `library_of` (checking.py)
finds it, so the checks work the same after `import torch`.
"""
import tinytorch as torch
from tinytorch.autograd import engine

from .checking import (Wrong, call_learner_code, close, counting_unpacks, exercise, expect_function, expect_returned,
                       expect_shape, expect_tensor, is_tensor, library_of)


# -- exercise 10.1 ---------------------------------------------------------------------
def _solution_grad_at_intermediate(a, b):
    u = a * b
    L = (u * u * u).sum()
    return torch.autograd.grad(L, u)[0]


def _retain_grad_answer(a, b):
    u = a * b
    u.retain_grad()
    (u * u * u).sum().backward()
    return u.grad


def _hook_answer(a, b):
    seen = []
    u = a * b
    u.register_hook(seen.append)
    (u * u * u).sum().backward()
    return seen[0]


def _gradient_at_a(a, b):
    u = a * b
    L = (u * u * u).sum()
    return torch.autograd.grad(L, a)[0]


def _forward_value(a, b):
    u = a * b
    return u


def _gradient_of_sum(a, b):
    u = a * b
    return torch.autograd.grad(u.sum(), u)[0]


def _non_leaf_grad(a, b):
    u = a * b
    L = (u * u * u).sum()
    L.backward()
    return u.grad  # None: u is not a leaf and did not retain its gradient


def _formula_by_hand(a, b):
    u = a * b
    return 3 * u * u  # the right values, worked out on paper: no autograd


def _intermediate_inputs(lib, requires_grad=True):
    a = lib.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], requires_grad=requires_grad)
    b = lib.tensor([[2.0, 1.0, -0.5], [0.5, -2.0, 1.0]], requires_grad=requires_grad)
    return a, b


def _enable_grad_copy_answer(a, b):
    # Autograd on a detached copy of u, recording switched on whatever the caller's mode.
    u = a * b
    with torch.enable_grad():
        u_copy = u.detach().requires_grad_()
        return torch.autograd.grad((u_copy * u_copy * u_copy).sum(), u_copy)[0]


@exercise(
    solution=lambda: _solution_grad_at_intermediate,
    right_answers=[lambda: _retain_grad_answer, lambda: _hook_answer, lambda: _enable_grad_copy_answer],
    wrong_answers=[
        lambda: _gradient_at_a,
        lambda: _forward_value,
        lambda: _gradient_of_sum,
        lambda: _non_leaf_grad,
        lambda: _formula_by_hand,
        lambda: (lambda a, b: ...),
    ],
    hint="u is not a leaf, so backward does not keep its gradient: use one of the lesson's three ways "
         "to see the gradient of an intermediate tensor.",
)
def grad_at_intermediate(answer):
    "A function (a, b) -> dL/du, where u = a * b and L = (u * u * u).sum()."
    function = expect_function(answer)
    lib = library_of(function)
    a, b = _intermediate_inputs(lib)
    # Every way of asking autograd (retain_grad, a hook, autograd.grad or backward, on u or on a
    # detached copy of it) runs the backward of a node of L, which unpacks the tensors it saved;
    # a formula worked out by hand runs no backward at all.
    with counting_unpacks(lib) as unpacks:
        result = call_learner_code(function, a, b)
    backward_ran = sum(unpacks.values()) > 0
    if result is None:
        raise Wrong("your function returned None. If it returned u.grad: u is not a leaf, so autograd "
                    "drops its gradient unless you ask it to keep it before calling backward.")
    expect_returned(result)
    expect_shape(result, tuple(a.shape), "the gradient you returned")
    u = (a * b).detach()
    if close(result, 3 * u * u):
        if not backward_ran:
            raise Wrong("the values are right, but autograd did not compute them: no backward pass ran inside "
                        "your function, so they come from a formula worked out by hand. The exercise asks "
                        "autograd to find dL/du: use one of the lesson's three ways to see the gradient of a "
                        "tensor in the middle of the graph.")
        return "retain_grad, a hook and autograd.grad all reach the gradient of a tensor in the middle of a graph."
    if close(result, u):
        raise Wrong("you returned u itself, the forward value; the exercise asks for the gradient of L with respect to u.")
    if close(result, 3 * u * u * b.detach()) or close(result, 3 * u * u * a.detach()):
        raise Wrong("that is the gradient with respect to a leaf (a or b), which also contains the factor "
                    "du/da; the exercise asks for the gradient at u itself.")
    if close(result, lib.ones_like(u)):
        raise Wrong("all ones is the gradient of u.sum() with respect to u; L = (u * u * u).sum() gives "
                    "something that depends on u.")
    raise Wrong("the gradient has the right shape but wrong values: differentiate L with respect to u "
                "(not a or b), and compute L exactly as (u * u * u).sum().")


# -- exercise 10.2 ---------------------------------------------------------------------
def _lesson_y(lib):
    """The exercise's tensors, as the lesson makes them."""
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w3 = lib.tensor([0.5, -1.0, 2.0])
    return x, w3, w3 * x


@exercise(
    solution=lambda: torch.tensor([0.5, -2.0, 6.0]),
    wrong_answers=[
        lambda: torch.ones(3),
        lambda: torch.tensor([1.0, -4.0, 12.0]),
        lambda: torch.tensor([1.0, 2.0, 3.0]),
        lambda: torch.tensor([0.5, -1.0, 2.0]),
        lambda: torch.tensor([[0.5, -2.0, 6.0]]),
    ],
    hint="y.backward(v) passes v as dz/dy, the gradient of the scalar z with respect to y. "
         "Differentiate z = (y * y).sum() / 2 with respect to one element y_i.",
)
def vjp_vector(answer):
    "The v for which y.backward(v) gives x.grad = gradient of z = (y * y).sum() / 2 (y = w3 * x)."
    expect_tensor(answer, "v")
    lib = library_of(answer)
    x, w3, y = _lesson_y(lib)
    expect_shape(answer, tuple(y.shape), "v")
    if not answer.dtype.is_floating_point:
        raise Wrong("v holds whole numbers; gradients are floating-point tensors, like y.")
    y.backward(answer)
    wanted = (w3 * w3 * x).detach()  # dz/dx for z = (y * y).sum() / 2
    if close(x.grad, wanted):
        return "v plays the role of dz/dy: for z = (y * y).sum() / 2 that is y itself, and x.grad = v * w3."
    y_now = y.detach()
    if close(answer, lib.ones_like(y_now)):
        raise Wrong("all ones gives the gradient of y.sum(); this z squares each element of y first.")
    if close(answer, 2 * y_now):
        raise Wrong("every element of your v is twice too large: mind the / 2 in z.")
    if close(answer, x.detach()) or close(answer, w3):
        raise Wrong("v is dz/dy, a gradient with respect to y; your v repeats x or w3 instead.")
    raise Wrong("with this v, x.grad is not the gradient of z = (y * y).sum() / 2. "
                "Work out dz/dy_i for each element of y.")


# -- exercise 10.3: read a gradient off a GraphView edge ----------------------------------
def _edge_graph(lib):
    """The exercise's graph, as the lesson builds it: d = a * b + a * c, z = (d ** 2).sum()."""
    a = lib.tensor([1.0, -2.0], requires_grad=True)
    b = lib.tensor([3.0, 0.5], requires_grad=True)
    c = lib.tensor([-1.0, 4.0], requires_grad=True)
    ab, ac = a * b, a * c
    z = ((ab + ac) ** 2).sum()
    return a, b, c, ab, ac, z


def _edge_gradients(lib):
    """What flows along the edges a learner might read, from the library's own backward:
    {name: gradient}. Each MulBackward0 sends (gradient it received) * (the other factor)."""
    a, b, c, ab, ac, z = _edge_graph(lib)
    into_ab, into_ac, a_grad = lib.autograd.grad(z, [ab, ac, a])
    return {
        "ab_to_a": into_ab * b.detach(),   # the edge the exercise asks about
        "ac_to_a": into_ac * c.detach(),   # the other edge into a's AccumulateGrad
        "ab_to_b": into_ab * a.detach(),   # a * b's other edge (a * c sends the same to c here)
        "into_ab": into_ab,                # what AddBackward0 sends to a * b's node
        "a_grad": a_grad,                  # both edges into a, summed
        "top": lib.ones_like(a_grad),      # what SumBackward0 sends at the top
    }


def _answer_as_tensor(answer):
    """A tensor (of the learner's library) from a tensor or a list of numbers."""
    if is_tensor(answer):
        return answer, library_of(answer)
    if isinstance(answer, (list, tuple)) and answer and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in answer):
        return torch.tensor([float(v) for v in answer]), torch
    raise Wrong("answer with the gradient as a tensor, e.g. torch.tensor([..., ...]), one value per element of a.")


@exercise(
    solution=lambda: _edge_gradients(torch)["ab_to_a"],
    right_answers=[lambda: _edge_gradients(torch)["ab_to_a"].tolist()],
    wrong_answers=[
        lambda: _edge_gradients(torch)["a_grad"],
        lambda: _edge_gradients(torch)["ac_to_a"],
        lambda: _edge_gradients(torch)["ab_to_b"],
        lambda: _edge_gradients(torch)["into_ab"],
        lambda: _edge_gradients(torch)["top"],
        lambda: -_edge_gradients(torch)["ab_to_a"],
        lambda: torch.zeros(3),
    ],
    hint="Find the MulBackward0 that saved a and b (its box lists them before backward runs). After Run, "
         "the label on its edge to the box of a.grad is what it sent to a.",
)
def gradient_on_edge(answer):
    "The gradient on the edge from a * b's MulBackward0 to a's AccumulateGrad (d = a * b + a * c, z = (d ** 2).sum())."
    tensor, lib = _answer_as_tensor(answer)
    edges = _edge_gradients(lib)
    expect_shape(tensor, tuple(edges["ab_to_a"].shape), "your gradient")
    if close(tensor, edges["ab_to_a"]):
        return ("a is used twice, so two edges lead into its AccumulateGrad node; each carries its own "
                "gradient, and a.grad is their sum.")
    if close(tensor, edges["a_grad"]):
        raise Wrong("that is a.grad: the sum of what both edges into a's AccumulateGrad carry. The exercise "
                    "asks for one of them, the edge from a * b's node.")
    if close(tensor, edges["ac_to_a"]):
        raise Wrong("that is the gradient on the edge from the other MulBackward0, the one of a * c (the node "
                    "that saved a and c).")
    if close(tensor, edges["ab_to_b"]):
        raise Wrong("that gradient goes to b (a * c's node sends the same to c), not to a: follow the other "
                    "edge of a * b's node.")
    if close(tensor, edges["into_ab"]):
        raise Wrong("that is the gradient arriving at a * b's node (what AddBackward0 sends it); the node "
                    "multiplies it by its local derivative before sending it on to a.")
    if close(tensor, edges["top"]):
        raise Wrong("that is what SumBackward0 sends at the top of the graph; the edge asked about is near "
                    "the bottom, from a * b's MulBackward0 to a.")
    if close(tensor, -edges["ab_to_a"]):
        raise Wrong("every value has the wrong sign: copy the label on the edge as it is.")
    raise Wrong("that is not what any edge into a carries. Run backward in the GraphView and read the edge "
                "from the MulBackward0 that saved a and b to a's AccumulateGrad.")


# -- exercise 10.4: read the source of the engine's loop ----------------------------------
def _dependencies_of_y():
    """(dependencies of y's node when the pass starts, the count at which _send makes it
    ready), for z = (y * y).sum() with y = w2 * x, from the engine itself."""
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.tensor([0.5, -1.0], requires_grad=True) * x
    z = (y * y).sum()
    task = engine.GraphTask([(z.grad_fn, 0)], [torch.ones_like(z)])
    start = task.dependencies[y.grad_fn]
    with torch.no_grad():  # as the engine runs nodes for a plain backward()
        while y.grad_fn not in [entry[-1] for entry in task.ready]:
            task.run_next()
    return start, task.dependencies[y.grad_fn]


@exercise(
    solution=_dependencies_of_y,
    wrong_answers=[lambda: (1, 0), lambda: (2, 1), lambda: (0, 2), lambda: (2, 2)],
    hint="Count the edges that point into y's node: the step of y * y above listed MulBackward0 twice. "
         "Then read the last three lines of _send.",
)
def ready_count(answer):
    "(dependencies[y's node] when backward starts, the value at which _send pushes it onto the ready queue)."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in answer)):
        raise Wrong("answer with two whole numbers: (count at the start, count when it becomes ready).")
    start, ready = answer
    expected_start, expected_ready = _dependencies_of_y()
    if start != expected_start:
        raise Wrong("y is one tensor, but count the edges into its node: y * y uses y as both of its inputs.")
    if ready != expected_ready:
        raise Wrong("_send subtracts one for each delivery; read the comparison that decides the node is ready.")
    return ("two edges lead into y's node, so it waits for both deliveries; only then is its gradient "
            "(the sum of both) complete, and it runs.")
