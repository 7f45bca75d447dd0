"""Saving and loading a 100 MB float32 tensor, against numpy.save / numpy.load in the same run.

tinytorch.save does more than numpy.save: it checksums every byte, and it
makes the new file durable (fsync, for the file and its directory) before
renaming it over the old one, so that a crash never leaves a half-written
checkpoint. Waiting for the disk is most of the difference, and no amount of
care in tinytorch removes it, so the save target (1.5x) is checked against
numpy.save followed by an fsync; the ratio to a bare numpy.save is printed
too. Loading is checked against numpy.load. Peak memory is what tracemalloc
sees allocated while saving (or loading), beyond the tensor that exists.

The machine's other work moves these numbers a lot: run it on a quiet machine.
"""
import os
import sys
import tempfile
import tracemalloc

import numpy as np

from timing import per_call, report, single_threaded

single_threaded()

import tinytorch  # noqa: E402

SIZE = 100 * 2**20  # bytes


def durable_numpy_save(path, array):
    with open(path, "wb") as f:
        np.save(f, array)
        f.flush()
        os.fsync(f.fileno())


def peak_allocated(fn):
    """Bytes allocated at the peak while fn runs (NumPy's buffers included)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main():
    array = np.random.default_rng(0).random(SIZE // 4, dtype=np.float32)
    tensor = tinytorch.from_numpy(array)
    ok = True
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(__file__))) as folder:
        ours_path, numpy_path = os.path.join(folder, "t.tt"), os.path.join(folder, "t.npy")

        save = per_call(lambda: tinytorch.save(tensor, ours_path), repeat=5)
        ok &= report("save 100 MB float32 (vs numpy.save + fsync)", save,
                     per_call(lambda: durable_numpy_save(numpy_path, array), repeat=5), "numpy", 1.5)
        report("save 100 MB float32 (vs bare numpy.save, no fsync)", save,
               per_call(lambda: np.save(numpy_path, array), repeat=5), "numpy", float("inf"))

        load = per_call(lambda: tinytorch.load(ours_path), repeat=5)
        ok &= report("load 100 MB float32 (vs numpy.load)", load, per_call(lambda: np.load(numpy_path), repeat=5),
                     "numpy", 1.5)
        assert tinytorch.load(ours_path).equal(tensor)

        extra = peak_allocated(lambda: tinytorch.save(tensor, ours_path))
        peak = (tensor.nbytes + extra) / tensor.nbytes
        ok &= peak <= 1.2
        print(f"{'peak memory while saving':<48} tensor {tensor.nbytes / 2**20:7.1f} MB + {extra / 2**20:7.2f} MB "
              f"allocated = {peak:4.2f}x the tensor (target <= 1.2)  {'ok' if peak <= 1.2 else 'ABOVE TARGET'}")
        loaded = peak_allocated(lambda: tinytorch.load(ours_path))
        print(f"{'peak memory while loading (for information)':<48} {loaded / 2**20:7.1f} MB allocated = "
              f"{loaded / tensor.nbytes:4.2f}x the tensor")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
