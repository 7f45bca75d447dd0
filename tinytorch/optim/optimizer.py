"""Optimizer: what SGD and Adam share. It holds the parameters in groups (each a
dict of the parameters and their settings, such as lr), a state per parameter
(momentum buffers, running averages), and knows how to zero the gradients and
save or restore all of it. A subclass writes update(): how one parameter moves."""
from collections import defaultdict

from ..autograd.grad_mode import enable_grad, no_grad
from ..nn.module import zero_grads
from ..tensor import Tensor


class Optimizer:
    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)  # parameter -> its state (a dict), filled by step()
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, but "
                            f"got {params.type()}")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """A group of parameters with settings of its own; missing settings come from the defaults."""
        params = param_group["params"]
        param_group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(param).__name__}")
            if not param.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        if any(id(p) in seen for p in param_group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        """Forget the gradients of the last backward, before the next one adds to them."""
        zero_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def step(self, closure=None):
        """Move every parameter that has a gradient, without recording for autograd."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for param in group["params"]:
                    if param.grad is not None:
                        state = self.state.get(param, {})
                        self.update(param, param.grad, group, state)
                        if state:  # (plain SGD keeps no state at all)
                            self.state[param] = state
        return loss

    def update(self, param, grad, group, state):
        raise NotImplementedError

    def state_dict(self):
        """The state and the groups' settings, with each parameter named by its position
        (0, 1, ... across the groups), as PyTorch saves them."""
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {key: value for key, value in group.items() if key != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: dict(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for saved, group in zip(groups, self.param_groups):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                                 "optimizer's group")
        by_index = {}
        for saved, group in zip(groups, self.param_groups):
            for index, param in zip(saved["params"], group["params"]):
                by_index[index] = param
            group.update({key: value for key, value in saved.items() if key != "params"})
        self.state = defaultdict(dict)
        for index, values in state_dict["state"].items():
            param = by_index[int(index)]
            self.state[param] = {key: (value.to(param.device).clone() if isinstance(value, Tensor) else value)
                                 for key, value in values.items()}

    def __repr__(self):
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(group):
                if key != "params":
                    lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)
