"""PyTorch's longer messages, word for word.

A learner who meets one of these errors reads the same text in tinytorch as
in PyTorch, so a search for it finds PyTorch's answers. The code that raises
says in a few words what went wrong; the full text lives here, so that a
paragraph of PyTorch's prose does not hide the check. Each text is compared
with torch's by the oracle tests named beside it.
"""
import warnings

from .. import dtypes


# Backward through a freed graph, or saved_tensors read after backward
# (tests/test_autograd_errors.py).
GRAPH_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)

# detach_() on a view (tests/test_autograd_errors.py).
DETACH_VIEW_IN_PLACE = (
    "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel "
    "(DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP "
    "buckets, and hence detach_() cannot be called on these gradients. To fix this error, please "
    "refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution."
)

# An in-place write whose target repeats an element (an expanded tensor), or
# whose source partly overlaps it (tests/test_errors_oracle.py).
WRITE_TO_REPEATED_ELEMENT = (
    "unsupported operation: more than one element of the written-to tensor refers to a single memory "
    "location. Please clone() the tensor before performing the operation."
)
WRITE_FROM_OVERLAPPING_INPUT = (
    "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single "
    "memory location. Please clone() the tensor before performing the operation."
)

# from_numpy / as_tensor of a read-only array, warned once (tests/test_numpy_interop.py).
NOT_WRITABLE_ARRAY = (
    "The given NumPy array is not writable, and tinytorch does not support non-writable tensors. This means "
    "writing to this tensor will result in undefined behavior. You may want to copy the array to protect its "
    "data or make it writable before converting it to a tensor. This type of warning will be suppressed for "
    "the rest of this program."
)


# t.grad = value with a value that does not fit t (tests/test_autograd_errors.py).
def assigned_grad_dtype(grad_dtype, dtype):
    return (
        f"attempting to assign a gradient with dtype '{dtypes.CPP_NAMES[grad_dtype.name]}' to a tensor with "
        f"grad_dtype '{dtypes.type_name(dtype)}'. The gradient must match the tensor's grad_dtype (defaults "
        "to the tensor's dtype). You can set the tensor's grad_dtype attribute with a specific dtype, or "
        "None to allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its "
        "gradient may break downstream systems that assume they match."
    )


def assigned_grad_device_type(grad_type, device_type):
    return (
        f"attempting to assign a gradient with device type '{grad_type}' to a tensor with device "
        f"type '{device_type}'. Please ensure that the gradient and the tensor are on the same device"
    )


def assigned_grad_device_index(grad_index, index):
    return (
        f"attempting to assign a gradient located on device with index '{grad_index}' to a tensor "
        f"located on device with index '{index}'. Please ensure that the gradient and the "
        "tensor are on the same device"
    )


def assigned_grad_size(grad_shape, shape):
    return (
        f"attempting to assign a gradient of size '{list(grad_shape)}' to a tensor of size "
        f"'{list(shape)}'. Please ensure that the gradient and the tensor are the same size"
    )

# masked_fill_ on a tensor whose elements share memory (an expanded one): PyTorch
# fills it, with this warning (ops/masking.py; tests/test_indexing_oracle.py).
MASKED_FILL_EXPANDED = (
    "Use of masked_fill_ on expanded tensors is deprecated. Please clone() the tensor before performing this "
    "operation. This also applies to advanced indexing e.g. tensor[mask] = scalar"
)


TYPED_STORAGE_DEPRECATED = (
    "TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the only storage class. "
    "This should only matter to you if you are using storages directly.  To access UntypedStorage directly, use "
    "tensor.untyped_storage() instead of tensor.storage()"
)
_typed_storage_warned = False


def warn_typed_storage():
    """PyTorch 2's warning for tensor.storage(), given once per process as PyTorch gives it
    (torch/storage.py, _warn_typed_storage_removal). Pinned by tests/test_storage.py."""
    global _typed_storage_warned
    if not _typed_storage_warned:
        _typed_storage_warned = True
        warnings.warn(TYPED_STORAGE_DEPRECATED, UserWarning, stacklevel=3)
