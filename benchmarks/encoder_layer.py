"One encoder layer: finattn's `TransformerLayer` against `nn.TransformerEncoderLayer` with the same architecture (pre-norm, GELU MLP)."
from __future__ import annotations
import torch
from torch import nn

from finattn.layers import TransformerLayer
from ._harness import Context, Row, interleaved


def run(ctx: Context) -> list[Row]:
    d, H, T, B = (64, 4, 32, 4) if ctx.quick else (256, 8, 256, 16)
    dev, rows = ctx.device, []
    torch.manual_seed(0)
    ours = TransformerLayer(d, H, d_ff=4 * d, dropout=0.0, ffn='mlp', activation='gelu', norm_eps=1e-5).to(dev)
    ref = nn.TransformerEncoderLayer(d, H, 4 * d, dropout=0.0, activation='gelu', batch_first=True, norm_first=True).to(dev)
    x = torch.randn(B, T, d, device=dev, requires_grad=True)
    reps = ctx.n(20)   # a layer takes 50-200 ms: 20 rounds cost seconds, and a burst of load on this shared machine cannot decide
    t = interleaved({'finattn': lambda: ours(x).output.sum().backward(), 'torch': lambda: ref(x).sum().backward()},
                    reps, ctx.warmup, dev)
    rows.append(Row('encoder_layer', f'fwd+bwd d{d} H{H} T{T} B{B}', 'ms', t['finattn'] * 1e3, 'nn.TransformerEncoderLayer',
                    t['torch'] * 1e3, '<= 1.0 x time', t['finattn'] <= t['torch']))
    ours.eval(); ref.eval()
    xe = x.detach()
    with torch.inference_mode():
        t = interleaved({'finattn': lambda: ours(xe), 'torch': lambda: ref(xe)}, reps, ctx.warmup, dev)
    rows.append(Row('encoder_layer', f'inference d{d} H{H} T{T} B{B}', 'ms', t['finattn'] * 1e3, 'nn.TransformerEncoderLayer',
                    t['torch'] * 1e3, '<= 1.0 x time', t['finattn'] <= t['torch'], 'torch uses its fused fast path here'))
    return rows
