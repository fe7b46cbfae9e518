"""The reference side of benchmarks/fid: the FID of two .npz statistics files computed as
pytorch-fid does, with scipy.linalg.sqrtm of sigma1 . sigma2 (Debian's python3-scipy).
Prints `fid <value>` and `ms <median milliseconds over REPEATS runs>`.

    python3 fid_reference.py A.npz B.npz REPEATS
"""
import sys
import time

import numpy as np
from scipy import linalg


def frechet_distance(mu1, sigma1, mu2, sigma2):
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * 1e-6
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean)


def main():
    a, b, repeats = np.load(sys.argv[1]), np.load(sys.argv[2]), int(sys.argv[3])
    args = (a["mu"], a["sigma"], b["mu"], b["sigma"])
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fid = frechet_distance(*args)
        times.append((time.perf_counter() - start) * 1000)
    print("fid %.17g" % fid)
    print("ms %.3f" % float(np.median(times)))


if __name__ == "__main__":
    main()
