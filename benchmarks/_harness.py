"The common harness: threads, warm-up, A/B interleaved repetitions, medians, GEMM peaks and the result table."
from __future__ import annotations
import json, math, os, platform, statistics, time
from dataclasses import dataclass, asdict
from pathlib import Path
from typing import Callable

import torch


@dataclass
class Context:
    "What every comparison receives from the command line."
    reps: int | None = None      # timed repetitions per contender (median reported); None: the comparison's default
    warmup: int = 1              # untimed calls per contender before timing
    device: str = 'cpu'          # 'cpu' or 'cuda'
    quick: bool = False          # small sizes, for a smoke run

    def n(self, default: int = 5) -> int:
        "Repetitions to time: `reps` when given, else 2 for --quick, else the comparison's `default`."
        return self.reps if self.reps is not None else (2 if self.quick else default)


LOWER_IS_BETTER = ('ms', 's', 'MiB', 'nats')   # metrics where a smaller number wins; the rest are throughputs


@dataclass
class Row:
    "One line of the table: finattn against one peer on one case."
    bench: str                   # comparison name (module)
    case: str                    # sizes / precision / mask
    metric: str                  # 'ms', 's', 'MiB' (lower is better) or a throughput such as 'tokens/s' (higher is better)
    ours: float                  # finattn's median
    peer: str = ''               # the peer's name ('' when there is no peer)
    peer_value: float = math.nan # the peer's median
    target: str = ''             # the target, in words
    met: bool | None = None      # whether the target is met (None: not applicable)
    note: str = ''

    @property
    def ratio(self) -> float:
        "finattn ÷ peer in time (or memory): ours/peer for 'ms', 's', 'MiB', peer/ours for throughputs; < 1: finattn wins."
        if math.isnan(self.peer_value) or self.peer_value == 0 or self.ours == 0: return math.nan
        return self.ours / self.peer_value if self.metric in LOWER_IS_BETTER else self.peer_value / self.ours

    @property
    def speedup(self) -> float:
        "How many times faster finattn is than the peer (1 / ratio)."
        r = self.ratio
        return math.nan if math.isnan(r) else 1 / r


def set_threads(n: int | None) -> int:
    "Fix torch's intra-op threads (and the BLAS/OpenMP hint for libraries started after this); return the count in use."
    if n is not None:
        torch.set_num_threads(n)
        for var in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS'): os.environ[var] = str(n)
    return torch.get_num_threads()


def sync(device: str):
    "Wait for queued GPU work, so that a timer measures it."
    if device.startswith('cuda'): torch.cuda.synchronize()


def interleaved(fns: dict[str, Callable[[], object]], reps: int = 5, warmup: int = 1, device: str = 'cpu',
                times: dict[str, list[float]] | None = None) -> dict[str, float]:
    "Median seconds per call of each function, timed in A/B/C... rounds so that load changes hit every contender alike; `times` receives every call's."
    for _ in range(warmup):
        for f in fns.values(): f()
    sync(device)
    times = {} if times is None else times
    times.update({k: [] for k in fns})
    for r in range(reps):
        order = list(fns) if r % 2 == 0 else list(fns)[::-1]   # alternate the order: no one always runs first
        for k in order:
            sync(device); t0 = time.perf_counter(); fns[k](); sync(device)
            times[k].append(time.perf_counter() - t0)
    return {k: statistics.median(times[k]) for k in fns}


def gemm_peak(dtype: torch.dtype = torch.float32, device: str = 'cpu', n: int = 2048, reps: int = 5) -> float:
    "Measured GEMM throughput in GFLOP/s (best of `reps` n x n x n products): the ceiling a model's matmuls can reach."
    a = torch.randn(n, n, device=device).to(dtype); b = torch.randn(n, n, device=device).to(dtype)
    a @ b; sync(device)
    best = math.inf
    for _ in range(reps):
        sync(device); t0 = time.perf_counter(); a @ b; sync(device)
        best = min(best, time.perf_counter() - t0)
    return 2 * n ** 3 / best / 1e9


def _cpu_name() -> str:
    "The CPU's model name (Linux), else what `platform` knows."
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'): return line.split(':', 1)[1].strip()
    except OSError: pass
    return platform.processor() or platform.machine()


def machine(ctx: Context) -> dict:
    "The machine's description and its measured fp32 and bf16 GEMM peaks."
    info = {'platform': platform.platform(), 'processor': _cpu_name(),
            'cpu_count': os.cpu_count(), 'torch': torch.__version__, 'threads': torch.get_num_threads(), 'device': ctx.device,
            'date': time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}
    if ctx.device.startswith('cuda'): info['gpu'] = torch.cuda.get_device_name()
    n = 1024 if ctx.quick else 2048
    info['gemm_fp32_gflops'] = gemm_peak(torch.float32, ctx.device, n)
    info['gemm_bf16_gflops'] = gemm_peak(torch.bfloat16, ctx.device, n)
    return info


def _fmt(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)): return '-'
    if abs(x) >= 1e5: return f"{x:.3g}"
    if abs(x) >= 100: return f"{x:.0f}"
    if abs(x) >= 10: return f"{x:.1f}"
    return f"{x:.3g}"


HEAD = ['bench', 'case', 'metric', 'finattn', 'peer', 'peer value', 'ratio', 'target', 'met', 'note']

def _cells(r: Row) -> list[str]:
    return [r.bench, r.case, r.metric, _fmt(r.ours), r.peer, _fmt(r.peer_value), _fmt(r.ratio), r.target,
            {True: 'yes', False: 'NO', None: ''}[r.met], r.note]


def format_table(rows: list[Row]) -> str:
    "The rows as a fixed-width text table (ratio = finattn ÷ peer in time; < 1 is faster)."
    cells = [_cells(r) for r in rows]
    w = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(HEAD)]
    line = lambda c: '  '.join(s.ljust(n) for s, n in zip(c, w)).rstrip()
    return '\n'.join([line(HEAD), line(['-' * n for n in w])] + [line(c) for c in cells])


def machine_lines(info: dict) -> list[str]:
    "The machine and its GEMM ceilings in a few words."
    return [f"{info.get('gpu') or info['processor']} ({info['cpu_count']} cores), {info['threads']} torch threads, torch {info['torch']}, {info['date']}",
            f"GEMM peak: fp32 {info['gemm_fp32_gflops']:.0f} GFLOP/s, bf16 {info['gemm_bf16_gflops']:.0f} GFLOP/s"]


def format_markdown(info: dict, rows: list[Row], seconds: dict | None = None, command: str = '') -> str:
    "Machine info and rows as a small markdown report."
    out = ['# finattn benchmarks', '', *(f'- {l}' for l in machine_lines(info))]
    if command: out.append(f'- command: `{command}`')
    if seconds: out.append('- wall time: ' + ', '.join(f'{k} {v:.0f} s' for k, v in seconds.items()))
    out += ['', 'ratio = finattn ÷ peer in time (< 1: finattn faster).', '',
            '| ' + ' | '.join(HEAD) + ' |', '|' + '---|' * len(HEAD)]
    out += ['| ' + ' | '.join(c.replace('|', '/') for c in _cells(r)) + ' |' for r in rows]
    return '\n'.join(out) + '\n'


def write_results(folder: str | Path, name: str, info: dict, rows: list[Row], seconds: dict | None = None, command: str = ''):
    "Write `name.json` (machine, wall times, rows with ratios) and `name.md` into `folder`; return the two paths."
    folder = Path(folder); folder.mkdir(parents=True, exist_ok=True)
    data = {'machine': info, 'seconds': seconds or {}, 'command': command,
            'rows': [{k: None if isinstance(v, float) and math.isnan(v) else v for k, v in {**asdict(r), 'ratio': r.ratio}.items()}
                     for r in rows]}
    js, md = folder / f'{name}.json', folder / f'{name}.md'
    js.write_text(json.dumps(data, indent=1, default=str) + '\n')
    md.write_text(format_markdown(info, rows, seconds, command))
    return js, md
