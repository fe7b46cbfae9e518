"""PyTorch eager reference for benchmarks/sample-vs-pytorch: a plain key/value-cached sampler of the
prior (prior_reference.py) as a user would write it: the caption in one pass that fills the caches,
then one pass per image token over a single position that appends its keys and values to
preallocated caches and attends to every cached key under its mask row; temperature 1, no
truncation, torch.multinomial on the softmax; torch.no_grad.

usage: python3 sample_reference.py SPEC BATCH THREADS WARMUP SECONDS DIR
DIR holds what SampleVsPytorchBench wrote: the project's weights and captions, and its logits of
image tokens 0 and 1, which this sampler must reproduce (it exits with an error otherwise). After
WARMUP grids, and at least SECONDS of them (as the project's side, whose JIT compiler needs them), it
samples timed grids on the commands of lockstep.py.
"""
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

from prior_reference import Prior, Spec


class Decoder:
    def __init__(self, model, batch):
        s = model.spec
        self.model, self.spec, self.position = model, s, 0
        hd = s.width // s.heads
        self.keys = [torch.zeros(batch, s.heads, s.length - 1, hd) for _ in model.blocks]
        self.values = [torch.zeros(batch, s.heads, s.length - 1, hd) for _ in model.blocks]

    def feed(self, x):
        """Hidden states (B, n, C) of the next n positions -> logits (B, V) of the token after them."""
        start, n = self.position, x.shape[1]
        end = start + n
        m = self.model
        for block, keys, values in zip(m.blocks, self.keys, self.values):
            b, _, c = x.shape
            h = block.norm1(x)
            q, k, v = (block.split_heads(part) for part in block.qkv(h).split(c, dim=2))
            keys[:, :, start:end] = k
            values[:, :, start:end] = v
            bias = getattr(m, "bias_" + block.kind)[start:end, :end]
            scores = q @ keys[:, :, :end].transpose(-2, -1) / math.sqrt(c // block.heads) + bias
            y = (scores.softmax(-1) @ values[:, :, :end]).transpose(1, 2).reshape(b, n, c)
            x = x + block.out(y)
            x = x + block.proj(F.gelu(block.fc(block.norm2(x))))
        self.position = end
        h = m.norm(x[:, -1])
        return h @ (m.image_head if end >= self.spec.text_length else m.text_head).t()

    def feed_text(self, text):
        m = self.model
        return self.feed(m.text_token[text] + m.text_position)

    def feed_image(self, codes):
        """codes (B, 1) at the next position."""
        m = self.model
        i = self.position - self.spec.text_length
        return self.feed(m.image_token[codes] + m.image_row[i // self.spec.grid] + m.image_column[i % self.spec.grid])


def sample(model, text, generator):
    spec = model.spec
    decoder = Decoder(model, text.shape[0])
    logits = decoder.feed_text(text)
    codes = []
    for index in range(spec.image_length):
        token = torch.multinomial(logits.softmax(-1), 1, generator=generator)  # (B, 1)
        codes.append(token)
        if index + 1 < spec.image_length:
            logits = decoder.feed_image(token)
    return torch.cat(codes, dim=1)


def main():
    spec = Spec(sys.argv[1])
    batch, threads, warmup = (int(a) for a in sys.argv[2:5])
    warmup_seconds = float(sys.argv[5])
    directory = sys.argv[6]
    torch.set_num_threads(threads)
    model = Prior(spec)
    model.load_project_weights(directory)
    model.eval()
    with open(os.path.join(directory, "text.bin"), "rb") as f:
        text = torch.frombuffer(bytearray(f.read()), dtype=torch.int64).view(batch, spec.text_length)
    with open(os.path.join(directory, "logits.bin"), "rb") as f:
        expected = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).view(2, batch, spec.image_vocab)
    with torch.no_grad():
        decoder = Decoder(model, batch)
        got = torch.stack([decoder.feed_text(text), decoder.feed_image(torch.zeros(batch, 1, dtype=torch.int64))])
        error = (got - expected).abs().max().item()
        if error > 1e-4:
            raise SystemExit("the reference's logits differ from the project's by %g; not the same model" % error)
        generator = torch.Generator().manual_seed(0)
        warmup_end = time.perf_counter() + warmup_seconds
        done = 0
        while done < warmup or time.perf_counter() < warmup_end:
            sample(model, text, generator)
            done += 1
        print("@ready", flush=True)
        for line in sys.stdin:
            if line.strip() == "quit":
                break
            times = []
            for _ in range(int(line.split()[1])):
                c0 = time.process_time()
                t0 = time.perf_counter()
                sample(model, text, generator)
                times.append("%.3f,%.3f" % ((time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000))
            print("@times " + " ".join(times), flush=True)
    print("@info logits_max_abs_difference %.2e" % error)
    print("@info tokens_per_grid %d" % (batch * spec.image_length))


if __name__ == "__main__":
    main()
