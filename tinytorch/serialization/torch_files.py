"""Reading the zip archives torch.save writes (PyTorch 1.6 and later), without unpickling them.

An archive holds <name>/data.pkl (a pickle describing the object), one raw file
per storage (<name>/data/<key>), <name>/byteorder and <name>/version. Python's
pickle module would run any function the pickle names, so the pickle is run
instead by a small interpreter that knows only the instructions and names a
checkpoint of tensors needs (tensor rebuilds, storages, OrderedDict, plain
containers). That is the policy of torch.load(weights_only=True), whose
restricted unpickler (torch/_weights_only_unpickler.py) this mirrors; anything
else is refused before it can run.
"""
import io
import pickletools
import zipfile
from collections import OrderedDict

import numpy as np

from .. import dtypes as _dtypes
from ..device import device as Device
from ..storage import Storage
from ..tensor import Size, Tensor
from .shared import CheckpointError, check_bools, expect, hashable, is_count, make_tensor, place, read_into


def load_torch_archive(source, size, map_location):
    """The object in a torch.save archive: find its one data.pkl, check the
    records beside it, then run the pickle, loading each storage it refers to."""
    try:
        archive = zipfile.ZipFile(source)
        names = archive.namelist()
    except Exception as error:  # zipfile parsing a damaged archive can fail in many ways; all mean the same here
        raise CheckpointError(f"the file is a damaged zip archive ({type(error).__name__}: {error})") from None
    with archive:
        if any(n.endswith("/constants.pkl") for n in names):
            raise CheckpointError(
                "this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint; tinytorch cannot "
                "run TorchScript"
            )
        pickles = [n for n in names if n.count("/") == 1 and n.endswith("/data.pkl")]
        if len(pickles) != 1:
            raise CheckpointError(
                "this zip archive is not a torch.save checkpoint: it should hold exactly one <name>/data.pkl"
            )
        prefix = pickles[0][: -len("data.pkl")]
        expect(prefix + "version" in names,
               f"this zip archive is not a torch.save checkpoint: it has no {prefix}version record")
        byteorder = "little"
        if prefix + "byteorder" in names:
            byteorder = _read_member(archive, prefix + "byteorder", size).decode("ascii", "replace")
            expect(byteorder in ("little", "big"), f"unknown byte order {byteorder!r} in the archive")
        storages = _TorchStorages(archive, prefix, size, "<" if byteorder == "little" else ">", map_location)
        return _run_torch_pickle(_read_member(archive, prefix + "data.pkl", size), storages.load)


def _read_member(archive, name, size, into=None):
    """The bytes of one archive member (or read into the buffer `into`), checked by zipfile's CRC."""
    try:
        info = archive.getinfo(name)
        expect(info.compress_type == zipfile.ZIP_STORED,
               f"{name} is compressed; torch.save writes its archives uncompressed")
        expect(not info.flag_bits & 0x1, f"{name} is encrypted")
        expect(info.compress_size <= size, f"{name} claims to be larger than the whole file")
        if into is not None:
            expect(info.file_size == len(into), f"{name} holds {info.file_size} bytes, expected {len(into)}")
        with archive.open(info) as member:
            if into is None:
                return member.read()
            read_into(member, into, f"{name} ends early")
            expect(not member.read(1), f"{name} is longer than expected")
            return into
    except CheckpointError:
        raise
    except KeyError:
        raise CheckpointError(f"the archive has no {name}") from None
    except Exception as error:  # as in load_torch_archive: any failure inside zipfile means a damaged archive
        raise CheckpointError(f"the archive is damaged ({name}: {type(error).__name__}: {error})") from None


class _TorchStorages:
    """Loads the storages a torch.save pickle refers to, each once, by key."""

    def __init__(self, archive, prefix, size, byteorder, map_location):
        self.archive, self.prefix, self.size = archive, prefix, size
        self.byteorder, self.map_location = byteorder, map_location
        self.loaded = {}  # key -> Storage

    def load(self, pid):
        """The storage for a persistent id ('storage', kind, key, location, numel)."""
        expect(isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage",
               f"unexpected persistent id in the pickle: {pid!r}"[:120])
        _, kind, key, location, numel = pid
        expect(isinstance(kind, _StorageKind), f"a storage of unknown type {kind!r}"[:120])
        expect(isinstance(key, str) and isinstance(location, str) and is_count(numel),
               "a storage reference in the pickle is malformed")
        if key in self.loaded:
            storage = self.loaded[key]
            expect(storage.dtype is kind.dtype,
                   f"storage {key} is viewed with two dtypes ({storage.dtype} and {kind.dtype}); a tinytorch "
                   "storage has one dtype")
            return storage
        array = np.empty(numel, kind.dtype.numpy.newbyteorder(self.byteorder))
        _read_member(self.archive, f"{self.prefix}data/{key}", self.size, memoryview(array.view(np.uint8)))
        check_bools(array, kind.dtype, f"storage {key}")
        storage = place(array.astype(kind.dtype.numpy, copy=False), kind.dtype, location, self.map_location)
        self.loaded[key] = storage
        return storage


class _StorageKind:
    """What `torch.FloatStorage` and friends mean inside the pickle: a dtype."""

    def __init__(self, dtype):
        self.dtype = dtype

    def __repr__(self):
        return f"<{self.dtype.storage_name}>"


# Tensor rebuilds: the functions torch.save's pickle calls to make tensors again.
def _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks, metadata=None):
    expect(isinstance(storage, Storage), "a tensor rebuild without a storage")
    expect(isinstance(backward_hooks, dict) and not backward_hooks and not metadata,
           "a tensor with backward hooks or extra attributes")
    expect(isinstance(requires_grad, bool), "a tensor rebuild with a malformed requires_grad")
    return make_tensor(storage, size, stride, offset, requires_grad, "a tensor in the pickle")


def _rebuild_tensor(storage, offset, size, stride):
    return _rebuild_tensor_v2(storage, offset, size, stride, False, {})


def _rebuild_parameter(data, requires_grad, backward_hooks, state=None):
    expect(isinstance(data, Tensor) and isinstance(requires_grad, bool), "a malformed parameter rebuild")
    expect(isinstance(backward_hooks, dict) and not backward_hooks and not state,
           "a parameter with backward hooks or extra attributes")
    parameter = data.detach()  # tinytorch has no Parameter class: a leaf tensor sharing data's storage
    if requires_grad:
        expect(data.dtype.is_floating_point, "a parameter of an integer dtype that requires grad")
        parameter.requires_grad_(True)
    return parameter


def _ordered_dict(*args):
    expect(not args, "an OrderedDict built with arguments")
    return OrderedDict()


def _size(*args):
    expect(len(args) == 1 and isinstance(args[0], tuple) and all(is_count(s) for s in args[0]),
           "a malformed torch.Size")
    return Size(args[0])


def _device(*args):
    try:
        return Device(*args)
    except (RuntimeError, TypeError, ValueError):
        raise CheckpointError(f"a malformed torch.device{args!r}"[:120]) from None


# The names a torch.save pickle may use. Everything else is refused unread.
_TORCH_CALLABLES = {
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
    ("collections", "OrderedDict"): _ordered_dict,
    ("torch", "Size"): _size,
    ("torch", "device"): _device,
}
_TORCH_VALUES = {("torch", d.name): d for d in _dtypes.ALL_DTYPES}
_TORCH_VALUES.update({("torch", d.storage_name): _StorageKind(d) for d in _dtypes.ALL_DTYPES})
_TORCH_VALUES[("torch", "UntypedStorage")] = _TORCH_VALUES[("torch.storage", "UntypedStorage")] = _StorageKind(
    _dtypes.uint8
)


def _torch_global(module, name):
    found = _TORCH_CALLABLES.get((module, name), _TORCH_VALUES.get((module, name)))
    if found is None:
        raise CheckpointError(
            f"the checkpoint's pickle names {module}.{name}, which is not a tensor, storage or plain container "
            "that tinytorch can load; refusing it (loading it could run code, or it is a type tinytorch lacks)"
        )
    return found


_PUSH_ARGUMENT = {
    "BININT", "BININT1", "BININT2", "LONG1", "LONG4", "BINFLOAT",
    "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8",
}
_PUSH_CONSTANT = {"NONE": None, "NEWTRUE": True, "NEWFALSE": False}


def _run_torch_pickle(data, load_storage):
    """Run the pickle of a torch.save archive with only the instructions a
    checkpoint needs: numbers, strings, lists, tuples, dicts, the memo, the
    allowed names above, calls of allowed callables and storage references."""
    stack, marks, memo = [], [], {}

    def pop():
        expect(stack, "malformed pickle: the stack is empty")
        return stack.pop()

    def pop_mark():
        nonlocal stack
        expect(marks, "malformed pickle: no MARK to pop to")
        items, stack = stack, marks.pop()
        return items

    def top(kind):
        expect(stack and isinstance(stack[-1], kind), "malformed pickle: adding items to a non-container")
        return stack[-1]

    def setitems(target, items):
        for key, value in items:
            target[hashable(key)] = value

    instructions = pickletools.genops(io.BytesIO(data))
    while True:
        try:
            opcode, arg, _ = next(instructions)
        except StopIteration:
            raise CheckpointError("malformed pickle: it ends before STOP") from None
        except ValueError as error:
            raise CheckpointError(f"malformed pickle: {error}") from None
        op = opcode.name
        if op in _PUSH_ARGUMENT:
            stack.append(arg)
        elif op in _PUSH_CONSTANT:
            stack.append(_PUSH_CONSTANT[op])
        elif op == "PROTO":
            expect(arg <= 5, f"unknown pickle protocol {arg}")
        elif op == "FRAME":
            pass
        elif op == "STOP":
            return pop()
        elif op == "MARK":
            marks.append(stack)
            stack = []
        elif op == "EMPTY_DICT":
            stack.append({})
        elif op == "EMPTY_LIST":
            stack.append([])
        elif op == "EMPTY_TUPLE":
            stack.append(())
        elif op == "TUPLE":
            items = tuple(pop_mark())  # first: popping to the mark replaces `stack`
            stack.append(items)
        elif op in ("TUPLE1", "TUPLE2", "TUPLE3"):
            n = int(op[-1])
            expect(len(stack) >= n, "malformed pickle: the stack is too short")
            items = tuple(stack[-n:])
            del stack[-n:]
            stack.append(items)
        elif op == "APPEND":
            value = pop()
            top(list).append(value)
        elif op == "APPENDS":
            items = pop_mark()
            top(list).extend(items)
        elif op == "SETITEM":
            value, key = pop(), pop()
            setitems(top(dict), [(key, value)])
        elif op == "SETITEMS":
            items = pop_mark()
            expect(len(items) % 2 == 0, "malformed pickle: SETITEMS with an odd number of items")
            setitems(top(dict), zip(items[::2], items[1::2]))
        elif op in ("BINPUT", "LONG_BINPUT"):
            expect(stack, "malformed pickle: the stack is empty")
            memo[arg] = stack[-1]
        elif op == "MEMOIZE":
            expect(stack, "malformed pickle: the stack is empty")
            memo[len(memo)] = stack[-1]
        elif op in ("BINGET", "LONG_BINGET"):
            expect(arg in memo, f"malformed pickle: memo entry {arg} is missing")
            stack.append(memo[arg])
        elif op == "GLOBAL":
            module, _, name = arg.partition(" ")
            stack.append(_torch_global(module, name))
        elif op == "STACK_GLOBAL":
            name, module = pop(), pop()
            expect(isinstance(module, str) and isinstance(name, str), "malformed pickle: a bad STACK_GLOBAL")
            stack.append(_torch_global(module, name))
        elif op == "REDUCE":
            args, function = pop(), pop()
            expect(isinstance(args, tuple) and any(function is f for f in _TORCH_CALLABLES.values()),
                   "the pickle calls something that is not a tensor rebuild or a plain container")
            expect(_accepts(function, len(args)), f"malformed pickle: wrong number of arguments for {function.__name__}")
            stack.append(function(*args))
        elif op == "BUILD":
            state = pop()
            # torch's state_dict() is an OrderedDict carrying a `_metadata` attribute of plain data.
            expect(stack and type(stack[-1]) is OrderedDict and isinstance(state, dict)
                   and all(isinstance(k, str) and not k.startswith("__") for k in state),
                   "the pickle sets the state of an object other than an OrderedDict")
            stack[-1].__dict__.update(state)
        elif op == "BINPERSID":
            stack.append(load_storage(pop()))
        else:
            raise CheckpointError(
                f"the checkpoint's pickle uses the {op} instruction, which a torch.save checkpoint of tensors never "
                "needs; refusing to run it"
            )


_ARITY = {
    _rebuild_tensor_v2: (6, 7), _rebuild_tensor: (4, 4), _rebuild_parameter: (3, 4),
    _ordered_dict: (0, 0), _size: (1, 1), _device: (1, 2),
}


def _accepts(function, count):
    low, high = _ARITY[function]
    return low <= count <= high
