"Long sequences: the local, Performer and Linformer kernels against SDPA, forward + backward, time, saved memory and error."
from __future__ import annotations
import torch
import torch.nn.functional as F

from finattn.attention import linformer_attention, local_attention, performer_attention, performer_features
from finattn.layers import saved_activation_bytes
from ._harness import Context, Row, interleaved

BH, D_HEAD = 4, 64            # B * H fixed (B 1, H 4), head size 64
WINDOW, FEATURES, PROJ = 256, 256, 256
TARGET_T = 8192               # the bound: >= 3x faster than SDPA here, memory linear in T


def kernels(T: int, causal: bool) -> dict:
    "name -> kernel(q, k, v) -> output, at sequence length T."
    g = torch.Generator().manual_seed(0)
    omega = performer_features(FEATURES, D_HEAD, g)
    proj = torch.randn(PROJ, T, generator=g) * PROJ ** -0.5, torch.randn(PROJ, T, generator=g) * PROJ ** -0.5
    ks = {'sdpa': lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=causal),
          f'local (w {WINDOW})': lambda q, k, v: local_attention(q, k, v, is_causal=causal, window=WINDOW)[0],
          f'performer (m {FEATURES})': lambda q, k, v: performer_attention(q, k, v, is_causal=causal, features=omega)[0]}
    if not causal: ks[f'linformer (k {PROJ})'] = lambda q, k, v: linformer_attention(q, k, v, projections=proj)[0]
    return ks


def run(ctx: Context) -> list[Row]:
    seq = (512, 1024, 2048) if ctx.quick else (256, 512, 1024, 2048, 4096, 8192, 16384)
    dev, rows, times, mems = ctx.device, [], {}, {}
    for causal in (True, False):
        case = 'causal' if causal else 'two-sided'
        for T in seq:
            torch.manual_seed(T)
            q, k, v = (torch.randn(1, BH, T, D_HEAD, device=dev, requires_grad=True) for _ in range(3))
            ks = kernels(T, causal)
            fns = {n: (lambda f=f: f(q, k, v).sum().backward()) for n, f in ks.items()}
            reps = ctx.n(3 if T >= 4096 else 5)
            t = interleaved(fns, reps, ctx.warmup, dev)
            with torch.no_grad():
                exact = ks['sdpa'](q, k, v)
                err = {n: float((f(q, k, v) - exact).norm() / exact.norm()) for n, f in ks.items()}
            mem = {n: saved_activation_bytes(lambda f=f: f(q, k, v).sum(), exclude=[q, k, v]) / 2 ** 20 for n, f in ks.items()}
            for n in ks:
                times[case, n, T], mems[case, n, T] = t[n], mem[n]
                if n == 'sdpa': continue
                at_target = T == TARGET_T
                rows.append(Row('attention_long', f'{n} {case} T={T} (B*H {BH}, d_head {D_HEAD})', 'ms', t[n] * 1e3, 'sdpa',
                                t['sdpa'] * 1e3, '>= 3x faster than SDPA at T=8192' if at_target else '',
                                (t['sdpa'] / t[n] >= 3) if at_target else None,
                                f"{t['sdpa'] / t[n]:.2f}x SDPA's speed; saved {mem[n]:.1f} MiB vs SDPA {mem['sdpa']:.1f}; "
                                f"relative error to full attention {err[n]:.3f}"))
        for n in kernels(seq[0], causal):
            if n == 'sdpa': continue
            faster = [T for T in seq if times[case, n, T] < times[case, 'sdpa', T]]
            cross = next((T for T in seq if all(s in faster for s in seq if s >= T)), None)
            # from T = 1024 on: below it the Performer's causal chunk (1024 queries) is the whole sequence, so it grows faster
            lo = next((T for T in seq if T >= 1024), seq[0])
            growth = mems[case, n, seq[-1]] / mems[case, n, lo]
            sdpa_growth = mems[case, 'sdpa', seq[-1]] / mems[case, 'sdpa', lo]
            rows.append(Row('attention_long', f'{n} {case}: saved memory at T={seq[-1]}', 'MiB', mems[case, n, seq[-1]], 'sdpa',
                            mems[case, 'sdpa', seq[-1]], f'linear in T: x{seq[-1] // lo} from T={lo} (<= 1.1 x that)',
                            growth <= 1.1 * seq[-1] / lo,
                            f"x{growth:.1f} from T={lo} (SDPA x{sdpa_growth:.1f}); "
                            + (f"faster than SDPA from T={cross} on" if cross else 'not faster than SDPA at any tested T')))
    return rows
