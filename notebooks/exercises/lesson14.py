"""Lesson 14 (capstone): reading the training's progress off the boundary slider, and binary
cross-entropy computed from logits, stable for any logit."""
import functools
import math
import numbers

import numpy as np

import tinytorch as torch

from .checking import (Wrong, call_learner_code, exercise, expect_function, expect_returned, expect_shape, is_tensor,
                       library_of)

# -- Exercise 14.1: the first step with at most 10 misclassified training points -------
# The lesson trains its network for STEPS steps, saves the parameters every SAVED_EVERY steps,
# and its slider draws the boundary of each saved step, titled with how many of the 200
# training points lie on the wrong side. The check trains the same network the same way
# (tests/test_lesson14_claims.py checks that these counts are the ones the lesson's slider shows).
STEPS = 1000
SAVED_EVERY = 25
AT_MOST = 10  # the exercise asks for the first step with at most this many misclassified points


def _make_moons(n, noise, seed):
    """The lesson's make_moons, line for line."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, np.pi, n)
    label = rng.integers(0, 2, n)
    x = np.where(label == 0, np.cos(angle), 1 - np.cos(angle))
    y = np.where(label == 0, np.sin(angle), 0.5 - np.sin(angle))
    points = np.stack([x, y], axis=1) + rng.normal(0, noise, (n, 2))
    return points.astype(np.float32), label.astype(np.float32)


@functools.cache
def misclassified_by_step():
    """{step: how many of the 200 training points the network gets wrong after that many steps},
    for every step the slider offers: the lesson's data, initial weights, loss and gradient
    descent, rebuilt with tinytorch (about a second, once)."""
    points, labels = _make_moons(300, noise=0.15, seed=0)
    X, y = torch.from_numpy(points[:200]), torch.from_numpy(labels[:200])
    rng = np.random.default_rng(1)
    hidden = 16

    def parameter(array):
        return torch.tensor(array.astype(np.float32), requires_grad=True)

    W1 = parameter(rng.normal(0, 1, (2, hidden)))
    b1 = parameter(np.zeros(hidden))
    W2 = parameter(rng.normal(0, 1 / np.sqrt(hidden), (hidden, 1)))
    b2 = parameter(np.zeros(1))
    params = [W1, b1, W2, b2]

    def model(inputs):
        return (torch.tanh(inputs @ W1 + b1) @ W2 + b2).squeeze(1)

    counts = {}
    for step in range(1, STEPS + 1):
        p = torch.sigmoid(model(X)).clamp(1e-6, 1 - 1e-6)
        loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
        for param in params:
            param.grad = None
        loss.backward()
        with torch.no_grad():
            for param in params:
                param -= 0.5 * param.grad
        if step % SAVED_EVERY == 0:
            with torch.no_grad():
                counts[step] = int(((model(X) > 0).float() != y).sum().item())
    return counts


def _first_step_with_few():
    return min(step for step, count in misclassified_by_step().items() if count <= AT_MOST)


def _whole_number(value):
    """An int from an int, a whole float or a one-element tensor of one; None for anything else."""
    if is_tensor(value) and math.prod(value.shape) == 1:
        (value,) = value.reshape(-1).tolist()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    value = float(value)
    return int(value) if value.is_integer() else None


@exercise(
    solution=_first_step_with_few,
    right_answers=[
        lambda: float(_first_step_with_few()),
        lambda: np.int64(_first_step_with_few()),
        lambda: torch.tensor(_first_step_with_few()),
    ],
    wrong_answers=[
        lambda: _first_step_with_few() - SAVED_EVERY,      # one slider step early: still more than 10
        lambda: _first_step_with_few() + SAVED_EVERY,      # one step late: qualifies, but not the first
        lambda: STEPS,                                     # the slider's starting position
        lambda: SAVED_EVERY,                               # its other end
        lambda: _first_step_with_few() + 5,                # not a step the slider offers
        lambda: misclassified_by_step()[_first_step_with_few()],  # the count, not the step
        lambda: AT_MOST,
        lambda: 0.95,                                      # an accuracy
        lambda: str(_first_step_with_few()),
        lambda: STEPS + SAVED_EVERY,
    ],
    hint="drag the slider left to the start, then right one notch at a time, reading the title's count "
         f"of misclassified training points: stop at the first step where it is {AT_MOST} or fewer.",
)
def first_step_with_few_errors(answer):
    "The first step (a value of the slider) after which at most 10 of the 200 training points are misclassified."
    if isinstance(answer, str):
        raise Wrong(f"answer with a number, the slider's step, not the string {answer!r} (leave out the quotes).")
    step = _whole_number(answer)
    if step is None:
        if isinstance(answer, numbers.Real) and not isinstance(answer, bool) and 0 < answer < 1:
            raise Wrong(f"{answer} looks like an accuracy; the question asks for a step, the number the slider "
                        "shows, a whole number.")
        raise Wrong(f"answer with a whole number, the step the slider shows; yours is {type(answer).__name__} "
                    f"{answer!r}.")
    counts = misclassified_by_step()
    if not SAVED_EVERY <= step <= STEPS:
        count_hint = ""
        if 0 <= step < SAVED_EVERY:
            count_hint = (" If that is a number of misclassified points, the question asks instead for the step "
                          "at which the title first shows a count that small.")
        raise Wrong(f"the slider runs from step {SAVED_EVERY} to step {STEPS}; {step} is not on it.{count_hint}")
    if step % SAVED_EVERY:
        raise Wrong(f"the parameters were saved every {SAVED_EVERY} steps, so the slider moves in steps of "
                    f"{SAVED_EVERY} and never shows step {step}.")
    count = counts[step]
    if count > AT_MOST:
        raise Wrong(f"after {step} steps the title reads {count} of 200 training points misclassified: more than "
                    f"{AT_MOST}. Drag the slider further right.")
    if step != _first_step_with_few():
        points = "training point is" if count == 1 else "training points are"
        raise Wrong(f"after {step} steps {count} {points} misclassified, at most {AT_MOST} indeed, but "
                    f"it is not the first such step: an earlier position of the slider already shows {AT_MOST} or "
                    "fewer.")
    return (f"After {step} steps {count} of the 200 training points are misclassified, and one notch earlier, "
            f"{counts[step - SAVED_EVERY]}. The count falls in jumps of whole points while the loss falls "
            "smoothly: from step 600 to 800 it stays at 4 although the loss keeps going down.")


# -- Exercise 14.2: a loss that never overflows ---------------------------------------


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
