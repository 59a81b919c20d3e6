#!/usr/bin/python3
"""Golden fixtures for ringclip's CLIP / SigLIP model (models/src/test/resources/fixtures).

Builds a reduced open_clip-structured model in plain PyTorch (open_clip itself is not needed):
  VisionTransformer: conv1 (no bias) -> class_embedding -> + positional_embedding -> ln_pre
                     -> resblocks -> ln_post(class token) @ proj
  TextTransformer:   token_embedding + positional_embedding -> resblocks (causal mask)
                     -> ln_final -> pooled at argmax(token id) @ text_projection
  ResidualAttentionBlock: x + attn(ln_1(x)) with nn.MultiheadAttention (in_proj_weight, out_proj),
                          x + mlp(ln_2(x)) with c_fc, exact GELU, c_proj
so state_dict names are open_clip's. Features are L2-normalised; losses:
  clip:   0.5 (CE(s I T^T, diag) + CE(s T I^T, diag)),  s = exp(logit_scale).clamp(max=100)
  siglip: -sum(logsigmoid(z * (exp(logit_scale) I T^T + logit_bias))) / B

For each case it writes <case>.idx (text: one line per tensor "name offset count dims...") and
<case>.bin (little-endian float32, concatenated). Tensors: every parameter ("param/<name>"), the inputs
("input/images" [B,C,H,W], "input/tokens" [B,T] as float), the outputs ("out/image_features",
"out/text_features", "out/loss") and every gradient ("grad/<name>"). The first idx line is
"config <json>".

Run: python3 models/src/test/python/make_golden_fixtures.py   (torch 1.13, CPU, deterministic)
"""
import json
import math
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = dict(imageSize=8, channels=3, patchSize=4, visionWidth=32, visionLayers=2, visionHeads=2, mlpRatio=4,
           vocabSize=50, contextLength=8, textWidth=32, textLayers=2, textHeads=2, embedDim=16)
BATCH = 4
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures")


class ResidualAttentionBlock(nn.Module):
    def __init__(self, width, heads, mlp_ratio):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.attn = nn.MultiheadAttention(width, heads, batch_first=True)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential()
        self.mlp.add_module("c_fc", nn.Linear(width, width * mlp_ratio))
        self.mlp.add_module("gelu", nn.GELU())
        self.mlp.add_module("c_proj", nn.Linear(width * mlp_ratio, width))

    def forward(self, x, attn_mask=None):
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False, attn_mask=attn_mask)[0]
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width, layers, heads, mlp_ratio):
        super().__init__()
        self.resblocks = nn.ModuleList([ResidualAttentionBlock(width, heads, mlp_ratio) for _ in range(layers)])

    def forward(self, x, attn_mask=None):
        for r in self.resblocks:
            x = r(x, attn_mask)
        return x


class VisionTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        w, p = c["visionWidth"], c["patchSize"]
        grid = c["imageSize"] // p
        self.conv1 = nn.Conv2d(c["channels"], w, kernel_size=p, stride=p, bias=False)
        self.class_embedding = nn.Parameter(torch.randn(w) * w ** -0.5)
        self.positional_embedding = nn.Parameter(torch.randn(grid * grid + 1, w) * w ** -0.5)
        self.ln_pre = nn.LayerNorm(w)
        self.transformer = Transformer(w, c["visionLayers"], c["visionHeads"], c["mlpRatio"])
        self.ln_post = nn.LayerNorm(w)
        self.proj = nn.Parameter(torch.randn(w, c["embedDim"]) * w ** -0.5)

    def forward(self, x):
        x = self.conv1(x)                                  # [B, W, g, g]
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)
        cls = self.class_embedding.expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.ln_pre(x)
        x = self.transformer(x)
        x = self.ln_post(x)
        return x[:, 0] @ self.proj


class Clip(nn.Module):
    def __init__(self, c, loss):
        super().__init__()
        self.visual = VisionTransformer(c)
        w, t = c["textWidth"], c["contextLength"]
        self.token_embedding = nn.Embedding(c["vocabSize"], w)
        self.positional_embedding = nn.Parameter(torch.randn(t, w) * 0.01)
        self.transformer = Transformer(w, c["textLayers"], c["textHeads"], c["mlpRatio"])
        self.ln_final = nn.LayerNorm(w)
        self.text_projection = nn.Parameter(torch.randn(w, c["embedDim"]) * w ** -0.5)
        self.register_buffer("attn_mask", torch.full((t, t), float("-inf")).triu(1), persistent=False)
        if loss == "clip":
            self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
        else:
            self.logit_scale = nn.Parameter(torch.tensor(math.log(10.0)))
            self.logit_bias = nn.Parameter(torch.tensor(-10.0))

    def encode_text(self, text):
        x = self.token_embedding(text) + self.positional_embedding
        x = self.transformer(x, self.attn_mask)
        x = self.ln_final(x)
        return x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ self.text_projection


def perturb(model, gen):
    """Non-trivial values for LN gains/biases and linear biases, so their gradients are exercised."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or ".ln_" in name and name.endswith("weight") \
                    or name.startswith("ln_final.weight"):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=gen))
            elif name.endswith("bias") and p.ndim == 1:
                p.copy_(0.05 * torch.randn(p.shape, generator=gen))


def make_inputs(c, gen):
    images = torch.randn(BATCH, c["channels"], c["imageSize"], c["imageSize"], generator=gen)
    v, t = c["vocabSize"], c["contextLength"]
    tokens = torch.zeros(BATCH, t, dtype=torch.long)
    for b in range(BATCH):
        length = 3 + b % (t - 2)                 # eot at positions 2 .. t-1, zero padding after
        tokens[b, 0] = v - 2                     # sot
        tokens[b, 1:length - 1] = torch.randint(1, v - 2, (length - 2,), generator=gen)
        tokens[b, length - 1] = v - 1            # eot: the highest id
    return images, tokens


def write_case(name, tensors):
    offset = 0
    lines = ["config " + json.dumps(CFG, separators=(",", ":"))]
    with open(os.path.join(OUT, name + ".bin"), "wb") as f:
        for key, t in tensors:
            data = t.detach().to(torch.float32).contiguous().reshape(-1).tolist()
            f.write(struct.pack("<%df" % len(data), *data))
            lines.append(" ".join([key, str(offset), str(len(data))] + [str(d) for d in t.shape]))
            offset += len(data)
    with open(os.path.join(OUT, name + ".idx"), "w") as f:
        f.write("\n".join(lines) + "\n")


def run(loss_kind, seed):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = Clip(CFG, loss_kind).double()
    perturb(model, gen)
    images, tokens = make_inputs(CFG, gen)
    # round parameters and inputs to fp32 first, then compute in float64 as the reference
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.float().double())
    img = F.normalize(model.visual(images.double()), dim=-1)
    txt = F.normalize(model.encode_text(tokens), dim=-1)
    img.retain_grad()
    txt.retain_grad()
    n = img.shape[0]
    if loss_kind == "clip":
        logits = model.logit_scale.exp().clamp(max=100) * img @ txt.t()
        labels = torch.arange(n)
        loss = 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels))
    else:
        logits = model.logit_scale.exp() * img @ txt.t() + model.logit_bias
        z = 2 * torch.eye(n, dtype=logits.dtype) - 1
        loss = -F.logsigmoid(z * logits).sum() / n
    loss.backward()
    tensors = [("param/" + k, p) for k, p in model.named_parameters()]
    tensors += [("input/images", images), ("input/tokens", tokens.float()),
                ("out/image_features", img), ("out/text_features", txt), ("out/loss", loss),
                ("out/d_image_features", img.grad), ("out/d_text_features", txt.grad)]
    tensors += [("grad/" + k, p.grad) for k, p in model.named_parameters()]
    write_case(loss_kind + "_golden", tensors)
    print(loss_kind, "loss", float(loss), "params", sum(p.numel() for p in model.parameters()))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    run("clip", 1234)
    run("siglip", 4321)
