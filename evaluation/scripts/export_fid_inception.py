#!/usr/bin/env python3
"""Exports the FID Inception-v3 network (weights pt_inception-2015-12-05, as pytorch-fid and the
original TensorFlow FID use) to a TorchScript file for `dalle fid --features`.

The exported module takes a batch (N, 3, 299, 299) of images already resized to 299 x 299 and mapped
to [-1, 1] (`dalle fid` does both, as pytorch-fid does) and returns the (N, 2048) pool features.

    pip install pytorch-fid          # brings torch and the FID Inception definition
    python3 export_fid_inception.py fid_inception.pt
    dalle fid reference_images/ samples/ --features fid_inception.pt

pytorch-fid downloads the weights on first use from
https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth
into torch's hub cache (~/.cache/torch/hub/checkpoints/); on a machine without internet access, put
that file there first. Export with a torch no newer than the engine `dalle` bundles (PyTorch 2.7).
"""
import argparse

import torch
from pytorch_fid.inception import InceptionV3


class PoolFeatures(torch.nn.Module):
    """Inception-v3 up to the final average pool; resizing and scaling happen in `dalle fid`."""

    def __init__(self):
        super().__init__()
        self.inception = InceptionV3(
            [InceptionV3.BLOCK_INDEX_BY_DIM[2048]], resize_input=False, normalize_input=False
        )

    def forward(self, x):
        return self.inception(x)[0].flatten(1)  # (N, 2048, 1, 1) -> (N, 2048)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", help="TorchScript file to write, e.g. fid_inception.pt")
    args = parser.parse_args()
    model = PoolFeatures().eval()
    example = torch.rand(2, 3, 299, 299) * 2 - 1
    with torch.no_grad():
        traced = torch.jit.trace(model, example)
        # The traced module must give the same features as the Python one.
        torch.testing.assert_close(traced(example), model(example))
    traced.save(args.out)
    print(f"wrote {args.out}: (N, 3, 299, 299) in [-1, 1] -> (N, 2048)")


if __name__ == "__main__":
    main()
