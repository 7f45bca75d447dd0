"""tinytorch.optim: move parameters against their gradients.

    optimizer.py   Optimizer: parameter groups, per-parameter state, zero_grad, state_dict
    sgd.py         SGD, with momentum, dampening, Nesterov and weight decay
    adam.py        Adam, and AdamW (its decoupled weight decay)

The loop is always the same: opt.zero_grad(); loss.backward(); opt.step().
"""
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["Adam", "AdamW", "Optimizer", "SGD"]
