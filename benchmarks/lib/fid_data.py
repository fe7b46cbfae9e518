"""Writes the two FID statistics files benchmarks/fid compares: features drawn with a fixed seed,
mean and covariance (np.cov, ddof = 1) saved with np.savez as pytorch-fid does.

    python3 fid_data.py OUT_DIR DIM SAMPLES SEED
"""
import os
import sys

import numpy as np


def main():
    out, dim, samples, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((samples, dim))
    # A correlated, shifted second set, so that the two covariances do not commute.
    mixing = np.eye(dim) + 0.05 * rng.standard_normal((dim, dim))
    b = 0.8 * rng.standard_normal((samples, dim)) @ mixing + 0.3
    os.makedirs(out, exist_ok=True)
    for name, x in (("a", a), ("b", b)):
        np.savez(os.path.join(out, name + ".npz"), mu=x.mean(axis=0), sigma=np.cov(x, rowvar=False))


if __name__ == "__main__":
    main()
