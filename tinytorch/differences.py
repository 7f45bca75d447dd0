"""Where tinytorch knowingly differs from PyTorch 2.13, and why.

scripts/api_docs.py prints this list into docs/api.md, beside the list of what
tinytorch implements; tests/test_api_docs.py checks that the page is current.
Each entry: (area, what differs, why). Anything not listed here and not
missing from docs/api.md is meant to behave exactly as in PyTorch; a test that
finds otherwise has found a bug.
"""

KNOWN_DIFFERENCES = [
    ("Random numbers on a GPU",
     "On the CPU, rand, randn, randint, randperm, dropout, nn.init and the other draws give torch's numbers after "
     "the same seed; on a GPU they give other numbers than torch's.",
     "torch's GPUs use another generator (Philox); tinytorch makes a GPU's numbers with the CPU's algorithm, from "
     "that GPU's own seed, and copies them over."),
    ("float32 normals in blocks",
     "randn and normal_ of 16 or more float32 values differ from torch's in the last bit for about one value in "
     "a thousand (by at most 2 units in the last place).",
     "torch's vectorized float32 log and sincos round in their own way; exact/normal_blocks.py follows their "
     "steps, but not yet to the last bit everywhere. float64 normals are bit-identical."),
    ("Math functions in the last bit",
     "exp, log, sin, tanh and the other math functions may differ from torch's in the last bit. tinytorch computes "
     "float32 ones in float64 and rounds once, which agrees with torch in most elements (exp in 99%, log10, log2 "
     "and tanh in 99.9%, sin and cos in 95%, tan in 82%); float32 sqrt, which is exact here, differs in about one "
     "element in six. So may Adam's steps, which take a square root: a few elements in a hundred after some steps.",
     "torch's CPU build computes them with Intel MKL's vector math and SLEEF, accurate to about one unit in the "
     "last place but not always correctly rounded, and depending on the CPU; tinytorch uses NumPy's."),
    ("Sums in the last bit",
     "sum, mean, var, std, var_mean, norms and the other reductions of float32 or float64 values may differ from "
     "torch's in the last bits (var and std, and the mean var_mean returns, more often than sum).",
     "Rounding depends on the order of the additions: torch adds in vectorized, cascaded blocks and computes var "
     "and std in one pass (Welford's), tinytorch uses NumPy's pairwise sums and two passes. The tests compare "
     "reductions within a few units in the last place."),
    ("float64 to float16",
     "A float64 value (or a Python float) converted to float16 is rounded once, to the nearest float16; torch "
     "rounds it to float32 first, so about one value in 20,000 (those just past a float16 half-way point) ends "
     "one float16 step apart.",
     "NumPy converts directly; emulating torch's double rounding would add a step to every conversion path for "
     "a difference in the last bit."),
    ("Linear algebra in the last bit",
     "float32 solve, inv and det may differ from torch's in the last bits (det of a singular matrix may be 0.0 "
     "where torch's is -0.0).",
     "Both call LAPACK, but different builds of it (NumPy's OpenBLAS, torch's MKL), which order their "
     "floating-point operations differently."),
    ("dtypes",
     "No complex dtypes, no bfloat16, no unsigned types wider than uint8, no quantized types.",
     "They do not appear in the course; NumPy has no bfloat16."),
    ("Version",
     "tinytorch.__version__ is tinytorch's own version, not torch's ('2.13.0+cpu').",
     "It names this library's release; the behaviour it mirrors is torch 2.13's throughout."),
    ("resize_, set_",
     "When resize_ grows a tensor past its storage, only that tensor moves to a larger storage; in torch the "
     "shared storage grows in place, for every tensor that uses it. set_ with a header that reaches past the end "
     "of its storage raises RuntimeError, as as_strided does; torch grows the storage. After t.set_(source), "
     "t._version is its new storage's; torch's counts on from t's own.",
     "tinytorch's views cache NumPy views of their storage's buffer, which a buffer that grows would leave behind."),
    ("einsum",
     "The values and gradients are torch's, but the recorded graph is not: tinytorch multiplies the broadcast "
     "operands and sums (Mul/Sum nodes), torch contracts pair by pair with bmm (Permute/View/Bmm nodes). Operands "
     "of different dtypes are promoted, where torch promotes them only when nothing is summed (an outer product) "
     "and otherwise raises 'expected scalar type ...' from its bmm.",
     "The broadcast-multiply-sum form shows what einsum means; torch's contraction order is an optimisation."),
    ("det, inverse, solve",
     "Their nodes keep what the gradient needs (A, the result, the inverse), not LU factors and pivots "
     "(_saved_LU, _saved_pivots). det's gradient needs an invertible matrix.",
     "NumPy's LAPACK calls do not return the factorisation; the textbook gradients are the readable ones."),
    ("What saved_tensors_hooks sees",
     "Every op packs and unpacks the tensors torch's does, except: indexing and index writes keep their index "
     "tensors as plain values (not packed), det and solve keep no LU factors or pivots, sgn and a masked write of a "
     "number save one tensor fewer. tests/test_autograd_saved_hooks.py lists them.",
     "tinytorch's nodes keep what the textbook gradient reads; the values and gradients are torch's."),
    ("Sparse gradients",
     "embedding(sparse=True) and nn.Embedding(sparse=True) raise NotImplementedError.",
     "tinytorch has no sparse tensors; a dense gradient (the default) holds the same numbers."),
    ("Errors inside torch's kernels",
     "index_fill into a dim of size 0, histc of bool or uint8 with min = max = 0, and logsumexp(dim=()) fail inside "
     "torch 2.13 with messages about its internals; tinytorch raises its usual out-of-range error, says histc is not "
     "implemented for the dtype, or reduces every dim. The backward of nll_loss on a non-contiguous 4-D input fails "
     "in torch ('grad_input must be contiguous'); tinytorch computes the gradient.",
     "Those torch messages describe torch's implementation, not the learner's mistake."),
    ("Pinned memory",
     "pin_memory=True raises NotImplementedError on a machine with a GPU, where torch allocates page-locked memory.",
     "Pinned memory only makes copies to a GPU faster; it changes no value. Without a GPU both raise torch's "
     "RuntimeError."),
    ("view(dtype)",
     "t.view(tinytorch.int32) raises TypeError; torch reinterprets the tensor's bytes as the other dtype.",
     "A tinytorch storage holds one dtype, with one version counter; a view of its bytes as another dtype would "
     "need a second storage over the same memory, which autograd's in-place checks could not see."),
    ("The in-place error's hint",
     "\"one of the variables needed for gradient computation has been modified by an inplace operation\" ends with "
     "a hint to look for an in-place operation applied to the tensor, where torch's suggests "
     "torch.autograd.set_detect_anomaly(True).",
     "tinytorch has no anomaly detection mode to point to; the rest of the message is torch's."),
    ("Wrong arguments of methods",
     "A Tensor method called without an argument it needs, or with a keyword it does not take, gets Python's "
     "TypeError (\"Tensor.cumsum() missing 1 required positional argument: 'dim'\"), worded as Python words it "
     "rather than as torch's parser does (\"cumsum() missing 1 required positional arguments: \"dim\"\"). "
     "meshgrid's error for a 2-D tensor prints the tensor as Python does, not as torch's C++ does.",
     "Same exception type and meaning; wrapping every method to reword Python's message would slow every call."),
    ("TypeErrors of overloaded functions",
     "layout= or pin_memory= of a wrong type in arange, eye, linspace, logspace, rand, randn, randint or randperm: "
     "the TypeError names the argument and the type it must have, where torch lists every signature of the "
     "function. t.set_() with four arguments that fit none of its signatures does not say which argument did not "
     "match. var_mean and std_mean given both unbiased= and correction= raise var's RuntimeError (\"cannot "
     "specify both\"), where torch's parser raises a TypeError listing their signatures.",
     "Each of those functions has several signatures in torch's parser; the one a learner meant is the one named."),
    ("Ties in kthvalue, median and mode",
     "Where several elements hold the k-th value (or a line of nanmedian is all nan), the index returned may be "
     "another of them than torch's: tinytorch picks by a stable sort, torch by its quickselect.",
     "The value is the same; which of equal elements a quickselect lands on depends on its pivots."),
    ("unique of slices with nans",
     "unique(x, dim=d) merges slices that hold nans in the same places (and equal numbers elsewhere); torch keeps "
     "each such slice apart, in an order its sort leaves them.",
     "NumPy compares slices as whole rows; unique of elements keeps every nan apart, as torch does."),
    ("Strides of empty results",
     "An op that returns an empty tensor may give it other strides than torch (flip, roll, rot90, scatter ...).",
     "No element can be reached through them; torch's depend on which kernel made the result."),
    ("In-place random fills on a tensor with history",
     "x.uniform_(), x.normal_() ... on a tensor that needs a gradient record a copy (CopyBackwards), where torch "
     "records UniformBackward0 or NormalBackward0.",
     "The gradient is the same (zero for x's old values); nn.init fills under no_grad, where nothing is recorded."),
    ("Stale views passed to an op with a bad argument",
     "For a view made in no_grad mode whose base was since written in place, an op given a bad argument as well "
     "(a dim or an index out of range, shapes that do not fit) raises that argument's error first, where torch "
     "raises the view-history error first. (torch's composite ops, such as indexing, narrow, movedim, flatten and "
     "chunk, check their arguments first too.)",
     "torch's primitive ops record the graph edge, reading the view's history, before their kernel checks the "
     "arguments; tinytorch's ops check first. Both are errors. Found by tests/random_programs.py, which knows it."),
    ("Speed",
     "Every op runs in NumPy (or CuPy) under a Python layer: small ops cost microseconds more than torch's.",
     "bench/ measures the ratios; the issues name the targets."),
]
