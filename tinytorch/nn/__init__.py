"""tinytorch.nn: modules with learnable parameters, built on autograd.

    parameter.py    Parameter: a tensor a Module registers as learnable
    module.py       Module: parameters, children, state_dict, train/eval, the repr
    layers.py       Linear, Embedding, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, LogSoftmax, Dropout,
                    Flatten, Unflatten, Sequential, ModuleList
    losses.py       MSELoss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss
    functional.py   the functions they call (F.linear, F.cross_entropy, F.softmax ...),
                    each an op with its backward beside it
    init.py         starting values: uniform_, normal_, kaiming_uniform_, xavier_uniform_ ...
"""
from . import functional, init
from .layers import (
    Dropout, Embedding, Flatten, LeakyReLU, Linear, LogSoftmax, ModuleList, ReLU, Sequential, Sigmoid, Softmax, Tanh,
    Unflatten,
)
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss
from .module import Module
from .parameter import Parameter

__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "Dropout", "Embedding", "Flatten", "LeakyReLU", "Linear",
    "LogSoftmax", "MSELoss", "Module", "ModuleList", "NLLLoss", "Parameter", "ReLU", "Sequential", "Sigmoid", "Softmax",
    "Tanh", "Unflatten", "functional", "init",
]
