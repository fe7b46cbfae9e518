#!/usr/bin/env python3
"""Writes tiny_feature_net.pt, the small TorchScript network TorchScriptFeatureNetworkTest loads,
and tiny_feature_net_logits.pt, the same network with a classifier head.

It has the shape of the FID Inception network's interface, with weights simple enough for the test
to compute the expected features by hand: a 1x1 convolution (3 -> 4 channels) with the weights and
biases below, a ReLU, and a global average pool, returning (N, 4, 1, 1) like pytorch-fid's pool3.
The second network also returns class logits, a linear map (4 -> 3) of the flattened features, as
the pair (features, logits) that the Inception Score reads.

    /usr/bin/python3 make_tiny_feature_net.py   # Debian: apt-get install python3-torch
"""
import os

import torch
import torch.nn.functional as F

WEIGHT = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, -1.0, 0.5]]
BIAS = [0.0, 0.1, -0.2, 0.3]
HEAD_WEIGHT = [[2.0, -1.0, 0.0, 1.0], [0.0, 3.0, -2.0, 0.5], [-1.0, 0.0, 4.0, -3.0]]
HEAD_BIAS = [0.1, -0.2, 0.0]


class TinyFeatures(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, kernel_size=1)
        with torch.no_grad():
            self.conv.weight.copy_(torch.tensor(WEIGHT).view(4, 3, 1, 1))
            self.conv.bias.copy_(torch.tensor(BIAS))

    def forward(self, x):
        return F.adaptive_avg_pool2d(F.relu(self.conv(x)), (1, 1))


class TinyFeaturesWithLogits(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.features = TinyFeatures()
        self.head = torch.nn.Linear(4, 3)
        with torch.no_grad():
            self.head.weight.copy_(torch.tensor(HEAD_WEIGHT))
            self.head.bias.copy_(torch.tensor(HEAD_BIAS))

    def forward(self, x):
        features = self.features(x)
        return features, self.head(features.flatten(1))


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    for name, module in [
        ("tiny_feature_net.pt", TinyFeatures()),
        ("tiny_feature_net_logits.pt", TinyFeaturesWithLogits()),
    ]:
        out = os.path.join(here, name)
        torch.jit.script(module.eval()).save(out)
        print("wrote", out)
