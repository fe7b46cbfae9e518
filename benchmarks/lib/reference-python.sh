# Sourced by the benchmarks whose reference is PyTorch eager: sets $python to an interpreter that
# imports Debian's python3-torch, installing the package if it is missing, and makes sure that
# Debian's generic BLAS is OpenBLAS. python3-torch 1.13 is built with BLAS_INFO=generic and links
# whatever libblas.so.3 the alternatives system points to; with only the reference implementation
# (libblas3) installed, a 2048x2048 float32 product ran at 4 GFLOP/s here against 43 with
# OpenBLAS, which would make every matrix product of the reference 10x slower than a Debian user's.
sudo_cmd=""; [ "$(id -u)" != 0 ] && sudo_cmd="sudo"
python=python3
if ! python3 -c 'import torch' 2>/dev/null; then
  python=/usr/bin/python3
  if ! "$python" -c 'import torch' 2>/dev/null; then
    echo "installing PyTorch for the reference side (Debian package python3-torch)..." >&2
    $sudo_cmd apt-get install -y -qq python3-torch >/dev/null
  fi
fi
if ! ls /usr/lib/x86_64-linux-gnu/openblas-*/libblas.so.3 >/dev/null 2>&1; then
  echo "installing OpenBLAS as the reference's BLAS (Debian package libopenblas0)..." >&2
  $sudo_cmd apt-get install -y -qq libopenblas0 >/dev/null
fi
