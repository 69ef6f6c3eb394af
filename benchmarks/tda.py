"Topological features of 672-bar windows: finattn's `TDAFeaturizer` against a giotto-ph (giotto-tda's Rips backend) pipeline and a plain gudhi one."
from __future__ import annotations
import numpy as np

from finattn.tda import TDAFeaturizer, persistence_diagrams, sliding_windows, takens_embedding
from ._harness import Context, Row, interleaved


def _vectorise(dgms, grids, n_layers):
    "The same 214 features, written the straightforward way: one diagram at a time, Python loops over layers."
    out = []
    betti, ent, land, tot = [], [], [], []
    for k, g in enumerate(grids):
        d = dgms[k]
        betti.append(np.array([np.sum((d[:, 0] <= t) & (t < d[:, 1])) for t in g], dtype=np.float64))
        l = d[:, 1] - d[:, 0]; l = l[l > 0]
        ent.append(0.0 if len(l) == 0 else float(-(l / l.sum() * np.log(l / l.sum())).sum()))
        tents = np.sort(np.maximum(0, np.minimum(g[None] - d[:, :1], d[:, 1:] - g[None])), axis=0)[::-1]
        for i in range(n_layers):
            y = tents[i] if i < len(tents) else np.zeros(len(g))
            land.append(float(np.sum((y[1:] + y[:-1]) / 2 * np.diff(g))))
        tot.append(float((d[:, 1] - d[:, 0]).sum()))
    return np.concatenate(betti + [np.array(ent), np.array(land), np.array(tot)])


def giotto_diagrams(points, max_edge, n_threads=1):
    """giotto-ph Rips persistence as giotto-tda's `VietorisRipsPersistence` calls it (no edge collapse: its default, and
    2.4 x faster than with collapse on these windows), in finattn's diagram convention."""
    from gph import ripser_parallel
    dg = ripser_parallel(points, maxdim=1, thresh=max_edge, collapse_edges=False, n_threads=n_threads)['dgms']
    d0 = dg[0][np.isfinite(dg[0][:, 1])]                       # drop the essential H0 bar
    return [np.minimum(d0, max_edge), np.minimum(dg[1], max_edge)]


def gudhi_diagrams(points, max_edge):
    "gudhi Rips persistence without edge collapse: the plain pipeline."
    import gudhi
    st = gudhi.RipsComplex(points=points, max_edge_length=max_edge).create_simplex_tree(max_dimension=2)
    st.compute_persistence(homology_coeff_field=2, persistence_dim_max=False)
    out = []
    for k in (0, 1):
        d = st.persistence_intervals_in_dimension(k).reshape(-1, 2)
        if k == 0 and len(d): d = np.delete(d, np.argmax(d[:, 1]), axis=0)
        out.append(np.minimum(d, max_edge))
    return out


def run(ctx: Context) -> list[Row]:
    L, W, W2 = (240, 2, 4) if ctx.quick else (672, 8, 32)
    rng = np.random.default_rng(0)
    closes = 100 * np.exp(np.cumsum(rng.normal(0, 0.002, L + 24 * (W2 - 1))))
    many = sliding_windows(closes, window=L, stride=24)[0]             # W2 windows for the two-core rows (a pool needs a batch)
    windows = many[:W]
    tda = TDAFeaturizer().fit(windows)                                 # no cache_dir: every transform computes
    pts = lambda w: takens_embedding(np.log(w), tda.dim, tda.delay)
    ours = tda.transform(windows)
    rows = []
    # the plain gudhi pipeline builds every triangle of a dense Rips complex: ~30 s a window here, so it runs on one window, once
    one = windows[:1]
    plain = lambda: np.stack([_vectorise(gudhi_diagrams(pts(w), tda.max_edge), tda.grids, tda.n_layers) for w in one])
    got = {}
    t = interleaved({'finattn': lambda: tda.transform(one), 'gudhi (plain)': lambda: got.setdefault('plain', plain())}, 1, 0, ctx.device)
    same = bool(np.allclose(got['plain'], ours[:1], rtol=1e-9, atol=1e-12))
    rows.append(Row('tda', f'1 window of {L} closes (Takens 2 x 12, Rips H0+H1, 214 features)', 'windows/s', 1 / t['finattn'],
                    'gudhi (plain)', 1 / t['gudhi (plain)'], '>= 2 x windows/s, features equal', same and t['gudhi (plain)'] >= 2 * t['finattn'],
                    f'features equal: {same}; one run each (giotto-tda itself is not installable here)'))
    try:
        import gph  # noqa: F401  giotto-ph: the Rips backend of giotto-tda (optional, AGPL: a benchmark peer only)
    except ImportError: return rows
    peer = lambda n=1, ws=windows: np.stack([_vectorise(giotto_diagrams(pts(w), tda.max_edge, n), tda.grids, tda.n_layers) for w in ws])
    t = interleaved({'finattn': lambda: tda.transform(windows), 'giotto-ph': peer}, ctx.n(5), ctx.warmup, ctx.device)
    dg_err = max(float(np.abs(np.sort(a, 0) - np.sort(b, 0)).max(initial=0)) if a.shape == b.shape else np.inf
                 for w in windows for a, b in zip(giotto_diagrams(pts(w), tda.max_edge), persistence_diagrams(pts(w), tda.max_edge)))
    n_diff = int((~np.isclose(peer(), ours, rtol=1e-6, atol=1e-9)).sum())
    same = dg_err < 1e-8                                               # giotto-ph computes distances in float32
    rows.append(Row('tda', f'{W} windows of {L} closes, one core each', 'windows/s', W / t['finattn'], 'giotto-ph + same vectorisation',
                    W / t['giotto-ph'], '>= 2 x windows/s, features equal', same and t['giotto-ph'] >= 2 * t['finattn'],
                    f'diagrams max |diff| {dg_err:.0e} (float32 distances), {n_diff} of {ours.size} features differ '
                    f'(Betti counts at a grid point equal to a death); giotto-ph without edge collapse (giotto-tda\'s default)'))
    # a process pool costs 0.2-0.3 s to start (a fork of this large process): it pays on a batch, not on 8 windows
    two = TDAFeaturizer(n_workers=2); two.grids = tda.grids           # the same fitted grids, two processes
    t = interleaved({'finattn': lambda: two.transform(many), 'giotto-ph': lambda: peer(2, many)}, ctx.n(5), ctx.warmup, ctx.device)
    rows.append(Row('tda', f'{W2} windows of {L} closes, two cores each', 'windows/s', W2 / t['finattn'], 'giotto-ph, 2 threads',
                    W2 / t['giotto-ph'], '>= 2 x windows/s, features equal', same and t['giotto-ph'] >= 2 * t['finattn'],
                    'finattn: a 2-process pool (n_workers=2, started in each call); giotto-ph: n_threads=2'))
    return rows
