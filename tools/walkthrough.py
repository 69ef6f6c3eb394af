"""Walk through every command the README gives, as a new user would: a fresh clone, its own virtual environment,
every command's output piped to a file (no terminal, so no progress bar: the per-epoch log lines must show instead).

    python tools/walkthrough.py [--repo .] [--work DIR] [--skip-install]

Each step prints one line (passed/failed, seconds, the command) as it finishes; the last line is "N passed, N failed"
and the exit status is 1 if any step failed. The steps are the README's commands in its order, with its placeholders
filled (`runs/<name>` is the run the main job wrote, `FILE` a file of the kind the command reads); then each tutorial
runs its quick path (`FINATTN_QUICK=1`, every cell, as a reader in JupyterLab or Colab would). Before it starts, the
walk checks that every `finattn` sub-command the README names is among its steps, so a command added to the README
without a step here fails the walk. The README's test command is what `.ci/run` runs; it is not repeated here.
Takes about 30 minutes on 2 cores (it trains every model at its defaults, then runs the four tutorials).
"""
from __future__ import annotations
import argparse, os, re, shlex, signal, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path

EPOCH_LINE = re.compile(r'^epoch \d+/\d+ ', re.M)        # `finattn.train.epoch_line`, written to stderr by every training


def readme_commands(readme: str) -> tuple[str, set[str]]:
    "The README's main-job command (its first sh line running `finattn train`) and every `finattn` sub-command it names."
    main = next(line for block in re.findall(r'```sh\n(.*?)```', readme, re.S) for line in block.splitlines()
                if 'finattn train' in line)
    named = set(re.findall(r'`finattn ([a-z-]+)', readme)) | set(re.findall(r'&& finattn ([a-z-]+)', readme))
    return main, named


class Walk:
    def __init__(self, root: Path, env: dict):
        self.root, self.env, self.results = root, env, []
        self.logs = root/'walk-logs'; self.logs.mkdir(exist_ok=True)

    def run(self, name: str, cmd: str, check=None, timeout: int = 1800) -> str:
        "Run `cmd` in bash at the clone's root, output piped to a log file; `check(output)` returns None or what is wrong."
        log = self.logs/f"{len(self.results):02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.log"
        t0 = time.perf_counter()
        with open(log, 'w') as f:
            try: rc = subprocess.run(['bash', '-c', cmd], cwd=self.root, env=self.env, stdout=f, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, timeout=timeout).returncode
            except subprocess.TimeoutExpired: rc = 'timeout'
        out = log.read_text(errors='replace')
        problem = f"exit status {rc}" if rc != 0 else (check(out) if check else None)
        self.results.append((name, problem))
        print(f"{'passed' if problem is None else 'FAILED'}  {time.perf_counter() - t0:6.0f} s  {name}: {cmd}"
              + ('' if problem is None else f"\n        {problem} (log: {log}); last lines:\n        "
                 + '\n        '.join(out.strip().splitlines()[-8:])), flush=True)
        return out


def trained(model: str, *needles: str):
    "A check for a training command: per-epoch lines in the piped output, and the results table's rows."
    def check(out: str):
        if not EPOCH_LINE.search(out): return f"no per-epoch progress line ('epoch k/n ...') in the piped output of {model}"
        missing = [n for n in needles if n not in out]
        return f"the output lacks {missing}" if missing else None
    return check


def contains(*needles: str):
    def check(out: str):
        missing = [n for n in needles if n not in out]
        return f"the output lacks {missing}" if missing else None
    return check


def serve_check(walk: Walk, run: str, port: int = 8765) -> None:
    "`finattn serve RUN` in the background; /health must answer with the run's model within a minute; then stop it."
    log = walk.logs/'serve.log'
    t0 = time.perf_counter()
    with open(log, 'w') as f:
        proc = subprocess.Popen(['bash', '-c', f'exec finattn serve {run} --port {port}'], cwd=walk.root, env=walk.env,
                                stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    problem, body = 'no answer from /health within 60 s', ''
    while time.perf_counter() - t0 < 60 and proc.poll() is None:
        try:
            body = urllib.request.urlopen(f'http://127.0.0.1:{port}/health', timeout=2).read().decode()
            problem = None if '"model"' in body else f"/health answered {body[:200]!r}"
            break
        except OSError: time.sleep(1)
    if proc.poll() is not None: problem = f"the server exited with status {proc.returncode}"
    os.killpg(proc.pid, signal.SIGTERM); proc.wait(30)
    walk.results.append(('serve', problem))
    print(f"{'passed' if problem is None else 'FAILED'}  {time.perf_counter() - t0:6.0f} s  serve: finattn serve {run} "
          f"(GET /health: {body[:80]}){'' if problem is None else '  ' + problem}", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--repo', default=str(Path(__file__).resolve().parents[1]), help='the repository to clone (its HEAD)')
    ap.add_argument('--work', default=None, help='folder for the clone (default: a new temporary folder)')
    args = ap.parse_args(argv)
    repo = Path(args.repo).resolve()
    work = Path(args.work or tempfile.mkdtemp(prefix='finattn-walk-')); work.mkdir(parents=True, exist_ok=True)
    root = work/'finattn'
    subprocess.run(['git', 'clone', '-q', str(repo), str(root)], check=True)
    if (repo.parent/'shared').exists() and not (work/'shared').exists(): (work/'shared').symlink_to(repo.parent/'shared')
    main_cmd, named = readme_commands((root/'README.md').read_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith(('VIRTUAL_ENV', 'CI'))}
    venv = root/main_cmd.split('python3 -m venv ')[1].split()[0]
    env.update(PATH=f"{venv}/bin:{env['PATH']}", MPLBACKEND='Agg', PIP_DISABLE_PIP_VERSION_CHECK='1', PIP_PROGRESS_BAR='off')
    walk = Walk(root, env)
    print(f"walk through {repo} (HEAD {subprocess.run(['git', '-C', str(root), 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()}) "
          f"in {root}; logs in {walk.logs}", flush=True)

    steps = {'train', 'evaluate', 'predict', 'export', 'profile', 'check', 'serve', 'walk-forward'}
    uncovered = named - steps
    if uncovered:
        print(f"FAILED  the README names finattn {sorted(uncovered)}, which this walk has no step for"); return 1

    # 1. the main job, word for word (its own venv and install); piped, so the epochs must show as log lines
    walk.run('main job', main_cmd, trained('multi-asset', 'momentum_12_1', 'ridge', 'transformer'))
    runs = sorted((root/'runs').glob('multi-asset-*'))
    run = shlex.quote(str(runs[-1].relative_to(root))) if runs else 'runs/missing'
    # 2. the commands of the README's paragraph, in its order
    walk.run('help', 'finattn train multi-asset --help', contains('--preset', '--config', '--set', '--resume'))
    walk.run('python -m', 'python -m finattn --help', contains('train', 'walk-forward'))
    walk.run('evaluate', f'finattn evaluate {run}', contains('ridge', 'momentum'))
    walk.run('panel file', "python -c \"from finattn.data import load_builtin; load_builtin('sp500_daily').iloc[-200_000:].to_csv('panel.csv')\"")
    walk.run('predict', f'finattn predict {run} --data panel.csv --out predictions.csv && head -3 predictions.csv', contains('date'))
    for fmt in ('torchscript', 'int8'): walk.run(f'export {fmt}', f'finattn export {run} --format {fmt}', contains('max |'))
    walk.run('export onnx without its extra', f'finattn export {run} --format onnx; test $? -ne 0',
             lambda out: None if len(out.strip().splitlines()) <= 2 and "finattn[export]" in out else
             f"expected one line naming finattn[export], got {len(out.strip().splitlines())} lines")
    walk.run('install [export]', 'pip install -q -e ".[export]"')
    walk.run('export onnx', f'finattn export {run} --format onnx', contains('max |'))
    walk.run('profile', 'finattn profile multi-asset', contains('step_ms'))
    walk.run('check', 'finattn check', contains('passed'))
    walk.run('train migt-tvdt', 'finattn train migt-tvdt', trained('migt-tvdt', 'linear_quantile_regression'))
    walk.run('train lob-gpt', 'finattn train lob-gpt', trained('lob-gpt', 'kn5'))
    walk.run('install [tda]', 'pip install -q -e ".[tda]"')
    walk.run('train fusion', 'finattn train fusion', trained('fusion', 'logistic_regression'))
    walk.run('walk-forward', 'finattn walk-forward migt-tvdt --preset tiny --folds 2 --seeds 0',
             lambda out: None if EPOCH_LINE.search(out) and re.search(r'fold \d', out) else "no per-epoch or per-fold lines")
    walk.run('install [serve]', 'pip install -q -e ".[serve]"')
    serve_check(walk, run)
    # 3. the tutorials' quick path, as a reader in JupyterLab or Colab runs them (every cell, `slow` ones included)
    walk.run('install [dev,data]', 'pip install -q -e ".[dev,data]"')
    for nb in sorted((root/'nbs').glob('9[0-3]_tutorial_*.ipynb')):
        walk.run(f'tutorial {nb.stem}, quick path', f'FINATTN_QUICK=1 python tools/run_notebook.py nbs/{nb.name}', contains('cells in'))

    failed = [n for n, p in walk.results if p is not None]
    print(f"{len(walk.results) - len(failed)} passed, {len(failed)} failed" + (f": {failed}" if failed else ''))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
