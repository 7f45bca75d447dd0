"""tinytorch.nn and tinytorch.optim against torch (float32, one thread): one training
step of a two-layer classifier, written the way every PyTorch tutorial writes it:
zero_grad, forward through nn.Linear and ReLU, CrossEntropyLoss, backward, SGD step."""
import sys

import numpy as np

from timing import paired, report, single_threaded

single_threaded()
import torch  # noqa: E402

import tinytorch  # noqa: E402


def training_step(lib, model, inputs, targets):
    loss_fn = lib.nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
    return step


def classifier(lib):
    return lib.nn.Sequential(lib.nn.Linear(784, 256), lib.nn.ReLU(), lib.nn.Linear(256, 10))


def main():
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((64, 784), dtype=np.float32)
    targets = rng.integers(0, 10, 64)
    theirs_model, ours_model = classifier(torch), classifier(tinytorch)
    ours_model.load_state_dict({k: tinytorch.tensor(v.numpy()) for k, v in theirs_model.state_dict().items()})
    ours = training_step(tinytorch, ours_model, tinytorch.tensor(inputs), tinytorch.tensor(targets))
    theirs = training_step(torch, theirs_model, torch.tensor(inputs), torch.tensor(targets))
    # 15 rounds each: the steps are short and the machine shared, so the quiet rounds decide
    return report("nn.Linear+ReLU+CrossEntropyLoss+SGD step, 64x784", *paired(ours, theirs, repeat=15), "torch", 1.5)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
