"""tinytorch.nn.functional: the functions behind the layers and losses, each an op
like those of tinytorch.ops (forward and backward side by side, one `record`).

    activations   relu, leaky_relu, sigmoid, tanh, softmax, log_softmax, logsigmoid, softplus
    layers        linear, dropout, embedding, one_hot
    losses        mse_loss, nll_loss, cross_entropy, binary_cross_entropy,
                  binary_cross_entropy_with_logits

A loss takes `reduction`: 'mean' (the default), 'sum', or 'none' (one loss per element).
"""
import math
import warnings

from .. import dtypes, exact, ops
from .. import sampling as _sampling
from .. import strides as S
from ..autograd import grad_mode
from ..autograd.graph import Node
from ..ops.base import elementwise_result, from_array, needs_grad, np, record, xp_of, zeros_for
from ..creation import empty_like
from ..ops.comparison import where

relu, sigmoid, tanh = ops.relu, ops.sigmoid, ops.tanh


# -- softmax and friends ------------------------------------------------------------------
def _softmax_dim(input, dim, name, stacklevel):
    if dim is None:
        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X "
                      "as an argument.", UserWarning, stacklevel=stacklevel + 1)
        dim = 0 if input.dim() in (0, 1, 3) else 1
    return dim


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along dim: positive values that add up to 1.
    Computed as exp(x - max) so that no exp overflows. (_stacklevel: where the warning
    for a missing dim points, as in torch, whose third argument it is too.)"""
    dim = _softmax_dim(input, dim, "softmax", _stacklevel)
    x = input if dtype is None else input.to(dtype)
    probabilities = _exp_normalized(x, dim, log=False)
    if needs_grad(x):
        record(SoftmaxBackward0(dim), probabilities, (x,), saved=(probabilities,))
    return probabilities


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(x)), computed as x - max - log(sum(exp(x - max))): exact where
    softmax would round to 0 and its log to -inf."""
    dim = _softmax_dim(input, dim, "log_softmax", _stacklevel)
    x = input if dtype is None else input.to(dtype)
    result = _exp_normalized(x, dim, log=True)
    if needs_grad(x):
        record(LogSoftmaxBackward0(dim), result, (x,), saved=(result,))
    return result


def _exp_normalized(x, dim, log):
    if not x.dtype.is_floating_point:
        kernel = "log_softmax_lastdim_kernel_impl" if log else "softmax_lastdim_kernel_impl"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{dtypes.type_name(x.dtype)}'")
    xp = xp_of(x)
    axis = S.normalize_dim(dim, x.dim()) if x.dim() else None
    data = x._data.astype(np.float32) if x.dtype is dtypes.float16 else x._data
    with np.errstate(all="ignore"):
        if x.numel() == 0:
            values = data.copy()
        else:
            shifted = data - xp.max(data, axis=axis, keepdims=True)
            # exp and log rounded as ops.math_functions rounds them (float32 from float64)
            powers = exact.rounding.via_float64(xp.exp, shifted)
            total = xp.sum(powers, axis=axis, keepdims=True)
            values = shifted - exact.rounding.via_float64(xp.log, total) if log else powers * (1 / total)
    return from_array(xp.asarray(values, dtype=x.dtype.numpy), x.dtype, x.device)


class SoftmaxBackward0(Node):
    """d softmax_i / d x_j = s_i (δij - s_j), so grad_x = s * (grad - sum(grad * s))."""
    saved_names = ("result",)
    saved_settings = ("dim",)

    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def backward(self, grad):
        (s,) = self.saved_tensors
        return s * (grad - (grad * s).sum(self.dim, keepdim=True)) if s.dim() else grad * 0


class LogSoftmaxBackward0(SoftmaxBackward0):
    """d log_softmax_i / d x_j = δij - softmax_j, so grad_x = grad - softmax * sum(grad)."""

    def backward(self, grad):
        (result,) = self.saved_tensors
        if not result.dim():
            return grad * 0
        if grad_mode.state.enabled:  # create_graph: build the gradient from recorded ops
            return grad - result.exp() * grad.sum(self.dim, keepdim=True)
        # Plain backward: the same formula on arrays, since nothing records it (half
        # precision adds up in float32 and rounds once, as tinytorch's sum does).
        xp, g = xp_of(grad), grad._data
        total = g.sum(axis=self.dim, keepdims=True, dtype=np.float32 if g.dtype == np.float16 else g.dtype)
        values = g - xp.exp(result._data) * total.astype(g.dtype, copy=False)
        return elementwise_result(values, grad.dtype, grad._storage.device, (grad, result))


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x where x > 0, else x * negative_slope: relu that keeps a small gradient below 0."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"leaky_relu_cpu\" not implemented for '{dtypes.type_name(input.dtype)}'")
    if inplace:  # (recorded against the result, which has the sign of x: torch's LeakyReluBackward1)
        return ops.inplace(lambda x, slope: _leaky_relu(x, slope, LeakyReluBackward1), input, negative_slope)
    return _leaky_relu(input, negative_slope, LeakyReluBackward0)


def _leaky_relu(input, negative_slope, node_class):
    x = input._data
    values = xp_of(input).where(x > 0, x, x * x.dtype.type(negative_slope))
    out = elementwise_result(values, input.dtype, input.device, (input,))
    if needs_grad(input):
        record(node_class(negative_slope), out, (input,), saved=(out if node_class is LeakyReluBackward1 else input,))
    return out


class LeakyReluBackward0(Node):
    """The slope: 1 where x > 0, negative_slope elsewhere."""
    saved_names = ("self",)
    saved_settings = ("negative_slope",)

    def __init__(self, negative_slope):
        super().__init__()
        self.negative_slope = negative_slope

    def backward(self, grad):
        (x,) = self.saved_tensors
        return where(x > 0, grad, grad * self.negative_slope)


class LeakyReluBackward1(LeakyReluBackward0):
    saved_names = ("result",)


def logsigmoid(input):
    """log(sigmoid(x)) = -softplus(-x), without overflow for large |x|."""
    xp = xp_of(input)
    x = input._data
    with np.errstate(all="ignore"):
        buffer = xp.exp(-xp.abs(x))  # PyTorch's node keeps it (grad_fn._saved_buffer); so does this one
        values = xp.minimum(x, 0) - xp.log1p(buffer)
    out = from_array(xp.asarray(values, dtype=input.dtype.numpy), input.dtype, input.device)
    if needs_grad(input):
        buffer = from_array(xp.asarray(buffer, dtype=input.dtype.numpy), input.dtype, input.device)
        record(LogSigmoidBackward0(), out, (input,), saved=(input, buffer))
    return out


class LogSigmoidBackward0(Node):
    """d/dx log(sigmoid(x)) = 1 - sigmoid(x) = sigmoid(-x)."""
    saved_names = ("self", "buffer")

    def backward(self, grad):
        x, _ = self.saved_tensors
        return grad * (-x).sigmoid()


def softplus(input, beta=1, threshold=20):
    """log(1 + exp(beta * x)) / beta, a smooth relu; x itself where beta * x > threshold."""
    xp = xp_of(input)
    x = input._data
    with np.errstate(all="ignore"):
        scaled = x * beta
        values = xp.where(scaled > threshold, x, xp.log1p(xp.exp(scaled)) / beta)
    out = from_array(xp.asarray(values, dtype=input.dtype.numpy), input.dtype, input.device)
    if needs_grad(input):
        record(SoftplusBackward0(beta, threshold), out, (input,), saved=(input,))
    return out


class SoftplusBackward0(Node):
    saved_names = ("self",)
    saved_settings = ("beta", "threshold")

    def __init__(self, beta, threshold):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def backward(self, grad):
        (x,) = self.saved_tensors
        return where(x * self.beta > self.threshold, grad, grad * (x * self.beta).sigmoid())


# -- linear, dropout, embedding --------------------------------------------------------------
def linear(input, weight, bias=None):
    """input @ weight^T + bias, as PyTorch computes it: one addmm for a batch of
    rows (the common case; other contiguous inputs are viewed as rows and back),
    a matmul and an add otherwise."""
    if bias is not None and input.dim() == 2:
        return ops.addmm(bias, input, weight.t())
    if bias is not None and bias.dim() == 1 and input.is_contiguous():
        *leading, last = input.shape
        rows = input.reshape(math.prod(leading), last)
        return ops.addmm(bias, rows, weight.t()).view(*leading, weight.shape[0])
    out = input.matmul(weight.t())
    return out if bias is None else out + bias


def one_hot(tensor, num_classes=-1):
    """Class indices as rows of 0s with a 1 at each index: shape (..., num_classes), int64.
    num_classes=-1 takes one more than the largest index."""
    if tensor.dtype is not dtypes.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    xp, indices = xp_of(tensor), tensor._data
    if num_classes == -1:
        if not indices.size:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(indices.max()) + 1
    if indices.size and int(indices.min()) < 0:
        raise RuntimeError("Class values must be non-negative.")
    if indices.size and int(indices.max()) >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    rows = xp.arange(num_classes) == indices[..., None]
    return from_array(rows.astype(xp.int64), dtypes.int64, tensor.device)


def dropout(input, p=0.5, training=True, inplace=False):
    """In training, zero each element with probability p and scale the rest by
    1 / (1 - p), so the expected value stays the same; outside training, nothing.
    As PyTorch does on the CPU, it multiplies by a tensor of 0s and 1 / (1 - p)s."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    if p == 1:
        noise = from_array(xp_of(input).zeros((), dtype=input.dtype.numpy), input.dtype, input.device)
    else:  # as torch: noise = 1s where a uniform float64 is below 1 - p, then noise / (1 - p) in input's dtype
        noise = _sampling.bernoulli_(empty_like(input), 1 - p).div_(1 - p)
    return input.mul_(noise) if inplace else input * noise


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """Row input[i] of weight for every index in input: a lookup table.
    The row at padding_idx gets no gradient. With max_norm, each row looked up
    whose norm is above it is first scaled down to it, in weight itself (torch's
    embedding_renorm_, outside autograd)."""
    if sparse:
        raise NotImplementedError("tinytorch has no sparse tensors, so no sparse gradient (sparse=True)")
    if input.dtype.name not in ("int64", "int32"):
        argument, checking = ("#2", "embedding_renorm_") if max_norm is not None else ("#1", "embedding")
        raise RuntimeError(f"Expected tensor for argument {argument} 'indices' to have one of the following scalar "
                           f"types: Long, Int; but got {input.type()} instead (while checking arguments for "
                           f"{checking})")
    count = weight._shape[0]
    if max_norm is not None:
        _renorm_rows(weight, input, max_norm, norm_type)
    if padding_idx is not None:
        if not -count <= padding_idx < count:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= count
    xp = xp_of(weight)
    positions = input._data.astype(xp.int64)
    if positions.size and (positions.min() < 0 or positions.max() >= count):
        raise IndexError("index out of range in self")
    out = from_array(weight._data[positions], weight.dtype, weight.device)
    if needs_grad(weight):
        node = EmbeddingBackward0(count, -1 if padding_idx is None else padding_idx, scale_grad_by_freq, sparse)
        record(node, out, (weight,), saved=(input,))
    return out


def _renorm_rows(weight, indices, max_norm, norm_type):
    """torch's embedding_renorm_: every row that `indices` looks up (each once, in
    increasing order) whose norm_type-norm is above max_norm is multiplied by
    max_norm / (norm + 1e-7), in place and without recording."""
    with grad_mode.no_grad():
        for i in np.unique(indices.cpu().numpy()).tolist():
            if not -weight._shape[0] <= i < weight._shape[0]:
                raise IndexError(f"select(): index {i} out of range for tensor of size {list(weight.shape)} at "
                                 "dimension 0")
            row = weight[i]
            norm = row.norm(norm_type).item()
            if norm > max_norm:
                row.mul_(max_norm / (norm + 1e-7))


class EmbeddingBackward0(Node):
    """Each looked-up row's gradient is added to that row (a row used twice gets both)."""
    saved_names = ("indices",)
    saved_settings = ("padding_idx", "scale_grad_by_freq", "sparse", "weight_sym_argsize_0")

    def __init__(self, count, padding_idx, scale_grad_by_freq, sparse):
        super().__init__()
        self.weight_sym_argsize_0, self.padding_idx = count, padding_idx
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse

    def backward(self, grad):
        (indices,) = self.saved_tensors
        width = grad._shape[-1]
        rows = zeros_for(grad, (self.weight_sym_argsize_0, width))
        flat = indices.reshape(-1)
        scale = grad.reshape(-1, width)
        if self.scale_grad_by_freq:  # each row's gradient divided by how often it was looked up
            counts = flat.bincount(minlength=self.weight_sym_argsize_0).to(grad.dtype)
            scale = scale / counts[flat].unsqueeze(1)
        if self.padding_idx >= 0:
            scale = scale * (flat != self.padding_idx).to(grad.dtype).unsqueeze(1)
        return rows.index_add(0, flat, scale)


# -- losses -----------------------------------------------------------------------------------
_REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}


def _reduction(reduction, size_average=None, reduce=None):
    """0, 1 or 2 for 'none', 'mean', 'sum'. The old size_average= and reduce= arguments
    still choose it when given, with PyTorch's deprecation warning."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _REDUCTIONS[reduction]


def legacy_reduction(size_average, reduce):
    """The reduction the old size_average= and reduce= arguments (either may be None)
    stand for, with PyTorch's deprecation warning (from tinytorch's line, as torch's
    comes from its own)."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = "none" if not reduce else "mean" if size_average else "sum"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
                  UserWarning, stacklevel=2)
    return reduction


def _reduce(xp, loss, reduction):
    """One loss per element (an array), their mean, or their sum."""
    if reduction == 1:
        return xp.mean(loss) if loss.size else xp.asarray(xp.nan, loss.dtype)
    return xp.sum(loss) if reduction == 2 else loss


def _check_same_size(input, target):
    if target._shape != input._shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", UserWarning, stacklevel=3)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """The mean (or sum) of the squared differences."""
    _check_same_size(input, target)
    r = _reduction(reduction, size_average, reduce)
    xp = xp_of(input)
    shape = S.broadcast_shapes(input._shape, target._shape)
    difference = xp.broadcast_to(input._data, shape) - xp.broadcast_to(target._data, shape)
    d = dtypes.promote_types(input.dtype, target.dtype)
    out = from_array(xp.asarray(_reduce(xp, difference * difference, r), dtype=d.numpy), d, input.device)
    if needs_grad(input, target):
        record(MseLossBackward0(r), out, (input, target), saved=(input, target))
    return out


class MseLossBackward0(Node):
    """d (x - t)^2 = 2 (x - t); the mean divides by the count."""
    saved_names = ("self", "target")
    saved_settings = ("reduction",)

    def __init__(self, reduction):
        super().__init__()
        self.reduction = reduction

    def backward(self, grad):
        x, t = self.saved_tensors
        difference = x - t
        g = 2 * difference * grad
        if self.reduction == 1:
            g = g / difference.numel()
        return g, -g


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """The negative log-likelihood of the right classes: -input[n, target[n]]
    (times the class's weight), averaged over the weights of the targets that count.
    Input (N, C) with target (N,), or one sample (C,) with target (); or (N, C, d1, ...)
    with target (N, d1, ...), a class for every position (each pixel of an image)."""
    r = _reduction(reduction, size_average, reduce)
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    if input.dim() != 1 and input._shape[0] != (target._shape[0] if target.dim() else 0):
        raise ValueError(f"Expected input batch_size ({input._shape[0]}) to match target batch_size "
                         f"({target._shape[0] if target.dim() else 0}).")
    if target.dtype.name not in ("int64", "uint8"):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {dtypes.type_name(target.dtype)}")
    classes = input._shape[1] if input.dim() > 1 else input._shape[0]
    if weight is not None and weight.numel() != classes:
        raise RuntimeError(f"weight tensor should be defined either for all {classes} classes or no classes but got "
                           f"weight tensor of shape: {list(weight.shape)}")
    if input.dim() <= 2:
        if target.dim() > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if input.dim() == 1 and target.dim() == 1 and target._shape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target._shape[0]}")
        return _nll_loss(input, target, weight, ignore_index, r, NllLossBackward0)
    if input.dim() == 4:
        if target.dim() != 3:
            raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got targets of dimension: "
                               f"{target.dim()}")
        if target._shape != (input._shape[0],) + input._shape[2:]:
            raise RuntimeError(f"size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}")
        return _nll_loss(input, target, weight, ignore_index, r, NllLoss2DBackward0)
    # Other positions (N, C, d1, d2, d3 ...): torch views them as one row of positions, (N, C, 1, d1 * d2 ...).
    positions = (input._shape[0],) + input._shape[2:]
    if target._shape != positions:
        raise RuntimeError(f"Expected target size {list(positions)}, got {list(target.shape)}")
    n = input._shape[0]
    rows = input.contiguous().view(n, classes, 1, -1) if input.numel() else input.view(n, classes, 0, 0)
    targets = target.contiguous().view(n, 1, -1) if target.numel() else target.view(n, 0, 0)
    loss = nll_loss(rows, targets, weight, ignore_index=ignore_index, reduction=reduction)
    return loss.view(positions) if r == 0 else loss


def _nll_loss(input, target, weight, ignore_index, r, node_class):
    """nll_loss on checked arguments: the classes along dim 1 (or 0 for one sample)."""
    xp = xp_of(input)
    rows, labels, w = _picked(target, weight, ignore_index, input._shape[input.dim() > 1], input.dtype, xp)
    losses = -_class_rows(input._data)[rows, labels] * w  # the targets that count, only
    total_weight = w.sum()
    with np.errstate(invalid="ignore"):  # a mean of no targets is 0 / 0: nan, silently, as in PyTorch
        if r == 0:
            values = xp.zeros(target.numel(), input.dtype.numpy)
            values[rows] = losses
            values = values.reshape(target._shape if input.dim() > 1 else ())
        else:
            values = losses.sum() / total_weight if r == 1 else losses.sum()
    out = from_array(xp.asarray(values, dtype=input.dtype.numpy), input.dtype, input.device)
    total = from_array(xp.asarray(total_weight, dtype=input.dtype.numpy), input.dtype, input.device)
    if needs_grad(input):
        record(node_class(r, ignore_index), out, (input,), saved=(input, target, weight, total))
    return out


def _class_rows(x):
    """An array of nll_loss's input as one row per target, its classes along the row:
    (C,) -> (1, C), (N, C) as it is, (N, C, H, W) -> (N * H * W, C)."""
    if x.ndim <= 2:
        return x.reshape(-1, x.shape[-1])
    return x.transpose(0, 2, 3, 1).reshape(-1, x.shape[1])


def _from_class_rows(rows, shape):
    """_class_rows undone: rows (one per target) back into an array of `shape`, contiguous."""
    if len(shape) <= 2:
        return rows.reshape(shape)
    n, c, height, width = shape
    return rows.reshape(n, height, width, c).transpose(0, 3, 1, 2).copy()


def _picked(target, weight, ignore_index, classes, dtype, xp):
    """The targets that count, as three arrays: the row of each, its class, and its
    class's weight (1 without weights). A target equal to ignore_index does not
    count (its row gets no loss and no gradient); any other must be a class."""
    labels = target._data.reshape(-1).astype(xp.int64, copy=False)
    counted = labels != ignore_index
    out_of_range = counted & ((labels < 0) | (labels >= classes))
    if out_of_range.any():
        raise IndexError(f"Target {int(labels[out_of_range][0])} is out of bounds.")
    rows = xp.arange(len(labels))
    if not counted.all():
        rows, labels = rows[counted], labels[counted]
    if weight is None:
        return rows, labels, xp.ones(len(labels), dtype.numpy)
    return rows, labels, weight._data[labels].astype(dtype.numpy, copy=False)


class NllLossBackward0(Node):
    """-weight[t] (divided by the total weight for the mean) at each counted row's target
    class; 0 everywhere else, whatever the gradient from above (nan, or negative)."""
    saved_names = ("self", "target", "weight", "total_weight")
    saved_settings = ("ignore_index", "reduction")

    def __init__(self, reduction, ignore_index):
        super().__init__()
        self.reduction, self.ignore_index = reduction, ignore_index

    def backward(self, grad):
        x, target, weight, total = self.saved_tensors
        xp = xp_of(x)
        classes = x._shape[x.dim() > 1]
        rows, labels, w = _picked(target, weight, self.ignore_index, classes, x.dtype, xp)
        picks = xp.zeros((target.numel() if x.dim() > 1 else 1, classes), x.dtype.numpy)
        if grad_mode.state.enabled:  # create_graph: build the gradient from recorded ops
            picks[rows, labels] = -w
            scale = from_array(_from_class_rows(picks, x._shape), x.dtype, x.device)
            if self.reduction == 0:
                per_target = grad.unsqueeze(1) if x.dim() > 1 else grad  # broadcast over the classes
                product = scale * per_target
            else:
                product = scale * (grad / total) if self.reduction == 1 else scale * grad
            chosen = xp.zeros(picks.shape, bool)
            chosen[rows, labels] = True
            return where(from_array(_from_class_rows(chosen, x._shape), dtypes.bool_, x.device), product, 0)
        # Plain backward: the same products on arrays, only where they count, since nothing records them.
        g = grad._data.reshape(-1)
        with np.errstate(invalid="ignore"):  # 0 / 0 for a mean of no targets: no gradient is written anyway
            factor = g / total._data if self.reduction == 1 else g[rows] if self.reduction == 0 else g
        picks[rows, labels] = -w * factor
        return from_array(_from_class_rows(picks, x._shape), x.dtype, x.device)


class NllLoss2DBackward0(NllLossBackward0):
    """nll_loss's node for (N, C, H, W) input: a class for every pixel."""


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """nll_loss of log_softmax: how surprised the model is by the right class.
    A target of the input's shape gives class probabilities instead."""
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 1 if input.dim() >= 2 else 0
    log_probabilities = log_softmax(input, class_dim)
    r = _reduction(reduction, size_average, reduce)
    if target._shape == input._shape:  # class probabilities, as torch decides: by the shape alone
        if not target.dtype.is_floating_point:
            raise RuntimeError("Expected floating point type for target with class probabilities, got "
                               f"{dtypes.type_name(target.dtype)}")
        if label_smoothing:  # a little of every class in every target
            target = target * (1 - label_smoothing) + label_smoothing / input.shape[class_dim]
        products = log_probabilities * target if weight is None else log_probabilities * target * weight
        if r == 0:
            return -products.sum(class_dim)
        total = -products.sum()
        return ops.div_by_number(total, input.numel() // input.shape[class_dim]) if r == 1 else total
    loss = nll_loss(log_probabilities, target, weight, size_average, ignore_index, reduce, reduction)
    if not label_smoothing:
        return loss
    uniform = _uniform_target_loss(log_probabilities, target, weight, ignore_index, r, class_dim)
    return (ops.mul_by_number(loss, 1 - label_smoothing)
            + ops.mul_by_number(uniform, label_smoothing / input.shape[class_dim]))


def _uniform_target_loss(log_probabilities, target, weight, ignore_index, r, class_dim):
    """label_smoothing's other part, as torch composes it: the loss against a target
    that is every class at once, -sum over classes of log p (weighted), 0 for an
    ignored target, reduced as nll_loss reduces (the mean divides by the weights
    of the targets that count)."""
    ignored = target == ignore_index
    if weight is None:
        losses = -log_probabilities.sum(class_dim)
    else:
        shape = [1] * log_probabilities.dim()
        shape[class_dim] = weight.shape[0]
        losses = -(log_probabilities * weight.view(shape)).sum(class_dim)
    losses.masked_fill_(ignored, 0.0)
    if r == 0:
        return losses
    if r == 2:
        return losses.sum()
    counted = weight[target[~ignored]].sum() if weight is not None else (~ignored).sum()
    return losses.sum() / counted


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-(t log x + (1 - t) log(1 - x)) for probabilities x; each log is clamped at
    -100, as in PyTorch, so x = 0 or 1 gives a large loss, not inf."""
    if target._shape != input._shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    r = _reduction(reduction, size_average, reduce)
    xp = xp_of(input)
    x, t = input._data, target._data
    if x.size and ((x < 0) | (x > 1)).any():
        raise RuntimeError("all elements of input should be between 0 and 1")
    with np.errstate(all="ignore"):
        losses = -(t * xp.maximum(xp.log(x), -100) + (1 - t) * xp.maximum(xp.log1p(-x), -100))
    if weight is not None:
        losses = losses * weight._data
    out = from_array(xp.asarray(_reduce(xp, losses, r), dtype=input.dtype.numpy), input.dtype, input.device)
    if needs_grad(input, target):
        record(BinaryCrossEntropyBackward0(r), out, (input, target), saved=(input, target, weight))
    return out


class BinaryCrossEntropyBackward0(Node):
    """d/dx = (x - t) / (x (1 - x)), with x(1 - x) kept above 1e-12 as PyTorch does."""
    saved_names = ("self", "target", "weight")
    saved_settings = ("reduction",)

    def __init__(self, reduction):
        super().__init__()
        self.reduction = reduction

    def backward(self, grad):
        x, t, weight = self.saved_tensors
        g = grad * (x - t) / (x * (1 - x)).clamp(min=1e-12)
        if weight is not None:
            g = g * weight
        if self.reduction == 1:
            g = g / x.numel()
        return g, None


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """binary_cross_entropy of sigmoid(x), computed from x directly: (1 - t) x + log(1 + exp(-x)),
    written so that no exp overflows. pos_weight scales the loss of the positive targets."""
    if target._shape != input._shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    r = _reduction(reduction, size_average, reduce)
    xp = xp_of(input)
    x, t = input._data, target._data
    with np.errstate(all="ignore"):
        softplus_neg = xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(-x, 0)  # log(1 + exp(-x)), stably
        if pos_weight is None:
            losses = (1 - t) * x + softplus_neg
        else:
            losses = (1 - t) * x + ((pos_weight._data - 1) * t + 1) * softplus_neg
    if weight is not None:
        losses = losses * weight._data
    out = from_array(xp.asarray(_reduce(xp, losses, r), dtype=input.dtype.numpy), input.dtype, input.device)
    if needs_grad(input, target):
        node = BinaryCrossEntropyWithLogitsBackward0(r)
        record(node, out, (input, target), saved=(input, target, weight, pos_weight))
    return out


class BinaryCrossEntropyWithLogitsBackward0(Node):
    """d/dx = sigmoid(x) - t (with pos_weight p: (p t + 1 - t) sigmoid(x) - p t)."""
    saved_names = ("self", "target", "weight", "pos_weight")
    saved_settings = ("reduction",)

    def __init__(self, reduction):
        super().__init__()
        self.reduction = reduction

    def backward(self, grad):
        x, t, weight, pos_weight = self.saved_tensors
        if pos_weight is None:
            g = x.sigmoid() - t
        else:
            g = (pos_weight * t + 1 - t) * x.sigmoid() - pos_weight * t
        g = g * grad
        if weight is not None:
            g = g * weight
        if self.reduction == 1:
            g = g / x.numel()
        return g, None


__all__ = [
    "relu", "sigmoid", "tanh", "softmax", "log_softmax", "logsigmoid", "softplus", "linear", "dropout", "embedding",
    "mse_loss", "nll_loss", "cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits",
]
