#!/usr/bin/env python3
"""Writes tiny_clip.pt, tiny_clip_tokenizer.json and not_clip.pt for TorchScriptClipScorerTest.

tiny_clip.pt has the interface of OpenAI CLIP's TorchScript export: methods encode_image(image)
and encode_text(text) beside forward, and a logit_scale parameter holding log(s). Its weights are
simple enough for the test to compute the expected scores by hand:

    encode_image(x) = W · mean over pixels of x + b           (N, 3, S, S) -> (N, 3)
    encode_text(t)  = sum of token_embedding[t_i] for t_i != 0 (N, L) int64 -> (N, 3)
    logit_scale     = log(10)

tiny_clip_tokenizer.json is a HuggingFace tokenizer (a word-level vocabulary, lowercasing) whose
post-processor wraps every caption in <|startoftext|> ... <|endoftext|> as CLIP's tokenizer does.
Id 0 is the padding token.

not_clip.pt is a module with forward only, which the scorer must reject by name.

    /usr/bin/python3 make_tiny_clip.py   # Debian: apt-get install python3-torch
"""
import json
import math
import os

import torch

VOCAB = ["<pad>", "<unk>", "a", "red", "green", "blue", "square", "dot",
         "<|startoftext|>", "<|endoftext|>"]
TOKEN_EMBEDDING = [
    [0.0, 0.0, 0.0],   # <pad>
    [0.1, 0.1, 0.1],   # <unk>
    [0.0, 0.0, 0.2],   # a
    [1.0, 0.0, 0.0],   # red
    [0.0, 1.0, 0.0],   # green
    [0.0, 0.0, 1.0],   # blue
    [0.3, 0.3, 0.0],   # square
    [0.0, 0.3, 0.3],   # dot
    [0.1, 0.0, 0.0],   # <|startoftext|>
    [0.0, 0.1, 0.0],   # <|endoftext|>
]
IMAGE_WEIGHT = [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 2.0]]
IMAGE_BIAS = [0.5, 0.5, 0.5]
LOGIT_SCALE = math.log(10.0)


class TinyClip(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.token_embedding = torch.nn.Embedding(len(VOCAB), 3)
        self.visual = torch.nn.Linear(3, 3)
        self.logit_scale = torch.nn.Parameter(torch.tensor(LOGIT_SCALE))
        with torch.no_grad():
            self.token_embedding.weight.copy_(torch.tensor(TOKEN_EMBEDDING))
            self.visual.weight.copy_(torch.tensor(IMAGE_WEIGHT))
            self.visual.bias.copy_(torch.tensor(IMAGE_BIAS))

    @torch.jit.export
    def encode_image(self, image):
        return self.visual(image.mean(dim=(2, 3)))

    @torch.jit.export
    def encode_text(self, text):
        mask = (text != 0).unsqueeze(-1).to(torch.float32)
        return (self.token_embedding(text) * mask).sum(dim=1)

    def forward(self, image, text):
        return self.encode_image(image), self.encode_text(text)


class NotClip(torch.nn.Module):
    def forward(self, image):
        return image.mean(dim=(2, 3))


def tokenizer():
    ids = {token: i for i, token in enumerate(VOCAB)}
    special = ["<pad>", "<unk>", "<|startoftext|>", "<|endoftext|>"]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": ids[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for t in special
        ],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [
                {"SpecialToken": {"id": "<|startoftext|>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}},
            ],
            "pair": [
                {"SpecialToken": {"id": "<|startoftext|>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"Sequence": {"id": "B", "type_id": 0}},
                {"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}},
            ],
            "special_tokens": {
                t: {"id": t, "ids": [ids[t]], "tokens": [t]}
                for t in ["<|startoftext|>", "<|endoftext|>"]
            },
        },
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": ids, "unk_token": "<unk>"},
    }


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    torch.jit.script(TinyClip().eval()).save(os.path.join(here, "tiny_clip.pt"))
    torch.jit.script(NotClip().eval()).save(os.path.join(here, "not_clip.pt"))
    with open(os.path.join(here, "tiny_clip_tokenizer.json"), "w") as out:
        json.dump(tokenizer(), out, indent=1)
    print("wrote tiny_clip.pt, not_clip.pt and tiny_clip_tokenizer.json in", here)
