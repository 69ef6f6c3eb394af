"Technical features on 1M bars: finattn's `intraday_features` (and its TA-Lib subset) against TA-Lib (C) and `ta` (pandas)."
from __future__ import annotations
import numpy as np
import pandas as pd

from finattn.features import atr, bbands, intraday_features, macd, rsi, seeded_ema
from ._harness import Context, Row, interleaved


def synthetic_bars(n: int, seed: int = 0) -> pd.DataFrame:
    "n one-minute OHLCV bars of a random walk, with some zero-volume bars and unchanged closes."
    g = np.random.default_rng(seed)
    c = 100 * np.exp(np.cumsum(np.round(g.normal(0, 5e-4, n), 4)))
    o = np.concatenate([[c[0]], c[:-1]])
    h = np.maximum(o, c) * np.exp(np.abs(g.normal(0, 3e-4, n)))
    l = np.minimum(o, c) * np.exp(-np.abs(g.normal(0, 3e-4, n)))
    v = np.where(g.random(n) < 0.05, 0.0, g.lognormal(3, 1, n))
    idx = pd.date_range('2024-01-01', periods=n, freq='1min')
    return pd.DataFrame({'open': o, 'high': h, 'low': l, 'close': c, 'volume': v}, index=idx)


def run(ctx: Context) -> list[Row]:
    import talib, ta
    n = 20_000 if ctx.quick else 1_000_000
    bars = synthetic_bars(n)
    c, h, l = (bars[k].to_numpy() for k in ('close', 'high', 'low'))
    cs, hs, ls = (bars[k] for k in ('close', 'high', 'low'))
    subset = {
        'finattn': lambda: (rsi(c), macd(c), atr(h, l, c), bbands(c), seeded_ema(c, 12), seeded_ema(c, 26)),
        'talib': lambda: (talib.RSI(c, 14), talib.MACD(c, 12, 26, 9), talib.ATR(h, l, c, 14), talib.BBANDS(c, 20, 2., 2., 0),
                          talib.EMA(c, 12), talib.EMA(c, 26)),
        'ta': lambda: (ta.momentum.RSIIndicator(cs, 14).rsi(), ta.trend.MACD(cs, 26, 12, 9).macd_signal(),
                       ta.volatility.AverageTrueRange(hs, ls, cs, 14).average_true_range(),
                       ta.volatility.BollingerBands(cs, 20, 2).bollinger_hband(),
                       ta.trend.EMAIndicator(cs, 12).ema_indicator(), ta.trend.EMAIndicator(cs, 26).ema_indicator()),
    }
    t = interleaved(subset, ctx.n(5), ctx.warmup, ctx.device)
    ours, ref = subset['finattn'](), subset['talib']()
    flat = lambda r: [r[0], *r[1][:2], r[2], *r[3], r[4], r[5]]
    diffs = []
    for a, b in zip(flat(ours), flat(ref)):
        ok = ~np.isnan(b)
        diffs.append(np.abs(a[ok] - b[ok]).max() / np.abs(b[ok]).max())
    equal = max(diffs) < 1e-9
    t_all = interleaved({'all': lambda: intraday_features(bars)}, ctx.n(5), ctx.warmup, ctx.device)['all']
    return [Row('features', f'TA-Lib subset (RSI, MACD, ATR, BBANDS, 2 EMA), {n:,} bars', 'ms', t['finattn'] * 1e3, 'TA-Lib',
                t['talib'] * 1e3, 'within 2 x TA-Lib, equal values', equal and t['finattn'] <= 2 * t['talib'],
                f'max rel diff to TA-Lib {max(diffs):.1e}'),
            Row('features', f'TA-Lib subset, {n:,} bars', 'ms', t['finattn'] * 1e3, 'ta', t['ta'] * 1e3, '>= 10 x ta',
                t['ta'] >= 10 * t['finattn']),
            Row('features', f'all 25 intraday features, {n:,} bars', 'ms', t_all * 1e3,
                note='no peer computes all 25 (VWAP, relative volume, Corwin-Schultz ... are not in TA-Lib)')]
