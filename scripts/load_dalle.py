#!/usr/bin/env python3
"""Loads a dVAE or a transformer prior exported by `dalle` into plain PyTorch modules.

Every export folder (`runs/NAME/dvae/export`, `runs/NAME/transformer/export`) holds
`model.safetensors` (the weights under dotted names) and `config.json` (`model_type` and the
model's config). This file rebuilds the two models of the paper from those, top to bottom, with
nothing but PyTorch (Debian: python3-torch), and runs them:

    python3 scripts/load_dalle.py runs/quickstart/dvae/export
        prints what the export holds
    python3 scripts/load_dalle.py EXPORT --inputs IN.safetensors --outputs OUT.safetensors
        runs the forward pass on the tensors of IN and writes the results to OUT:
          dVAE   in: images (B, C, S, S) float32 in [0, 1]; optional tokens (B, G, G) int64
                 out: logits (B, K, G, G), tokens (B, G, G) (argmax of the logits), and
                      reconstruction (B, C, S, S) decoded from the given tokens (else from these)
          prior  in: text (B, L) and image (B, N) int64
                 out: text_logits (B, L-1, Vt+L), image_logits (B, N, Vi)

As a library: `load(export_dir)` returns the module, in eval mode.
"""

import argparse
import json
import math
import struct
import sys
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

# ---------------------------------------------------------------------------------------------
# safetensors, read and written here so that nothing beyond PyTorch is needed

DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool,
}


def read_safetensors(path):
    """The tensors of a safetensors file, by name, in file order."""
    data = Path(path).read_bytes()
    (header_length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_length])
    header.pop("__metadata__", None)
    start = 8 + header_length
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        raw = bytearray(data[start + begin:start + end])
        dtype = DTYPES[entry["dtype"]]
        flat = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(entry["shape"])
    return tensors


def write_safetensors(path, tensors):
    """Writes {name: tensor} (CPU, little-endian) as a safetensors file."""
    names = {dtype: name for name, dtype in DTYPES.items()}
    header, blobs, offset = {}, [], 0
    for name, tensor in tensors.items():
        blob = tensor.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": names[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for blob in blobs:
            out.write(blob)


# ---------------------------------------------------------------------------------------------
# dVAE (section 2.1 and appendix A.1 of the paper)

LOGIT_LAPLACE_EPS = 0.1


def conv(in_channels, out_channels, kernel):
    """Square kernel, "same" padding, stride 1, as the Java DvaeConv2d."""
    return nn.Conv2d(in_channels, out_channels, kernel, padding=(kernel - 1) // 2)


class BottleneckBlock(nn.Module):
    """y = id(x) + post_gain * res(x); res is four ReLU-then-convolution steps, out/4 wide inside."""

    def __init__(self, in_channels, out_channels, post_gain, kernels):
        super().__init__()
        hidden = out_channels // 4
        if in_channels != out_channels:
            self.id_path = conv(in_channels, out_channels, 1)
        else:
            self.id_path = None
        steps, width = [], in_channels
        for i, kernel in enumerate(kernels):
            following = out_channels if i == len(kernels) - 1 else hidden
            steps += [nn.ReLU(), conv(width, following, kernel)]
            width = following
        self.res_path = nn.Sequential(*steps)
        self.post_gain = post_gain

    def forward(self, x):
        identity = x if self.id_path is None else self.id_path(x)
        return identity + self.post_gain * self.res_path(x)


def dvae_blocks(module, config, widths, kernels, first_width):
    """Registers group_G_block_B children as the Java encoder and decoder name them."""
    groups, width = [], first_width
    post_gain = 1.0 / (config["groups"] * config["blocks_per_group"]) ** 2
    for g in range(config["groups"]):
        blocks = []
        for b in range(config["blocks_per_group"]):
            block = BottleneckBlock(width, widths(g), post_gain, kernels)
            setattr(module, f"group_{g + 1}_block_{b + 1}", block)
            blocks.append(block)
            width = widths(g)
        groups.append(blocks)
    return groups, width


class DvaeEncoder(nn.Module):
    """7x7 conv, groups of blocks (3,3,3,1) with 2x2 max-pooling between, ReLU, 1x1 conv to K."""

    def __init__(self, config):
        super().__init__()
        hidden = config["hidden_width"]
        self.input = conv(config["channels"], hidden, 7)
        self.groups, width = dvae_blocks(
            self, config, lambda g: hidden << g, (3, 3, 3, 1), hidden)
        self.output = conv(width, config["vocab_size"], 1)

    def forward(self, images):  # (B, C, S, S) -> (B, K, G, G)
        x = self.input(images)
        for g, blocks in enumerate(self.groups):
            for block in blocks:
                x = block(x)
            if g < len(self.groups) - 1:
                x = F.max_pool2d(x, 2)
        return self.output(F.relu(x))


class DvaeDecoder(nn.Module):
    """1x1 conv from K, groups of blocks (1,3,3,3) with nearest 2x upsampling between, ReLU,
    1x1 conv to 2C: mu for every channel, then ln b."""

    def __init__(self, config):
        super().__init__()
        groups, hidden = config["groups"], config["hidden_width"]
        width = config["decoder_input_width"]
        self.input = conv(config["vocab_size"], width, 1)
        self.groups, width = dvae_blocks(
            self, config, lambda g: hidden << (groups - 1 - g), (1, 3, 3, 3), width)
        self.output = conv(width, 2 * config["channels"], 1)

    def forward(self, codes):  # (B, K, G, G) -> (B, 2C, S, S)
        x = self.input(codes)
        for g, blocks in enumerate(self.groups):
            for block in blocks:
                x = block(x)
            if g < len(self.groups) - 1:
                x = F.interpolate(x, scale_factor=2, mode="nearest")
        return self.output(F.relu(x))


class DiscreteVae(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.encoder = DvaeEncoder(config)
        self.decoder = DvaeDecoder(config)

    def encode(self, images):
        """Image tokens: the argmax of the encoder logits, no Gumbel noise. (B, G, G)"""
        return self.encoder(images).argmax(dim=1)

    def decode(self, tokens):
        """x_hat = phi^-1(sigmoid(mu)) in [0, 1] from one-hot codes. (B, C, S, S)"""
        one_hot = F.one_hot(tokens, self.config["vocab_size"]).permute(0, 3, 1, 2).float()
        mu = self.decoder(one_hot)[:, : self.config["channels"]]
        return ((torch.sigmoid(mu) - LOGIT_LAPLACE_EPS) / (1 - 2 * LOGIT_LAPLACE_EPS)).clamp(0, 1)


# ---------------------------------------------------------------------------------------------
# Transformer prior (section 2.2 and appendix B.1 of the paper)


def layer_kind(layer, layers, attention):
    """Layer i (1-based): the last is convolutional, the others column when (i-2) mod 4 = 0."""
    if attention == "dense":
        return "causal"
    if layer == layers:
        return "convolutional"
    return "column" if (layer - 2) % 4 == 0 else "row"


def attention_mask(kind, text_length, grid, conv_kernel, n):
    """(n, n) bool, [query, key]: causal; text->text causal; image sees all text; image->image
    by kind, with d the raster distance between the two image tokens."""
    query = torch.arange(n)[:, None]
    key = torch.arange(n)[None, :]
    distance = query - key
    if kind == "causal":
        image = torch.ones(n, n, dtype=torch.bool)
    elif kind == "row":
        image = distance <= grid
    elif kind == "column":
        image = distance % grid == 0
    else:  # a causal conv_kernel x conv_kernel kernel whose horizontal reach wraps between rows
        reach = (conv_kernel - 1) // 2
        image = distance <= reach
        for rows_up in range(1, reach + 1):
            image |= (distance - rows_up * grid).abs() <= reach
    text = (query < text_length) | (key < text_length)
    return (key <= query) & (text | image)


class ResidualBlock(nn.Module):
    """Pre-LN: x += attention(LN1(x)) under the layer's mask; x += W2 GELU(W1 LN2(x) + b1) + b2."""

    def __init__(self, config, layer):
        super().__init__()
        c = config["d_model"]
        self.heads = config["heads"]
        self.kind = layer_kind(layer, config["layers"], config["attention"])
        self.norm1_gain = nn.Parameter(torch.ones(c))
        self.norm1_shift = nn.Parameter(torch.zeros(c))
        self.attention = nn.Module()
        self.attention.qkv_weight = nn.Parameter(torch.zeros(3 * c, c))
        self.attention.qkv_bias = nn.Parameter(torch.zeros(3 * c))
        self.attention.out_weight = nn.Parameter(torch.zeros(c, c))
        self.attention.out_bias = nn.Parameter(torch.zeros(c))
        self.norm2_gain = nn.Parameter(torch.ones(c))
        self.norm2_shift = nn.Parameter(torch.zeros(c))
        self.fc_weight = nn.Parameter(torch.zeros(4 * c, c))
        self.fc_bias = nn.Parameter(torch.zeros(4 * c))
        self.proj_weight = nn.Parameter(torch.zeros(c, 4 * c))
        self.proj_bias = nn.Parameter(torch.zeros(c))

    def attend(self, x, bias):  # (B, T, C), (T, T) -> (B, T, C)
        a = self.attention
        b, t, c = x.shape
        q, k, v = F.linear(x, a.qkv_weight, a.qkv_bias).split(c, dim=2)
        q, k, v = (z.reshape(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))
        scores = q @ k.transpose(2, 3) / math.sqrt(c // self.heads) + bias  # (B, H, T, T)
        y = scores.softmax(dim=-1) @ v  # (B, H, T, hd)
        return F.linear(y.transpose(1, 2).reshape(b, t, c), a.out_weight, a.out_bias)

    def forward(self, x, bias):
        c = x.shape[-1]
        x = x + self.attend(F.layer_norm(x, (c,), self.norm1_gain, self.norm1_shift, 1e-5), bias)
        h = F.layer_norm(x, (c,), self.norm2_gain, self.norm2_shift, 1e-5)
        return x + F.linear(F.gelu(F.linear(h, self.fc_weight, self.fc_bias)),
                            self.proj_weight, self.proj_bias)


class TransformerPrior(nn.Module):
    """p(text, image) over [text ‖ image]; logits of text tokens 1..L-1 and image tokens 0..N-1."""

    def __init__(self, config):
        super().__init__()
        self.config = config
        c, length, grid = config["d_model"], config["text_length"], config["grid_size"]
        text_rows = config["text_vocab_size"] + length  # BPE ids, then a padding id per position
        self.embedding = nn.Module()
        self.embedding.text_token = nn.Parameter(torch.zeros(text_rows, c))
        self.embedding.text_position = nn.Parameter(torch.zeros(length, c))
        self.embedding.image_token = nn.Parameter(torch.zeros(config["image_vocab_size"], c))
        self.embedding.image_row = nn.Parameter(torch.zeros(grid, c))
        self.embedding.image_column = nn.Parameter(torch.zeros(grid, c))
        self.blocks = []
        for layer in range(1, config["layers"] + 1):
            block = ResidualBlock(config, layer)
            setattr(self, f"block{layer:03d}", block)
            self.blocks.append(block)
        self.final_gain = nn.Parameter(torch.ones(c))
        self.final_shift = nn.Parameter(torch.zeros(c))
        self.text_head = nn.Parameter(torch.zeros(text_rows, c))
        self.image_head = nn.Parameter(torch.zeros(config["image_vocab_size"], c))

    def embed(self, tokens):  # (B, T-1): text ids, then image codes -> (B, T-1, C)
        e, length, grid = self.embedding, self.config["text_length"], self.config["grid_size"]
        text = e.text_token[tokens[:, :length]] + e.text_position
        raster = torch.arange(tokens.shape[1] - length)
        image = (e.image_token[tokens[:, length:]]
                 + e.image_row[raster // grid] + e.image_column[raster % grid])
        return torch.cat([text, image], dim=1)

    def forward(self, text, image):  # (B, L), (B, N) -> (B, L-1, Vt+L), (B, N, Vi)
        cfg = self.config
        tokens = torch.cat([text, image[:, :-1]], dim=1)  # the last image token is only a target
        t = tokens.shape[1]
        x = self.embed(tokens)
        biases = {}
        for block in self.blocks:
            if block.kind not in biases:
                allowed = attention_mask(
                    block.kind, cfg["text_length"], cfg["grid_size"], cfg["conv_kernel"], t)
                biases[block.kind] = torch.zeros(t, t).masked_fill(~allowed, float("-inf"))
            x = block(x, biases[block.kind])
        h = F.layer_norm(x, (x.shape[-1],), self.final_gain, self.final_shift, 1e-5)
        length = cfg["text_length"]
        return h[:, : length - 1] @ self.text_head.T, h[:, length - 1:] @ self.image_head.T


# ---------------------------------------------------------------------------------------------

MODELS = {"dvae": DiscreteVae, "transformer_prior": TransformerPrior}


def load(export_dir):
    """The model of an export folder, its weights loaded by name (strict), in eval mode."""
    export_dir = Path(export_dir)
    description = json.loads((export_dir / "config.json").read_text())
    kind = description["model_type"]
    if kind not in MODELS:
        sys.exit(f"{export_dir}: model_type '{kind}'; this script loads {sorted(MODELS)}")
    model = MODELS[kind](description["config"])
    weights = read_safetensors(export_dir / "model.safetensors")
    model.load_state_dict(weights, strict=True)
    return model.eval()


@torch.no_grad()
def run(model, inputs):
    if isinstance(model, DiscreteVae):
        logits = model.encoder(inputs["images"])
        tokens = logits.argmax(dim=1)
        given = inputs.get("tokens", tokens).long()
        return {"logits": logits, "tokens": tokens, "reconstruction": model.decode(given)}
    text_logits, image_logits = model(inputs["text"].long(), inputs["image"].long())
    return {"text_logits": text_logits, "image_logits": image_logits}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export", help="an export folder holding model.safetensors and config.json")
    parser.add_argument("--inputs", help="safetensors file of the forward pass's inputs")
    parser.add_argument("--outputs", help="where to write the outputs (with --inputs)")
    args = parser.parse_args()
    model = load(args.export)
    count = sum(p.numel() for p in model.parameters())
    print(f"{args.export}: {type(model).__name__}, {count:,} parameters, config {model.config}")
    if args.inputs:
        if not args.outputs:
            parser.error("--inputs needs --outputs")
        outputs = run(model, read_safetensors(args.inputs))
        write_safetensors(args.outputs, outputs)
        print(f"wrote {', '.join(f'{k} {tuple(v.shape)}' for k, v in outputs.items())} to "
              f"{args.outputs}")


if __name__ == "__main__":
    main()
