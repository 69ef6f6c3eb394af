"""Run a notebook's code cells in order as Jupyter would: nbdev flags are comments there, so `slow` cells run too;
cells marked `#| eval: false` (the Colab install cell) are skipped. Prints one line per cell (its time) and stops
with exit status 1 at the first cell that raises.

    FINATTN_QUICK=1 python tools/run_notebook.py nbs/90_tutorial_multi_asset.ipynb

Used by `tools/walkthrough.py` to check the tutorials' quick path (what a reader in JupyterLab or Colab runs).
Needs execnb (the `dev` extra). The notebook runs in its own folder, as a Jupyter kernel would.
"""
from __future__ import annotations
import json, os, sys, time
from pathlib import Path


def main(path: str) -> int:
    from execnb.shell import CaptureShell
    nb = Path(path).resolve()
    cells = [''.join(c['source']) for c in json.loads(nb.read_text())['cells'] if c['cell_type'] == 'code']
    os.chdir(nb.parent)
    shell, t_all = CaptureShell(), time.perf_counter()
    shell.run('import matplotlib; matplotlib.use("Agg")')
    for k, src in enumerate(cells):
        first = src.split('\n', 1)[0]
        if any(line.strip().replace(' ', '') == '#|eval:false' for line in src.split('\n')[:3]):
            print(f"cell {k:2d}: skipped (eval: false)", flush=True); continue
        t0 = time.perf_counter()
        shell.run(src)
        if shell.exc is not None:
            print(f"cell {k:2d}: FAILED after {time.perf_counter() - t0:.0f} s: {type(shell.exc).__name__}: {shell.exc}\n{src}", flush=True)
            return 1
        print(f"cell {k:2d}: {time.perf_counter() - t0:6.1f} s  {first[:70]}", flush=True)
    print(f"{nb.name}: {len(cells)} cells in {time.perf_counter() - t_all:.0f} s", flush=True)
    return 0


if __name__ == '__main__':
    if len(sys.argv) != 2: sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
