"""PyTorch eager reference for benchmarks/transformer-step: training updates of the transformer prior
(prior_reference.py) as a user would write them: forward with the masks, weighted loss, backward,
torch.nn.utils.clip_grad_norm_ at 4, torch.optim.AdamW (0.9, 0.96, 1e-8, weight decay 4.5e-2 on
the matrices), an EMA of every parameter with decay 0.99, on a fixed random batch.

usage: python3 transformer_step_reference.py SPEC BATCH THREADS WARMUP SECONDS [--check DIR]
After WARMUP updates, and at least SECONDS of them (as the project's side, whose JIT compiler needs
them), it takes timed updates on the commands of lockstep.py and, when told to quit,
reports the median of each phase, peak_gflops (float32 2048^2 products in this process) and
train_gflop (matrix-product GFLOP of one update).

--check DIR loads the initial weights and the batch TransformerStepBench wrote there and prints the
dropout-free loss and gradient norm of that batch, to compare with the project's (expected.txt).
"""
import os
import statistics
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
    size, threads, warmup = (int(a) for a in sys.argv[2:5])
    warmup_seconds = float(sys.argv[5])
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
    names = ("forward+loss", "backward", "clip", "adamw", "ema")
    phases = []

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
        phases.append([b - a for a, b in zip((t0, t1, t2, t3, t4), (t1, t2, t3, t4, t5))])

    warmup_end = time.perf_counter() + warmup_seconds
    done = 0
    while done < warmup or time.perf_counter() < warmup_end:
        step()
        done += 1
    phases.clear()
    print("@ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "quit":
            break
        times = []
        for _ in range(int(line.split()[1])):
            c0 = time.process_time()
            t0 = time.perf_counter()
            step()
            times.append("%.3f,%.3f" % ((time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000))
        print("@times " + " ".join(times), flush=True)
    medians = [statistics.median(p[i] for p in phases) for i in range(len(names))]
    print("@info phases_ms " + " ".join("%s=%.1f" % (n, m * 1000) for n, m in zip(names, medians)))
    print("@info parameters %d" % sum(p.numel() for p in params))
    print("@info peak_gflops %.1f" % peak_gflops())
    print("@info train_gflop %.3f" % (spec.train_flops(size) / 1e9))


if __name__ == "__main__":
    main()
