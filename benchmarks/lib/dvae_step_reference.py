"""PyTorch eager reference for benchmarks/dvae-step: the same dVAE architecture, loss and AdamW update
as the project's tiny config (models/.../DvaeConfig.tiny()), timed per training step.

usage: python3 dvae_step_reference.py BATCH THREADS WARMUP STEPS [--channels-last]
prints ms_per_step <float> (the mean) and median_ms_per_step <float>.

--channels-last runs the model and its input in channels-last memory order, as the project does: not
the plain eager reference of the benchmark's last line, but the same tuning applied to PyTorch, so
that the benchmark can show what the tuning is worth on both sides.
"""
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

IMAGE, CHANNELS, VOCAB, N_HID, N_INIT, BLOCKS, GROUPS = 32, 3, 512, 32, 64, 1, 3
EPS = 0.1


class Block(nn.Module):
    def __init__(self, n_in, n_out, kernels, post_gain):
        super().__init__()
        hidden = n_out // 4
        self.id_path = nn.Conv2d(n_in, n_out, 1) if n_in != n_out else nn.Identity()
        layers, width = [], n_in
        for i, k in enumerate(kernels):
            nxt = n_out if i == len(kernels) - 1 else hidden
            layers += [nn.ReLU(), nn.Conv2d(width, nxt, k, padding=(k - 1) // 2)]
            width = nxt
        self.res_path = nn.Sequential(*layers)
        self.post_gain = post_gain

    def forward(self, x):
        return self.id_path(x) + self.post_gain * self.res_path(x)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        gain = 1.0 / (GROUPS * BLOCKS) ** 2
        self.input = nn.Conv2d(CHANNELS, N_HID, 7, padding=3)
        self.groups = nn.ModuleList()
        width = N_HID
        for g in range(GROUPS):
            blocks = []
            for _ in range(BLOCKS):
                blocks.append(Block(width, N_HID << g, (3, 3, 3, 1), gain))
                width = N_HID << g
            self.groups.append(nn.Sequential(*blocks))
        self.output = nn.Conv2d(width, VOCAB, 1)

    def forward(self, x):
        x = self.input(x)
        for g, group in enumerate(self.groups):
            x = group(x)
            if g < GROUPS - 1:
                x = F.max_pool2d(x, 2)
        return self.output(F.relu(x))


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        gain = 1.0 / (GROUPS * BLOCKS) ** 2
        self.input = nn.Conv2d(VOCAB, N_INIT, 1)
        self.groups = nn.ModuleList()
        width = N_INIT
        for g in range(GROUPS):
            blocks = []
            for _ in range(BLOCKS):
                out = N_HID << (GROUPS - 1 - g)
                blocks.append(Block(width, out, (1, 3, 3, 3), gain))
                width = out
            self.groups.append(nn.Sequential(*blocks))
        self.output = nn.Conv2d(width, 2 * CHANNELS, 1)

    def forward(self, z):
        x = self.input(z)
        for g, group in enumerate(self.groups):
            x = group(x)
            if g < GROUPS - 1:
                x = F.interpolate(x, scale_factor=2, mode="nearest")
        return self.output(F.relu(x))


def loss_fn(enc, dec, images, tau, beta):
    logits = enc(images)
    u = torch.rand_like(logits).clamp(1e-6, 1 - 1e-6)
    gumbel = -torch.log(-torch.log(u))
    codes = F.softmax((logits + gumbel) / tau, dim=1)
    decoded = dec(codes)
    mu, log_b = decoded[:, :CHANNELS], decoded[:, CHANNELS:]
    y = (1 - 2 * EPS) * images + EPS
    logit_y = torch.log(y) - torch.log1p(-y)
    log_density = -math.log(2) - log_b - torch.log(y) - torch.log1p(-y) - (logit_y - mu).abs() * torch.exp(-log_b)
    nll = -log_density.mean()
    q = F.log_softmax(logits, dim=1)
    kl_positions = (q.exp() * q).sum(dim=1) + math.log(VOCAB)
    kl = kl_positions.sum(dim=(1, 2)).mean() / (CHANNELS * IMAGE * IMAGE)
    return nll + beta * kl


def main():
    batch, threads, warmup, steps = (int(a) for a in sys.argv[1:5])
    channels_last = "--channels-last" in sys.argv[5:]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    enc, dec = Encoder(), Decoder()
    images = torch.rand(batch, CHANNELS, IMAGE, IMAGE)
    if channels_last:
        enc.to(memory_format=torch.channels_last)
        dec.to(memory_format=torch.channels_last)
        images = images.contiguous(memory_format=torch.channels_last)
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.AdamW(params, lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-4)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(enc, dec, images, 1.0, 1.0)
        loss.backward()
        opt.step()

    for _ in range(warmup):
        step()
    each = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        each.append(time.perf_counter() - t0)
    each.sort()
    print("ms_per_step %.3f" % (sum(each) * 1000 / steps))
    print("median_ms_per_step %.3f" % (each[steps // 2] * 1000))


if __name__ == "__main__":
    main()
