"The LOB GPT's decoder as a character-level language model against a plain PyTorch GPT of the same size, data and budget."
from __future__ import annotations
import math

import torch
import torch.nn.functional as F
from torch import nn

from finattn.models.lob_gpt import LOBGPTConfig, LOBTransformer
from finattn.train import param_groups
from ._harness import Context, Row


def corpus() -> str:
    "Python's own help topics (`pydoc_data.topics`, ~465k characters of English prose and code): a text every Python ships."
    from pydoc_data.topics import topics
    return ''.join(topics[k] for k in sorted(topics))


class PlainGPT(nn.Module):
    "nanoGPT's shape from PyTorch parts: token + position embeddings, pre-norm `nn.TransformerEncoder` with a causal mask, final norm, linear head."
    def __init__(self, V: int, T: int, d: int, L: int, H: int):
        super().__init__()
        self.tok, self.pos = nn.Embedding(V, d), nn.Embedding(T, d)
        layer = nn.TransformerEncoderLayer(d, H, 4 * d, 0.0, activation='gelu', batch_first=True, norm_first=True)
        self.enc = nn.TransformerEncoder(layer, L, enable_nested_tensor=False)
        self.norm, self.head = nn.LayerNorm(d), nn.Linear(d, V, bias=False)
        self.register_buffer('mask', nn.Transformer.generate_square_subsequent_mask(T))

    def forward(self, x):  # (B, T) -> (B, T, V)
        T = x.shape[1]
        h = self.tok(x) + self.pos(torch.arange(T, device=x.device))
        return self.head(self.norm(self.enc(h, mask=self.mask[:T, :T], is_causal=True)))


def train_eval(make, data: torch.Tensor, V: int, steps: int, seed: int, T: int = 64, B: int = 12, device: str = 'cpu') -> float:
    "nanoGPT's small CPU recipe (AdamW 1e-3, betas (0.9, 0.99), 100 warm-up steps, cosine to 1e-4, clip 1): validation loss (nats/char)."
    n = int(0.9 * len(data))
    train, val = data[:n], data[n:]
    torch.manual_seed(seed)
    model = make().to(device)
    opt = torch.optim.AdamW(param_groups(model, 0.1), lr=1e-3, betas=(0.9, 0.99))
    warm = min(100, steps // 10)
    lr = lambda i: 1e-3 * (i + 1) / warm if i < warm else 1e-4 + 0.45e-3 * (1 + math.cos(math.pi * (i - warm) / max(steps - warm, 1)))
    def batch(src, g):
        ix = torch.randint(len(src) - T - 1, (B,), generator=g)
        return (torch.stack([src[i:i + T] for i in ix]).to(device), torch.stack([src[i + 1:i + T + 1] for i in ix]).to(device))
    logits = lambda x: model(x).logits if isinstance(model, LOBTransformer) else model(x)
    g = torch.Generator().manual_seed(seed)
    model.train()
    for i in range(steps):
        for group in opt.param_groups: group['lr'] = lr(i)
        x, y = batch(train, g)
        loss = F.cross_entropy(logits(x).reshape(-1, V), y.reshape(-1))
        opt.zero_grad(); loss.backward(); nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step()
    model.eval(); g = torch.Generator().manual_seed(1234)
    with torch.no_grad():
        losses = [F.cross_entropy(logits(x).reshape(-1, V), y.reshape(-1)).item() for x, y in (batch(val, g) for _ in range(200))]
    return sum(losses) / len(losses)


def run(ctx: Context) -> list[Row]:
    text = corpus()
    chars = sorted(set(text)); index = {c: i for i, c in enumerate(chars)}
    data, V = torch.tensor([index[c] for c in text]), len(chars)
    T, d, L, H = 64, 128, 4, 4
    steps = 200 if ctx.quick else 2000
    ours = lambda: LOBTransformer(LOBGPTConfig.tiny(vocab_size=V, max_len=T, d_model=d, n_layers=L, n_heads=H))
    old = lambda: LOBTransformer(LOBGPTConfig(vocab_size=V, max_len=T, d_model=d, n_layers=L, n_heads=H, dropout=0.0, init_std=0.02))
    plain = lambda: PlainGPT(V, T, d, L, H)
    seeds = (0,) if ctx.quick else (0, 1)
    loss = {name: [train_eval(f, data, V, steps, s, T, device=ctx.device) for s in seeds] for name, f in
            (('ours', ours), ('plain', plain), ('old', old))}
    mean = {k: sum(v) / len(v) for k, v in loss.items()}
    case = f'char LM on pydoc topics, {L} x {d}, {H} heads, block {T}, batch 12, {steps} steps, seeds {list(seeds)}'
    return [Row('charlm', case, 'nats', mean['ours'], 'nn.TransformerEncoder GPT', mean['plain'],
                '<= plain validation loss', mean['ours'] <= mean['plain'],
                f"per seed: ours {[round(x, 4) for x in loss['ours']]}, plain {[round(x, 4) for x in loss['plain']]}; "
                f"with the embedding norm and 0.02 init (before): {[round(x, 4) for x in loss['old']]}")]
