"Attention module, forward + backward: finattn's `MultiHeadAttention` against `nn.MultiheadAttention`, manual softmax maths and SDPA."
from __future__ import annotations
import torch
import torch.nn.functional as F
from torch import nn

from finattn.attention import MultiHeadAttention
from finattn.layers import saved_activation_bytes
from ._harness import Context, Row, interleaved

TARGET = '<= 1.05 x min(manual, SDPA)'
BIG_T = 1024   # from this length on, manual and nn.MultiheadAttention are timed once (they are far from the fastest there)


class PlainAttention(nn.Module):
    "A peer written the usual way: fused QKV projection, then softmax maths ('manual') or F.scaled_dot_product_attention ('sdpa')."
    def __init__(self, d_model: int, n_heads: int, how: str):
        super().__init__()
        self.h, self.how = n_heads, how
        self.qkv, self.out = nn.Linear(d_model, 3 * d_model), nn.Linear(d_model, d_model)

    def forward(self, x, mask=None, causal=False):  # x (B, T, D); mask (B, 1, 1, T) bool True = real
        B, T, D = x.shape
        q, k, v = self.qkv(x).view(B, T, 3, self.h, D // self.h).permute(2, 0, 3, 1, 4)  # 3 x (B, H, T, d)
        if self.how == 'sdpa':
            o = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=causal and mask is None)
        else:
            s = (q @ k.transpose(-2, -1)) * (q.shape[-1] ** -0.5)
            if causal: s = s.masked_fill(torch.ones(T, T, dtype=torch.bool, device=x.device).triu(1), float('-inf'))
            if mask is not None: s = s.masked_fill(~mask, float('-inf'))
            o = s.softmax(-1) @ v
        return self.out(o.transpose(1, 2).reshape(B, T, D))


def contenders(D: int, H: int, dev: str) -> dict[str, nn.Module]:
    "The four modules, same width and heads."
    return {'finattn': MultiHeadAttention(D, H, kernel='sdpa').to(dev), 'manual': PlainAttention(D, H, 'manual').to(dev),
            'sdpa': PlainAttention(D, H, 'sdpa').to(dev), 'nn.MultiheadAttention': nn.MultiheadAttention(D, H, batch_first=True).to(dev)}


def forwards(mods: dict, x, pm, causal: bool) -> dict:
    "name -> function running one forward (pm: (B, T) bool True = real, or None)."
    T, dev = x.shape[1], x.device
    m4 = None if pm is None else pm[:, None, None, :]
    cmask = torch.ones(T, T, dtype=torch.bool, device=dev).triu(1) if causal else None
    mha = mods['nn.MultiheadAttention']
    return {'finattn': lambda: mods['finattn'](x, padding_mask=pm, causal=causal).output,
            'manual': lambda: mods['manual'](x, m4, causal), 'sdpa': lambda: mods['sdpa'](x, m4, causal),
            'nn.MultiheadAttention': lambda: mha(x, x, x, key_padding_mask=None if pm is None else ~pm, attn_mask=cmask,
                                                 is_causal=causal and pm is None, need_weights=False)[0]}


def run(ctx: Context) -> list[Row]:
    B, D, H = (2, 512, 8) if ctx.quick else (8, 512, 8)
    seq = (128, 256) if ctx.quick else (128, 256, 512, 1024, 2048)
    dev, rows = ctx.device, []
    torch.manual_seed(0)
    mods = contenders(D, H, dev)
    for T in seq:
        for case in ('causal', 'padded'):
            x = torch.randn(B, T, D, device=dev, requires_grad=True)
            pm = None
            if case == 'padded':
                pm = torch.ones(B, T, dtype=torch.bool, device=dev); pm[B // 2:, 3 * T // 4:] = False   # half the batch 25 % padded
            fwd = forwards(mods, x, pm, case == 'causal')
            fns = {k: (lambda f=f: f().sum().backward()) for k, f in fwd.items()}
            main = ('finattn', 'sdpa') if T >= BIG_T else tuple(fns)
            reps = ctx.n(20 if T <= 256 else 5)   # calls of 50-120 ms: 20 rounds, so that a burst of load on this shared machine cannot decide
            t = interleaved({k: fns[k] for k in main}, reps, ctx.warmup, dev)
            if T >= BIG_T: t |= interleaved({k: f for k, f in fns.items() if k not in main}, 1, 0, dev)
            x1 = x[:1].detach().clone().requires_grad_()                             # memory per sequence (saved bytes scale with B)
            mem = {k: saved_activation_bytes(f, exclude=list(mods[k].parameters())) / 2 ** 20   # activations only, not the weights
                   for k, f in forwards(mods, x1, None if pm is None else pm[:1], case == 'causal').items()}
            best = min(('manual', 'sdpa'), key=t.get)
            ours = t['finattn']
            rows.append(Row('attention', f'B{B} H{H} d{D // H} T={T} {case}', 'ms', ours * 1e3, best, t[best] * 1e3, TARGET,
                            ours <= 1.05 * t[best],
                            ', '.join(f'{k} {t[k] * 1e3:.0f}' for k in ('manual', 'sdpa', 'nn.MultiheadAttention')) + ' ms'
                            + ('' if T < BIG_T else ' (manual, nn.MHA: one run)')))
            rows.append(Row('attention', f'saved activations per sequence, T={T} {case}', 'MiB', mem['finattn'], 'sdpa', mem['sdpa'],
                            'SDPA-level memory (<= 1.05 x)', mem['finattn'] <= 1.05 * mem['sdpa'],
                            f"manual {mem['manual']:.1f}, nn.MHA {mem['nn.MultiheadAttention']:.1f} MiB"))
    return rows
