"""Lesson 14 (capstone): binary cross-entropy computed from logits, stable for any logit."""
import math

import tinytorch as torch

from .checking import Wrong, call_learner_code, exercise, expect_function, expect_returned, expect_shape, library_of


def _solution(z, y):
    # max(z, 0) - z*y + log(1 + exp(-|z|)): the exponent is never positive, so nothing overflows.
    return (torch.relu(z) - z * y + torch.log(1 + torch.exp(-torch.abs(z)))).mean()


def _through_probabilities(z, y):
    p = torch.sigmoid(z)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()


def _clamped_probabilities(z, y):
    p = torch.sigmoid(z).clamp(1e-7, 1 - 1e-7)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()


def _exp_of_any_sign(z, y):
    # log(1 + exp(z)) - z*y is the loss, but exp(z) overflows for large z
    return (torch.log(1 + torch.exp(z)) - z * y).mean()


def _summed(z, y):
    return (torch.relu(z) - z * y + torch.log(1 + torch.exp(-torch.abs(z)))).sum()


def _sign_flipped(z, y):
    return -(torch.relu(z) - z * y + torch.log(1 + torch.exp(-torch.abs(z)))).mean()


def _through_python_floats(z, y):
    values = [max(a, 0.0) - a * b + math.log1p(math.exp(-abs(a))) for a, b in zip(z.tolist(), y.tolist())]
    return torch.tensor(sum(values) / len(values))


def _reference(logits, labels):
    """The loss and its gradient with respect to each logit, in double precision."""
    n = len(logits)
    losses = [max(z, 0.0) - z * y + math.log1p(math.exp(-abs(z))) for z, y in zip(logits, labels)]
    sigmoid = [1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z)) for z in logits]  # (no overflow)
    grads = [(s - y) / n for s, y in zip(sigmoid, labels)]
    return sum(losses) / n, grads


MODERATE = ([-2.0, -0.5, 0.25, 1.5, 3.0], [1.0, 0.0, 1.0, 1.0, 0.0])
EXTREME = ([-100.0, -30.0, 40.0, 100.0, 25.0, -60.0, 1000.0, -1000.0], [1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0])


def _run(function, lib, logits, labels):
    z = lib.tensor(logits, requires_grad=True)
    y = lib.tensor(labels)
    loss = call_learner_code(function, z, y)
    expect_returned(loss)
    expect_shape(loss, (), "the loss you returned")
    if loss.grad_fn is None:
        raise Wrong("your loss has no grad_fn, so training could not backpropagate through it: compute it "
                    "with tensor operations on z (no .item(), .tolist() or NumPy on the way).")
    if not math.isfinite(loss.item()):
        return loss.item(), None  # no gradient through an inf or nan
    (grad,) = lib.autograd.grad(loss, z)
    return loss.item(), grad.tolist()


def _finite(values):
    return all(math.isfinite(v) for v in values)


@exercise(
    solution=lambda: _solution,
    wrong_answers=[
        lambda: _through_probabilities,
        lambda: _clamped_probabilities,
        lambda: _exp_of_any_sign,
        lambda: _summed,
        lambda: _sign_flipped,
        lambda: _through_python_floats,
        lambda: (lambda z, y: ...),
    ],
    hint="write log(1 + exp(z)) and log(1 + exp(-z)) so that exp only ever sees a number <= 0: "
         "|z| and relu (max(z, 0)) help. torch.sigmoid followed by torch.log cannot be made exact for "
         "large logits.",
)
def bce_with_logits(answer):
    "A function (z, y) -> the mean binary cross-entropy of logits z and labels y, finite for any logit."
    function = expect_function(answer)
    lib = library_of(function)
    logits, labels = MODERATE
    loss, grad = _run(function, lib, logits, labels)
    expected_loss, expected_grad = _reference(logits, labels)
    if not math.isclose(loss, expected_loss, rel_tol=1e-4):
        if math.isclose(loss, -expected_loss, rel_tol=1e-4):
            raise Wrong("your loss is negative: cross-entropy is minus the log-likelihood, a number >= 0.")
        if math.isclose(loss, len(logits) * expected_loss, rel_tol=1e-4):
            raise Wrong(f"on {len(logits)} examples your loss is {len(logits)} times too large: "
                        "average over the examples instead of adding them up.")
        raise Wrong(f"on ordinary logits (between -2 and 3) your loss is {loss:.4f}, which is not the binary "
                    "cross-entropy of those logits and labels.")
    if grad is None or not all(math.isclose(g, e, rel_tol=1e-3, abs_tol=1e-6) for g, e in zip(grad, expected_grad)):
        raise Wrong("your loss has the right value but not the right gradient: compute it from z with "
                    "differentiable operations only.")

    logits, labels = EXTREME
    loss, grad = _run(function, lib, logits, labels)
    expected_loss, expected_grad = _reference(logits, labels)
    if not _finite([loss]):
        raise Wrong(f"for logits as large as +-100 your loss is {loss}. In float32, exp(z) overflows to inf "
                    "for z above 88, and sigmoid(z) rounds to exactly 1 long before, so log(1 - p) is -inf: "
                    "some step of yours meets one of the two. Let exp only ever see a number <= 0.")
    if not math.isclose(loss, expected_loss, rel_tol=1e-4):
        raise Wrong(f"for logits as large as +-1000 your loss is {loss:.4f}: confidently wrong logits should "
                    "cost about as much as the logit is large, and yours are capped or rounded.")
    if grad is None or not _finite(grad) or not all(math.isclose(g, e, rel_tol=1e-3, abs_tol=1e-6)
                                    for g, e in zip(grad, expected_grad)):
        raise Wrong("for logits as large as +-1000 your loss is right but its gradient is not finite "
                    "or not right: some step inside produces inf or nan.")
    return ("this is what torch.nn.functional.binary_cross_entropy_with_logits computes: the log-sum-exp "
            "trick keeps every exponent <= 0.")
