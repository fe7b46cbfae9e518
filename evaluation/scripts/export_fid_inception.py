#!/usr/bin/env python3
"""Exports the FID Inception-v3 network (weights pt_inception-2015-12-05, as pytorch-fid and the
original TensorFlow FID and Inception Score code use) to a TorchScript file for `dalle fid`,
`dalle eval-features` and `dalle evaluate`.

The exported module takes a batch (N, 3, 299, 299) of images already resized to 299 x 299 and mapped
to [-1, 1] (`dalle` does both, as pytorch-fid does) and returns the pair
    (pool features (N, 2048), logits (N, 1008)).
The features give the FID; the logits give the Inception Score. They are the 1008-way classifier of
the 2015 graph applied to the pool features *without* its bias, as the reference Inception Score
code does (OpenAI's improved-GAN `inception_score.py` multiplies pool_3 by the softmax weight
matrix; torch-fidelity calls these `logits_unbiased`). `--biased-logits` adds the bias instead.

    pip install pytorch-fid          # brings torch, torchvision and the FID Inception definition
    python3 export_fid_inception.py fid_inception.pt
    dalle fid reference_images/ samples/ --features fid_inception.pt

pytorch-fid downloads the weights on first use from
https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth
into torch's hub cache (~/.cache/torch/hub/checkpoints/); on a machine without internet access, put
that file there first. Export with a torch no newer than the engine `dalle` bundles (PyTorch 2.7).

`--random-weights` exports torchvision's Inception-v3 layout with random weights and no download:
only for checking the export and loading path (the figures it gives mean nothing).
"""
import argparse

import torch
import torch.nn.functional as F


class PoolFeaturesAndLogits(torch.nn.Module):
    """Inception-v3 up to the final average pool, then the 1008-way classifier on the pool features.

    `net` is a torchvision-style Inception3 (the module names of pytorch-fid's `fid_inception_v3`).
    The layers run in pytorch-fid's block order; resizing and scaling happen in `dalle`.
    """

    def __init__(self, net, biased_logits=False):
        super().__init__()
        self.net = net
        self.biased_logits = biased_logits

    def forward(self, x):
        n = self.net
        x = n.Conv2d_1a_3x3(x)
        x = n.Conv2d_2a_3x3(x)
        x = n.Conv2d_2b_3x3(x)
        x = F.max_pool2d(x, kernel_size=3, stride=2)
        x = n.Conv2d_3b_1x1(x)
        x = n.Conv2d_4a_3x3(x)
        x = F.max_pool2d(x, kernel_size=3, stride=2)
        for block in (n.Mixed_5b, n.Mixed_5c, n.Mixed_5d, n.Mixed_6a, n.Mixed_6b, n.Mixed_6c,
                      n.Mixed_6d, n.Mixed_6e, n.Mixed_7a, n.Mixed_7b, n.Mixed_7c):
            x = block(x)
        pool = F.adaptive_avg_pool2d(x, output_size=(1, 1)).flatten(1)  # (N, 2048)
        logits = pool @ n.fc.weight.t()  # (N, 1008)
        if self.biased_logits:
            logits = logits + n.fc.bias
        return pool, logits


def fid_network():
    from pytorch_fid.inception import fid_inception_v3
    return fid_inception_v3()  # the 2015 weights, with the FID variants of the Mixed blocks


def random_network():
    from torchvision.models import inception_v3
    return inception_v3(weights=None, aux_logits=False, num_classes=1008, init_weights=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", help="TorchScript file to write, e.g. fid_inception.pt")
    parser.add_argument("--biased-logits", action="store_true",
                        help="add the classifier's bias to the logits (the reference IS omits it)")
    parser.add_argument("--random-weights", action="store_true",
                        help="torchvision layout with random weights, to test the export path only")
    args = parser.parse_args()
    net = random_network() if args.random_weights else fid_network()
    model = PoolFeaturesAndLogits(net.eval(), args.biased_logits).eval()
    example = torch.rand(2, 3, 299, 299) * 2 - 1
    with torch.no_grad():
        traced = torch.jit.trace(model, example)
        # The traced module must give the same pair as the Python one, and the pool features must
        # be those of pytorch-fid's own 2048-d block (checked when pytorch-fid is installed).
        pool, logits = traced(example)
        expected_pool, expected_logits = model(example)
        torch.testing.assert_close(pool, expected_pool)
        torch.testing.assert_close(logits, expected_logits)
        if not args.random_weights:
            from pytorch_fid.inception import InceptionV3
            reference = InceptionV3([InceptionV3.BLOCK_INDEX_BY_DIM[2048]], resize_input=False,
                                    normalize_input=False).eval()
            torch.testing.assert_close(pool, reference(example)[0].flatten(1))
    traced.save(args.out)
    print(f"wrote {args.out}: (N, 3, 299, 299) in [-1, 1] -> "
          f"(features (N, {pool.shape[1]}), logits (N, {logits.shape[1]}))")


if __name__ == "__main__":
    main()
