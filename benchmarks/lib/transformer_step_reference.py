"""PyTorch eager reference for benchmarks/transformer-step: training updates of the transformer prior
(prior_reference.py) as a user would write them: forward with the masks, weighted loss, backward,
torch.nn.utils.clip_grad_norm_ at 4, torch.optim.AdamW (0.9, 0.96, 1e-8, weight decay 4.5e-2 on
the matrices), an EMA of every parameter with decay 0.99, on a fixed random batch.

usage: python3 transformer_step_reference.py SPEC BATCH THREADS WARMUP STEPS [--check DIR]
prints median_ms_per_step, median_cpu_ms_per_step (CPU time of the process), the median of each phase, peak_gflops (float32 2048^2 products in this
process) and train_gflop (matrix-product GFLOP of one update).

--check DIR loads the initial weights and the batch TransformerStepBench wrote there and prints the
dropout-free loss and gradient norm of that batch, to compare with the project's (expected.txt).
"""
import os
import sys
import time

import torch

from prior_reference import Prior, Spec, peak_gflops


def batch(spec, size, generator):
    text = torch.randint(spec.text_vocab, (size, spec.text_length), generator=generator)
    lengths = torch.randint(4, 21, (size, 1), generator=generator)
    position = torch.arange(spec.text_length).view(1, -1)
    text = torch.where(position < lengths, text, spec.text_vocab + position)  # padding ids
    image = torch.randint(spec.image_vocab, (size, spec.image_length), generator=generator)
    return text, image


def check(model, spec, size, directory):
    model.load_project_weights(directory)
    with open(os.path.join(directory, "batch.bin"), "rb") as f:
        ids = torch.frombuffer(bytearray(f.read()), dtype=torch.int64)
    text = ids[: size * spec.text_length].view(size, spec.text_length)
    image = ids[size * spec.text_length :].view(size, spec.image_length)
    model.eval()
    total, text_loss, image_loss = model.loss(text, image)
    total.backward()
    norm = torch.sqrt(sum((p.grad.double() ** 2).sum() for p in model.parameters()))
    print("loss %.7f text %.7f image %.7f grad_norm %.7f" % (total, text_loss, image_loss, norm))


def main():
    spec = Spec(sys.argv[1])
    size, threads, warmup, steps = (int(a) for a in sys.argv[2:6])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = Prior(spec)
    if "--check" in sys.argv:
        check(model, spec, size, sys.argv[sys.argv.index("--check") + 1])
        return
    text, image = batch(spec, size, torch.Generator().manual_seed(1))
    params = list(model.parameters())
    opt = torch.optim.AdamW(model.decay_groups(4.5e-2), lr=4.5e-4, betas=(0.9, 0.96), eps=1e-8)
    ema = [p.detach().clone() for p in params]
    model.train()
    phases = {name: [] for name in ("forward+loss", "backward", "clip", "adamw", "ema")}

    def step():
        t0 = time.perf_counter()
        total, text_loss, image_loss = model.loss(text, image)
        t1 = time.perf_counter()
        total.backward()
        if not torch.isfinite(total + text_loss.detach() + image_loss.detach()):
            raise SystemExit("loss is %s" % total.item())
        t2 = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(params, 4.0)
        t3 = time.perf_counter()
        opt.step()
        t4 = time.perf_counter()
        with torch.no_grad():
            for shadow, p in zip(ema, params):
                shadow.mul_(0.99).add_(p, alpha=0.01)
        opt.zero_grad(set_to_none=True)
        t5 = time.perf_counter()
        for name, a, b in zip(phases, (t0, t1, t2, t3, t4), (t1, t2, t3, t4, t5)):
            phases[name].append(b - a)

    for _ in range(warmup):
        step()
    for values in phases.values():
        values.clear()
    each, cpu = [], []
    for _ in range(steps):
        c0 = time.process_time()
        t0 = time.perf_counter()
        step()
        each.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)

    def median(values):
        values = sorted(values)
        n = len(values)
        return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2

    print("phases (median ms) " + " ".join("%s %.1f" % (k, median(v) * 1000) for k, v in phases.items()))
    print("parameters %d" % sum(p.numel() for p in params))
    print("median_ms_per_step %.3f" % (median(each) * 1000))
    print("median_cpu_ms_per_step %.3f" % (median(cpu) * 1000))
    print("peak_gflops %.1f" % peak_gflops())
    print("train_gflop %.3f" % (spec.train_flops(size) / 1e9))


if __name__ == "__main__":
    main()
