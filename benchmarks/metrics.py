"Per-date rank IC and its summary: finattn's `spearman_ic` + `ic_summary` against pandas groupby + scipy."
from __future__ import annotations
import math, warnings

import numpy as np
import pandas as pd
import torch

from finattn.metrics import ic_summary, spearman_ic
from ._harness import Context, Row, interleaved


def panel(D: int, A: int, seed: int = 0):
    "Predictions, targets and a mask (about 10 % missing) of D dates x A assets."
    g = torch.Generator().manual_seed(seed)
    pred = torch.randn(D, A, generator=g, dtype=torch.float64)
    target = 0.1 * pred + torch.randn(D, A, generator=g, dtype=torch.float64)
    mask = torch.rand(D, A, generator=g) > 0.1
    return pred, target, mask


def scipy_ic(pred, target, mask) -> tuple[np.ndarray, dict]:
    "The usual way: a long frame, groupby date, scipy.stats.spearmanr per group, then mean / std / ICIR."
    from scipy.stats import spearmanr
    d, a = mask.nonzero(as_tuple=True)
    df = pd.DataFrame({'date': d.numpy(), 'pred': pred[mask].numpy(), 'y': target[mask].numpy()})
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        ic = df.groupby('date').apply(lambda g: spearmanr(g['pred'], g['y'])[0], include_groups=False)
    mean, std = ic.mean(), ic.std(ddof=1)
    return ic.to_numpy(), {'mean': mean, 'std': std, 'icir': mean / std, 't_stat': mean / std * math.sqrt(ic.count())}


def run(ctx: Context) -> list[Row]:
    D, A = (200, 100) if ctx.quick else (2000, 100)
    pred, target, mask = panel(D, A)
    ours = lambda: (lambda ic: (ic, ic_summary(ic)))(spearman_ic(pred, target, mask))
    peer = lambda: scipy_ic(pred, target, mask)
    t = interleaved({'finattn': ours, 'peer': peer}, ctx.n(5), ctx.warmup, ctx.device)
    (ic, s), (ic_ref, s_ref) = ours(), peer()
    err = max(float(np.abs(ic.numpy() - ic_ref).max()), *(abs(s[k] - s_ref[k]) for k in s_ref))
    equal = err < 1e-12
    return [Row('metrics', f'spearman IC + summary, {D:,} dates x {A} assets', 'ms', t['finattn'] * 1e3, 'pandas groupby + scipy',
                t['peer'] * 1e3, '>= 20 x faster, equal values', equal and t['peer'] >= 20 * t['finattn'],
                f'max |diff| {err:.1e}')]
