"""The transformer prior written plainly in PyTorch eager, for the benchmarks that compare this
project's prior with what a user would write instead (benchmarks/transformer-step,
benchmarks/sample-vs-pytorch). The same architecture as models/.../transformer/TransformerPrior.java:

  x = text_token[t] + text_position[i]            at text positions
    = image_token[z] + image_row[r] + image_column[c]   at image positions
  x = dropout(x)
  per layer: x += dropout(out(attention(LN1(x), mask of the layer)))
             x += dropout(W2 gelu(W1 LN2(x) + b1) + b2)
  h = LN_f(x); text logits = h[:, :L-1] text_headᵀ, image logits = h[:, L-1:] image_headᵀ
  loss = 1/8 CE(text) + 7/8 CE(image)

Attention is dense under an additive mask (0 allowed, -inf not), the masks of
AttentionMasks.java: text causal, image sees all text, image->image row (d <= W), column
(d mod W = 0) or, in the last layer, a causal k x k convolutional kernel whose horizontal offsets
wrap; layer i before the last is column when (i - 2) mod 4 = 0, else row.

SPEC is the string the Java side reads too:
layers,d_model,heads,text_length,text_vocab,grid,image_vocab,conv_kernel,dropout
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F


class Spec:
    def __init__(self, text):
        v = text.split(",")
        self.layers, self.width, self.heads = int(v[0]), int(v[1]), int(v[2])
        self.text_length, self.text_vocab = int(v[3]), int(v[4])
        self.grid, self.image_vocab, self.kernel = int(v[5]), int(v[6]), int(v[7])
        self.dropout = float(v[8])
        self.text_rows = self.text_vocab + self.text_length  # one padding id per text position
        self.image_length = self.grid * self.grid
        self.length = self.text_length + self.image_length  # T; the model reads T - 1

    def kind(self, layer):
        """The mask of layer `layer` (1-based)."""
        if layer == self.layers:
            return "conv"
        return "column" if (layer - 2) % 4 == 0 else "row"

    def train_flops(self, batch):
        """Matrix-product FLOPs of one training update (forward x 3): projections, dense masked
        attention (q k^T and p v over all T - 1 keys, as both sides compute them) and the heads."""
        c, t = self.width, self.length - 1
        per_token = self.layers * (2 * 12 * c * c + 2 * 2 * t * c)
        heads = (self.text_length - 1) * 2 * c * self.text_rows + self.image_length * 2 * c * self.image_vocab
        return 3 * (batch * t * per_token + batch * heads)


def mask_bias(spec, kind, n):
    """The (n, n) additive mask of `kind` over positions 0..n-1."""
    q = torch.arange(n).view(n, 1)
    k = torch.arange(n).view(1, n)
    d = q - k
    text = (q < spec.text_length) | (k < spec.text_length)
    w = spec.grid
    if kind == "row":
        image = d <= w
    elif kind == "column":
        image = d % w == 0
    else:
        s = (spec.kernel - 1) // 2
        image = d <= s
        for up in range(1, s + 1):
            image = image | ((d - up * w).abs() <= s)
    allowed = (k <= q) & (text | image)
    bias = torch.zeros(n, n)
    bias.masked_fill_(~allowed, float("-inf"))
    return bias


class Block(nn.Module):
    def __init__(self, spec, kind):
        super().__init__()
        c = spec.width
        self.heads, self.kind, self.p = spec.heads, kind, spec.dropout
        self.norm1 = nn.LayerNorm(c)
        self.qkv = nn.Linear(c, 3 * c)
        self.out = nn.Linear(c, c)
        self.norm2 = nn.LayerNorm(c)
        self.fc = nn.Linear(c, 4 * c)
        self.proj = nn.Linear(4 * c, c)

    def split_heads(self, x):
        b, t, c = x.shape
        return x.view(b, t, self.heads, c // self.heads).transpose(1, 2)  # (B, H, T, hd)

    def attention(self, x, bias):
        b, t, c = x.shape
        q, k, v = (self.split_heads(part) for part in self.qkv(x).split(c, dim=2))
        scores = q @ k.transpose(-2, -1) / math.sqrt(c // self.heads) + bias
        weights = F.dropout(scores.softmax(-1), self.p, self.training)
        y = (weights @ v).transpose(1, 2).reshape(b, t, c)
        return F.dropout(self.out(y), self.p, self.training)

    def forward(self, x, bias):
        x = x + self.attention(self.norm1(x), bias)
        mlp = self.proj(F.gelu(self.fc(self.norm2(x))))
        return x + F.dropout(mlp, self.p, self.training)


class Prior(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.spec = spec
        c = spec.width
        self.text_token = nn.Parameter(torch.randn(spec.text_rows, c) * 0.02)
        self.text_position = nn.Parameter(torch.randn(spec.text_length, c) * 0.02)
        self.image_token = nn.Parameter(torch.randn(spec.image_vocab, c) * 0.02)
        self.image_row = nn.Parameter(torch.randn(spec.grid, c) * 0.02)
        self.image_column = nn.Parameter(torch.randn(spec.grid, c) * 0.02)
        self.blocks = nn.ModuleList(Block(spec, spec.kind(i)) for i in range(1, spec.layers + 1))
        self.norm = nn.LayerNorm(c)
        self.text_head = nn.Parameter(torch.randn(spec.text_rows, c) * 0.02)
        self.image_head = nn.Parameter(torch.randn(spec.image_vocab, c) * 0.02)
        for kind in ("row", "column", "conv"):
            self.register_buffer("bias_" + kind, mask_bias(spec, kind, spec.length - 1), persistent=False)
        index = torch.arange(spec.image_length)
        self.register_buffer("rows", index // spec.grid, persistent=False)
        self.register_buffer("columns", index % spec.grid, persistent=False)

    def embed(self, text, image):
        """text (B, L) and image (B, n) ids -> (B, L + n, C)."""
        n = image.shape[1]
        t = self.text_token[text] + self.text_position
        i = self.image_token[image] + self.image_row[self.rows[:n]] + self.image_column[self.columns[:n]]
        return torch.cat([t, i], dim=1)

    def loss(self, text, image):
        s = self.spec
        x = F.dropout(self.embed(text, image[:, :-1]), s.dropout, self.training)  # (B, T-1, C)
        for block in self.blocks:
            x = block(x, getattr(self, "bias_" + block.kind))
        h = self.norm(x)
        text_logits = h[:, : s.text_length - 1] @ self.text_head.t()
        image_logits = h[:, s.text_length - 1 :] @ self.image_head.t()
        text_loss = F.cross_entropy(text_logits.reshape(-1, s.text_rows), text[:, 1:].reshape(-1))
        image_loss = F.cross_entropy(image_logits.reshape(-1, s.image_vocab), image.reshape(-1))
        return text_loss / 8 + image_loss * 7 / 8, text_loss, image_loss

    def decay_groups(self, weight_decay):
        """AdamW groups as the project's: decay on the matrices, not on embeddings, norms, biases."""
        matrices = [self.text_head, self.image_head]
        for block in self.blocks:
            matrices += [block.qkv.weight, block.out.weight, block.fc.weight, block.proj.weight]
        ids = {id(p) for p in matrices}
        rest = [p for p in self.parameters() if id(p) not in ids]
        return [{"params": matrices, "weight_decay": weight_decay}, {"params": rest, "weight_decay": 0.0}]

    def load_project_weights(self, directory):
        """Copies in the weights TransformerStepBench / SampleVsPytorchBench wrote (weights.json,
        weights.bin: the project's parameter keys, float32)."""
        with open(os.path.join(directory, "weights.json")) as f:
            index = json.load(f)
        with open(os.path.join(directory, "weights.bin"), "rb") as f:
            data = torch.frombuffer(bytearray(f.read()), dtype=torch.float32)
        names = {
            "final_gain": self.norm.weight, "final_shift": self.norm.bias,
            "text_head": self.text_head, "image_head": self.image_head,
            "01embedding_text_token": self.text_token, "01embedding_text_position": self.text_position,
            "01embedding_image_token": self.image_token, "01embedding_image_row": self.image_row,
            "01embedding_image_column": self.image_column,
        }
        for i, block in enumerate(self.blocks, start=1):
            prefix = "%02dblock%03d_" % (i + 1, i)
            names.update({
                prefix + "norm1_gain": block.norm1.weight, prefix + "norm1_shift": block.norm1.bias,
                prefix + "norm2_gain": block.norm2.weight, prefix + "norm2_shift": block.norm2.bias,
                prefix + "fc_weight": block.fc.weight, prefix + "fc_bias": block.fc.bias,
                prefix + "proj_weight": block.proj.weight, prefix + "proj_bias": block.proj.bias,
                prefix + "01attention_qkv_weight": block.qkv.weight,
                prefix + "01attention_qkv_bias": block.qkv.bias,
                prefix + "01attention_out_weight": block.out.weight,
                prefix + "01attention_out_bias": block.out.bias,
            })
        if set(names) != {e["name"] for e in index}:
            raise SystemExit("weights.json names differ from the reference model's: %s" % (
                sorted(set(names) ^ {e["name"] for e in index})))
        with torch.no_grad():
            for e in index:
                target = names[e["name"]]
                size = target.numel()
                if list(target.shape) != e["shape"]:
                    raise SystemExit("%s is %s here, %s in weights.json" % (e["name"], list(target.shape), e["shape"]))
                target.copy_(data[e["offset"] : e["offset"] + size].view(target.shape))


def peak_gflops(n=2048):
    """Float32 matrix products of n x n per second, best of 5 batches of 4."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    import time

    best = 0.0
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(4):
            a @ b
        best = max(best, 4 * 2.0 * n ** 3 / (time.perf_counter() - t0) / 1e9)
    return best
