"LOB tokenisation: `LOBTokenizer.encode` (relative events + tokens) on one LOBSTER day at level 10."
from __future__ import annotations
from pathlib import Path

from finattn.lob import LOBTokenizer, simulate_lobster
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
    return [Row('lob_tokenise', f'{what}, {n:,} events', 'events/s', n / t, target='>= 1M events/s', met=n / t >= 1e6,
                note=f'{t * 1e3:.0f} ms')]
