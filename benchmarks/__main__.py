"Run the benchmark suite: `python -m benchmarks [names] [--quick] [--device cuda] [--threads 2] [--reps 5]`."
from __future__ import annotations
import argparse, importlib, shlex, sys, time, traceback
from pathlib import Path

from ._harness import Context, Row, format_table, machine, machine_lines, set_threads, write_results

COMPARISONS = {   # name -> module; run in this order, each in this one process
    'gpt': 'gpt_train step vs HF GPT-2, x-transformers, nn.TransformerEncoder LM (fp32, bf16 autocast)',
    'generation': 'greedy generation with KV cache vs HF generate; cached vs uncached',
    'attention': 'MultiHeadAttention fwd+bwd vs manual softmax, SDPA, nn.MultiheadAttention; saved activations',
    'attention_long': 'local, Performer and Linformer kernels vs SDPA at T up to 16384: fwd+bwd time, saved memory, error',
    'encoder_layer': 'TransformerLayer vs nn.TransformerEncoderLayer',
    'tda': 'TDAFeaturizer vs plain gudhi (and giotto-ph when installed)',
    'features': 'intraday features vs TA-Lib and ta on 1M bars',
    'metrics': 'spearman_ic + ic_summary vs pandas groupby + scipy',
    'lob': 'LOBTokenizer.encode on a LOBSTER day; sampling under BookConstraint vs unconstrained',
    'charlm': 'the LOB GPT decoder as a character LM vs a plain nn.TransformerEncoder GPT (validation loss)',
}
RESULTS = Path(__file__).parent / 'results'


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog='python -m benchmarks', description=__doc__,
                                epilog='comparisons: ' + '; '.join(f'{k}: {v}' for k, v in COMPARISONS.items()))
    p.add_argument('names', nargs='*', metavar='NAME', help=f'comparisons to run (default all): {", ".join(COMPARISONS)}')
    p.add_argument('--quick', action='store_true', help='small sizes and 2 repetitions: a smoke run (nothing written unless --out)')
    p.add_argument('--device', default='cpu', help="'cpu' or 'cuda'")
    p.add_argument('--threads', type=int, default=None, help='torch intra-op threads (default: 2 on cpu, unchanged on cuda)')
    p.add_argument('--reps', type=int, default=None, help="timed repetitions per contender (default: 5, less where benchmarks/README.md says)")
    p.add_argument('--warmup', type=int, default=1, help='untimed calls per contender first')
    p.add_argument('--out', default=None, help=f'folder for DEVICE.json and DEVICE.md (default {RESULTS} for a full run)')
    p.add_argument('--list', action='store_true', help='list the comparisons and exit')
    a = p.parse_args(argv)
    bad = [n for n in a.names if n not in COMPARISONS]
    if bad: p.error(f"unknown comparison(s) {bad}; choose from {list(COMPARISONS)}")
    return a


def main(argv=None) -> int:
    a = parse(argv)
    if a.list:
        print('\n'.join(f'{k:14s} {v}' for k, v in COMPARISONS.items())); return 0
    if a.device.startswith('cuda'):
        import torch
        if not torch.cuda.is_available(): print('--device cuda: no CUDA device here', file=sys.stderr); return 2
    set_threads(a.threads if a.threads is not None or a.device.startswith('cuda') else 2)
    ctx = Context(reps=a.reps, warmup=a.warmup, device=a.device, quick=a.quick)
    info = machine(ctx)
    print('\n'.join(machine_lines(info)), flush=True)
    rows, seconds, failed = [], {}, []
    for name in a.names or list(COMPARISONS):
        t0 = time.perf_counter()
        try:
            mod = importlib.import_module(f'.{name}', __package__)
            got = mod.run(ctx, info) if name == 'gpt' else mod.run(ctx)
        except Exception as e:                      # a broken comparison is reported, the others still run
            traceback.print_exc(); failed.append(name)
            got = [Row(name, 'error', '-', float('nan'), met=False, note=f'{type(e).__name__}: {e}'[:200])]
        seconds[name] = time.perf_counter() - t0
        rows += got
        print(f'\n{name} ({seconds[name]:.0f} s)\n{format_table(got)}', flush=True)
    print(f'\nall ({sum(seconds.values()):.0f} s)\n{format_table(rows)}')
    missed = [r for r in rows if r.met is False]
    print(f'\n{sum(r.met is True for r in rows)} targets met, {len(missed)} missed' + (f', {len(failed)} failed: {failed}' if failed else ''))
    out = a.out if a.out is not None else (None if a.quick else RESULTS)
    if out is not None:
        name = a.device.split(':')[0] + ('-quick' if a.quick else '') + ('' if not a.names else '-' + '-'.join(a.names))
        command = 'python -m benchmarks ' + shlex.join(argv if argv is not None else sys.argv[1:])
        for p in write_results(out, name, info, rows, seconds, command.strip()): print(f'wrote {p}')
    return 1 if failed else 0


if __name__ == '__main__': sys.exit(main())
