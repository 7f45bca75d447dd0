"""Lesson 14 (capstone): reading the training's progress off the boundary slider, and binary
cross-entropy computed from logits, stable for any logit."""
import functools
import math
import numbers

import numpy as np

import tinytorch as torch
from widgets.language import Catalog

from .checking import (Wrong, call_learner_code, exercise, expect_function, expect_returned, expect_shape, is_tensor,
                       library_of)

# What this lesson's checks say, in the course's two languages (widgets.language).
MESSAGES = Catalog(
    en={
        # exercise 14.1
        "a string": "answer with a number, the slider's step, not the string {answer!r} (leave out the quotes).",
        "an accuracy": "{answer} looks like an accuracy; the question asks for a step, the number the slider shows, "
                       "a whole number.",
        "not a whole number": "answer with a whole number, the step the slider shows; yours is {kind} {answer!r}.",
        "off the slider": "the slider runs from step {first} to step {last}; {step} is not on it.",
        "off the slider: a count?": " If that is a number of misclassified points, the question asks instead for the "
                                    "step at which the title first shows a count that small.",
        "not a slider step": "the parameters were saved every {every} steps, so the slider moves in steps of {every} "
                             "and never shows step {step}.",
        "too many misclassified": "after {step} steps the title reads {count} of 200 training points misclassified: "
                                  "more than {at_most}. Drag the slider further right.",
        "not the first step": "after {step} steps {count:training point is|training points are} misclassified, at "
                              "most {at_most} indeed, but it is not the first such step: an earlier position of the "
                              "slider already shows {at_most} or fewer.",
        "praise: first step": "After {step} steps {count} of the 200 training points are misclassified, and one notch "
                              "earlier, {before}. The count falls in jumps of whole points while the loss falls "
                              "smoothly: from step 600 to 800 it stays at 4 although the loss keeps going down.",
        "hint: first step": "drag the slider left to the start, then right one notch at a time, reading the title's "
                            "count of misclassified training points: stop at the first step where it is {at_most} or "
                            "fewer.",
        # exercise 14.2
        "the loss you returned": "the loss you returned",
        "no grad_fn": "your loss has no grad_fn, so training could not backpropagate through it: compute it with "
                      "tensor operations on z (no .item(), .tolist() or NumPy on the way).",
        "negative": "your loss is negative: cross-entropy is minus the log-likelihood, a number >= 0.",
        "summed": "on {count} examples your loss is {count} times too large: average over the examples instead of "
                  "adding them up.",
        "wrong value": "on ordinary logits (between -2 and 3) your loss is {loss:.4f}, which is not the binary "
                       "cross-entropy of those logits and labels.",
        "wrong gradient": "your loss has the right value but not the right gradient: compute it from z with "
                          "differentiable operations only.",
        "not finite": "for logits as large as +-100 your loss is {loss}. In float32, exp(z) overflows to inf for z "
                      "above 88, and sigmoid(z) rounds to exactly 1 long before, so log(1 - p) is -inf: some step of "
                      "yours meets one of the two. Let exp only ever see a number <= 0.",
        "capped": "for logits as large as +-1000 your loss is {loss:.4f}: confidently wrong logits should cost about "
                  "as much as the logit is large, and yours are capped or rounded.",
        "gradient not finite": "for logits as large as +-1000 your loss is right but its gradient is not finite or not "
                               "right: some step inside produces inf or nan.",
        "praise: bce": "this is what torch.nn.functional.binary_cross_entropy_with_logits computes: the log-sum-exp "
                       "trick keeps every exponent <= 0.",
        "hint: bce": "write log(1 + exp(z)) and log(1 + exp(-z)) so that exp only ever sees a number <= 0: |z| and "
                     "relu (max(z, 0)) help. torch.sigmoid followed by torch.log cannot be made exact for large "
                     "logits.",
    },
    zh_CN={
        # exercise 14.1
        "a string": "请用一个数作答，即滑块上的步数，而不是字符串 {answer!r}（去掉引号）。",
        "an accuracy": "{answer} 看起来像是准确率；题目问的是步数，也就是滑块上显示的数，是一个整数。",
        "not a whole number": "请用一个整数作答，即滑块上显示的步数；你的答案是 {kind} 类型的 {answer!r}。",
        "off the slider": "滑块的范围是第 {first} 步到第 {last} 步；{step} 不在其中。",
        "off the slider: a count?": "如果这是被错误分类的点数，那么题目问的其实是标题第一次显示这么小的计数时的步数。",
        "not a slider step": "参数每 {every} 步保存一次，所以滑块每次移动 {every} 步，不会显示第 {step} 步。",
        "too many misclassified": "训练 {step} 步之后，标题显示 200 个训练点中有 {count} 个被错误分类：多于 {at_most} "
                                  "个。把滑块继续向右拖。",
        "not the first step": "训练 {step} 步之后有 {count} 个训练点被错误分类，确实不超过 {at_most} 个，但这不是第一个"
                              "这样的步数：滑块更靠前的某个位置已经显示 {at_most} 个或更少。",
        "praise: first step": "训练 {step} 步之后，200 个训练点中有 {count} 个被错误分类，往前一格时是 {before} 个。"
                              "损失平滑地下降，而这个计数却是一个点一个点地跳着下降：从第 600 步到第 800 步，尽管"
                              "损失一直在下降，它始终停在 4。",
        "hint: first step": "先把滑块拖到最左边的起点，再一格一格地向右移动，读出标题中被错误分类的训练点数：在它第一次"
                            "变为 {at_most} 个或更少的那一步停下。",
        # exercise 14.2
        "the loss you returned": "你返回的损失",
        "no grad_fn": "你的损失没有 grad_fn，训练就无法通过它进行反向传播：请用作用于 z 的张量运算来计算它（中途不要用 "
                      ".item()、.tolist() 或 NumPy）。",
        "negative": "你的损失是负数：交叉熵是对数似然的相反数，是一个 >= 0 的数。",
        "summed": "在 {count} 个样本上，你的损失大了 {count} 倍：应当对各个样本取平均，而不是把它们加起来。",
        "wrong value": "在普通的 logit（介于 -2 和 3 之间）上，你的损失是 {loss:.4f}，这不是这些 logit 和标签的二元"
                       "交叉熵。",
        "wrong gradient": "你的损失数值正确，但梯度不对：请只用可微的运算从 z 计算它。",
        "not finite": "对于大到 +-100 的 logit，你的损失是 {loss}。在 float32 下，z 超过 88 时 exp(z) 会溢出为 inf，"
                      "而 sigmoid(z) 早在此之前就会舍入为恰好 1，于是 log(1 - p) 为 -inf：你的某一步碰上了其中一种"
                      "情况。让 exp 只会看到 <= 0 的数。",
        "capped": "对于大到 +-1000 的 logit，你的损失是 {loss:.4f}：自信却错误的 logit 带来的损失应当与 logit 的大小"
                  "相当，而你的损失被截断或舍入了。",
        "gradient not finite": "对于大到 +-1000 的 logit，你的损失是对的，但它的梯度不是有限值或者不对：内部的某一步"
                               "产生了 inf 或 nan。",
        "praise: bce": "这正是 torch.nn.functional.binary_cross_entropy_with_logits 的计算方式：log-sum-exp 技巧让"
                       "每个指数都 <= 0。",
        "hint: bce": "改写 log(1 + exp(z)) 和 log(1 + exp(-z))，让 exp 只会看到 <= 0 的数：|z| 和 relu（max(z, 0)）"
                     "会有帮助。先用 torch.sigmoid 再用 torch.log 的写法，对很大的 logit 无法做到精确。",
    },
)

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
    hint=MESSAGES.later("hint: first step", at_most=AT_MOST),
)
def first_step_with_few_errors(answer):
    "The first step (a value of the slider) after which at most 10 of the 200 training points are misclassified."
    if isinstance(answer, str):
        raise Wrong(MESSAGES("a string", answer=answer))
    step = _whole_number(answer)
    if step is None:
        if isinstance(answer, numbers.Real) and not isinstance(answer, bool) and 0 < answer < 1:
            raise Wrong(MESSAGES("an accuracy", answer=answer))
        raise Wrong(MESSAGES("not a whole number", kind=type(answer).__name__, answer=answer))
    counts = misclassified_by_step()
    if not SAVED_EVERY <= step <= STEPS:
        message = MESSAGES("off the slider", first=SAVED_EVERY, last=STEPS, step=step)
        if 0 <= step < SAVED_EVERY:
            message += MESSAGES("off the slider: a count?")
        raise Wrong(message)
    if step % SAVED_EVERY:
        raise Wrong(MESSAGES("not a slider step", every=SAVED_EVERY, step=step))
    count = counts[step]
    if count > AT_MOST:
        raise Wrong(MESSAGES("too many misclassified", step=step, count=count, at_most=AT_MOST))
    if step != _first_step_with_few():
        raise Wrong(MESSAGES("not the first step", step=step, count=count, at_most=AT_MOST))
    return MESSAGES("praise: first step", step=step, count=count, before=counts[step - SAVED_EVERY])


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
    expect_shape(loss, (), MESSAGES("the loss you returned"))
    if loss.grad_fn is None:
        raise Wrong(MESSAGES("no grad_fn"))
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
    hint=MESSAGES.later("hint: bce"),
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
            raise Wrong(MESSAGES("negative"))
        if math.isclose(loss, len(logits) * expected_loss, rel_tol=1e-4):
            raise Wrong(MESSAGES("summed", count=len(logits)))
        raise Wrong(MESSAGES("wrong value", loss=loss))
    if grad is None or not all(math.isclose(g, e, rel_tol=1e-3, abs_tol=1e-6) for g, e in zip(grad, expected_grad)):
        raise Wrong(MESSAGES("wrong gradient"))

    logits, labels = EXTREME
    loss, grad = _run(function, lib, logits, labels)
    expected_loss, expected_grad = _reference(logits, labels)
    if not _finite([loss]):
        raise Wrong(MESSAGES("not finite", loss=loss))
    if not math.isclose(loss, expected_loss, rel_tol=1e-4):
        raise Wrong(MESSAGES("capped", loss=loss))
    if grad is None or not _finite(grad) or not all(math.isclose(g, e, rel_tol=1e-3, abs_tol=1e-6)
                                    for g, e in zip(grad, expected_grad)):
        raise Wrong(MESSAGES("gradient not finite"))
    return MESSAGES("praise: bce")
