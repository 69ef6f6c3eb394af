"LOB events: `LOBTokenizer.encode` (relative events + tokens) on one LOBSTER day at level 10, and sampling under `BookConstraint` against unconstrained sampling."
from __future__ import annotations
from pathlib import Path

import numpy as np
import torch

from finattn.lob import BookConstraint, LOBTokenizer, simulate_lobster
from finattn.models.lob_gpt import LOBGPTConfig, LOBTransformer, generate
from ._harness import Context, Row, interleaved

SAMPLE = 'lobster/LOBSTER_SampleFile_GOOG_2012-06-21_10.zip'


def _day(quick: bool):
    "The LOBSTER GOOG sample day (level 10) when the shared data holds it, else a simulated day."
    from finattn.data import load_lobster, shared_data_dir
    root = shared_data_dir() or shared_data_dir(Path(__file__).resolve().parent)
    if root is not None and (root / SAMPLE).exists():
        day = load_lobster(root / SAMPLE)
        return day.messages, day.orderbook, 'LOBSTER GOOG 2012-06-21 level 10'
    day = simulate_lobster(n_events=20_000 if quick else 150_000, levels=10, seed=0)
    return day.messages, day.orderbook, 'simulated day, level 10'


def run(ctx: Context) -> list[Row]:
    msgs, book, what = _day(ctx.quick)
    if ctx.quick: msgs, book = msgs.iloc[:20_000], book.iloc[:20_000]
    tok = LOBTokenizer().fit(msgs, book)
    t = interleaved({'finattn': lambda: tok.encode(msgs, book)}, ctx.n(5), ctx.warmup, ctx.device)['finattn']
    n = len(msgs)
    rows = [Row('lob_tokenise', f'{what}, {n:,} events', 'events/s', n / t, target='>= 1M events/s', met=n / t >= 1e6,
                note=f'{t * 1e3:.0f} ms')]
    return rows + _constrained(ctx, tok, msgs, book, what)


def _constrained(ctx: Context, tok: LOBTokenizer, msgs, book, what: str) -> list[Row]:
    "Sampling after 16-event prompts with the CLI's default model (tiny, 2 x 32), with and without the book's constraints."
    ids = torch.from_numpy(tok.encode(msgs, book)).view(-1, 5)
    torch.manual_seed(0)
    model = LOBTransformer(LOBGPTConfig.tiny(vocab_size=tok.vocab_size, max_len=120)).to(ctx.device).eval()
    g = lambda: torch.Generator(device=ctx.device).manual_seed(0)
    rows = []
    for B, H, use in ((32 if ctx.quick else 256, 8, 'the evaluation: many prompts, 8 events each'),
                      (1, 8, 'a served request: one prompt')):
        P = 16
        ks = np.linspace(P, len(ids) - H, B).round().astype(int)
        prompts = torch.stack([ids[k - P:k].reshape(-1) for k in ks]).to(ctx.device)
        books = book.iloc[ks - 1]
        t = interleaved({'constrained': lambda: generate(model, prompts, 5 * H, generator=g(), constraint=BookConstraint(tok, books)),
                         'free': lambda: generate(model, prompts, 5 * H, generator=g())}, ctx.n(9), ctx.warmup, ctx.device)
        tps = {k: B * 5 * H / v for k, v in t.items()}
        rows.append(Row('lob_constrained', f'{what}: B{B}, prompt {P} events + {H} sampled, tiny model', 'tokens/s', tps['constrained'],
                        'unconstrained sampling', tps['free'], '>= 0.9 x unconstrained tokens/s', tps['constrained'] >= 0.9 * tps['free'],
                        use))
    return rows
