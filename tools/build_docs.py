#!/usr/bin/env python3
"""Build finattn's documentation site and README.md offline, then check every internal link.

`nbdev_docs` and `nbdev_readme` hand the processed notebooks to Quarto, which cannot be installed
here (no network). This script keeps nbdev's own preprocessing and swaps Quarto for smalldocs, a
pure-Python renderer that reads the same `_quarto.yml`:

1. nbdev's steps before Quarto: `nbs/nbdev.yml`, `finattn/_modidx.py`, `nbs/sidebar.yml`, and the
   processed notebooks in `_proc/` (show_doc rendered, front matter and `output-file:` written);
2. smalldocs renders `_proc/` into `_docs/` (settings.ini `doc_path`), naming each page after its
   `output-file:` as Quarto does (`01_attention.ipynb` -> `attention.html`), since nbdev's
   cross-links, `_modidx.py` and the sidebar all assume those names;
3. README.md (GitHub-flavoured Markdown) from the processed `readme_nb` (index.ipynb);
4. a check of the site: the index page, one page per `#| default_exp` notebook, and every internal
   href/src (relative, or under doc_host + doc_baseurl), anchors included.

Usage, from anywhere in the repository:
    python tools/build_docs.py                # everything; exit 1 on any failure
    python tools/build_docs.py --readme-only  # only regenerate README.md
    python tools/build_docs.py --check-only   # only check an existing _docs/
"""

from __future__ import annotations

import argparse
import base64
import html.parser
import json
import os
import posixpath
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]


class BuildFailed(Exception):
    "A failure to report in one line and exit 1 on, rather than as a traceback."


def say(msg: str) -> None:
    print(f"[build_docs] {msg}", flush=True)


# ----------------------------------------------------------------------------- configuration

def config():
    "nbdev's settings.ini, found from the repository root whatever the caller's directory."
    os.chdir(ROOT)  # nbdev finds settings.ini, and smalldocs its project, relative to the cwd
    try:
        import smalldocs  # noqa: F401
        from nbdev.config import get_config
    except ImportError as e:
        raise BuildFailed(f"{e}: run this in the dev environment (pip install -e \".[dev]\")") from None
    return get_config()


def site_url(cfg) -> str:
    "The published root of the site, e.g. https://finattn.github.io/finattn (no trailing slash)."
    return (cfg.doc_host.rstrip("/") + "/" + cfg.doc_baseurl.strip("/")).rstrip("/")


def notebooks(cfg) -> list[Path]:
    "The notebooks nbdev documents: the same glob as nbdev (recursive, skipping `_*` and `.*`)."
    from nbdev.doclinks import nbglob
    return sorted(Path(p) for p in nbglob(cfg.nbs_path))


def page_name(nb_rel: PurePosixPath) -> PurePosixPath:
    "The page Quarto writes for a notebook: nbdev's `output-file`, its name less the number prefix."
    from nbdev.doclinks import _nbpath2html
    return PurePosixPath(_nbpath2html(Path(nb_rel)).as_posix())


_re_default_exp = re.compile(r"^\s*#\|\s*default_exp\s+(\S+)", re.M)


def default_exp(nb_path: Path) -> str | None:
    "The module a notebook exports to, from its first `#| default_exp`, or None."
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        m = _re_default_exp.search("".join(cell.get("source", "")))
        if m:
            return m.group(1)
    return None


# ----------------------------------------------------------------------------- 1. nbdev preprocessing

def preprocess(cfg, n_workers: int) -> Path:
    "Run what `nbdev_docs` runs before Quarto (`_pre_docs`, less `_ensure_quarto`); return `_proc`."
    from nbdev.quarto import nbdev_sidebar, refresh_quarto_yml
    from nbdev.serve import proc_nbs
    import nbdev.doclinks

    refresh_quarto_yml()  # nbs/nbdev.yml: title, site-url, output-dir from settings.ini
    nbdev.doclinks._build_modidx()  # finattn/_modidx.py: the symbol -> page#anchor index doclinks use
    nbdev_sidebar.__wrapped__(path=cfg.nbs_path)  # nbs/sidebar.yml (unless custom_sidebar)
    # force: rebuild `_proc` from scratch, so a renamed or deleted notebook leaves no stale page behind
    try:
        proc = proc_nbs(cfg.nbs_path, n_workers=n_workers, force=True)
    except Exception as e:
        # nbdev re-runs each notebook's imports, exports and show_doc cells; say which one broke and
        # why in a few lines, rather than through two process pools' worth of traceback
        raise BuildFailed(f"nbdev could not process the notebooks:\n{e}\n{_root_cause(e)}") from None
    return Path(proc)


_re_exc_line = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)\b(?::.*)?$")


def _root_cause(e: BaseException) -> str:
    "The original error under nbdev's 'Error in notebook' (a worker's traceback arrives as text)."
    chain = []
    while e is not None:
        chain.append(e)
        e = e.__cause__
    for err in reversed(chain):  # innermost first; a remote traceback prints the original error first
        for line in str(err).splitlines():
            if _re_exc_line.match(line.strip()) and "Error in notebook" not in line:
                return f"caused by: {line.strip()}"
    inner = chain[-1]
    return f"caused by: {type(inner).__name__}: {str(inner).strip().splitlines()[-1] if str(inner).strip() else ''}"


# ----------------------------------------------------------------------------- 2. rendering with smalldocs

def make_site_class():
    "A smalldocs Site that names pages by their `output-file:` front matter, as Quarto does."
    from smalldocs.site import Site

    class NbdevSite(Site):
        def read(self, src):
            page = super().read(src)
            out = page.front.get("output-file")
            if out:
                # output-file names a file beside the source; nbdev writes it for every titled notebook
                page.out = page.src.parent / str(out)
            return page

        def find_page(self, target):
            # A link may name a page by its source (`01_attention.ipynb`, resolved by smalldocs) or, as
            # nbdev's doclinks and people do, by its output (`attention.html`), which Quarto leaves as is
            found = super().find_page(target)
            if found is None and target.suffix == ".html":
                found = next((p for p in self.pages.values() if p.out == target), None)
            return found

    return NbdevSite


# What smalldocs says of nbdev's standard _quarto.yml that concerns only Quarto's Markdown output
QUARTO_ONLY = {"format commonmark is not built: smalldocs makes only html", "format.html.keep-md is ignored"}


def render(cfg, proc: Path) -> Path:
    "Render `_proc` into settings.ini's doc_path with smalldocs; return the output folder."
    from smalldocs.config import BuildError, ConfigError, load

    out = Path(cfg.doc_path)
    # smalldocs empties its output folder only when it looks like a site it built; start clean instead
    shutil.rmtree(out, ignore_errors=True)
    try:
        site = make_site_class()(load(proc), quiet=True)
        site.out = out.resolve()  # write straight to _docs rather than _proc/_docs then moving it
        site.build()
    except (BuildError, ConfigError) as e:
        raise BuildFailed(f"smalldocs could not render {proc.name}/: {e}") from None

    outs: dict = {}
    for page in site.pages.values():
        if page.out in outs:
            raise BuildFailed(f"{page.src} and {outs[page.out]} both render to {page.out}")
        outs[page.out] = page.src
    for w in site.warnings:
        if w.endswith("output-file is not read by smalldocs") or w in QUARTO_ONLY:
            continue  # output-file is read, by NbdevSite; the others matter to Quarto only
        # smalldocs notes the _quarto.yml keys it ignores and links it could not resolve; our own
        # check below is the judge of links, so these are shown, not fatal
        say(f"smalldocs warning: {w}")
    say(f"rendered {len(site.pages)} page(s) into {out}")
    return out


# ----------------------------------------------------------------------------- 2b. maths offline

# smalldocs links KaTeX from a CDN, so maths stayed raw LaTeX without network. The build takes KaTeX from the npm
# registry once (checked against the registry's published integrity), copies its dist files into site_libs/katex
# and points every page there; `node`, where present, then renders every formula of the site with that copy.
KATEX_VERSION = "0.16.11"
KATEX_CDN = f"https://cdn.jsdelivr.net/npm/katex@{KATEX_VERSION}/dist"
KATEX_INTEGRITY = "sha512-RQrI8rlHY92OLf3rho/Ts8i/XvjgguEjOkO1BEXcU3N8BqPpSzBNwV/G0Ukr+P/l3ivvJUE/Fa/CwbS6HesGNQ=="
KATEX_CACHE = ROOT / ".cache"


def katex_tarball() -> Path:
    "The KaTeX package from the npm registry, cached in .cache/ and checked against its integrity hash."
    import hashlib
    import subprocess

    tgz = KATEX_CACHE / f"katex-{KATEX_VERSION}.tgz"
    if not tgz.exists():
        KATEX_CACHE.mkdir(exist_ok=True)
        try:
            subprocess.run(["npm", "pack", f"katex@{KATEX_VERSION}", "--pack-destination", str(KATEX_CACHE), "--silent"],
                           check=True, capture_output=True, timeout=300)
        except (OSError, subprocess.SubprocessError) as e:
            raise BuildFailed(f"KaTeX {KATEX_VERSION}: `npm pack` failed ({e}); the docs need it to render maths offline") from None
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tgz.read_bytes()).digest()).decode()
    if digest != KATEX_INTEGRITY:
        tgz.unlink()
        raise BuildFailed(f"{tgz.name}: integrity {digest[:24]}... is not the registry's {KATEX_INTEGRITY[:24]}...")
    return tgz


def vendor_katex(out: Path) -> int:
    "Copy KaTeX into out/site_libs/katex and point every page that loads it from the CDN there; the pages changed."
    import tarfile

    pages = [p for p in out.rglob("*.html") if KATEX_CDN in p.read_text(encoding="utf-8")]
    if not pages:
        return 0
    dest = out / "site_libs" / "katex"
    with tarfile.open(katex_tarball()) as tar:
        for m in tar.getmembers():
            rel = PurePosixPath(m.name).relative_to("package/dist") if m.name.startswith("package/dist/") else None
            if rel is None or not m.isfile() or ".." in rel.parts:
                continue
            if rel.name in ("katex.min.css", "katex.min.js", "auto-render.min.js") or rel.parts[0] == "fonts":
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                (dest / rel).write_bytes(tar.extractfile(m).read())
    for p in pages:
        local = posixpath.relpath(dest.as_posix(), p.parent.as_posix())
        p.write_text(p.read_text(encoding="utf-8").replace(KATEX_CDN, local), encoding="utf-8")
    return len(pages)


_re_math = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)


def check_maths(out: Path) -> list[str]:
    "Render every formula of the site with the vendored KaTeX under node (skipped without node); the failures."
    import html as html_lib
    import shutil as sh
    import subprocess

    formulas = []
    for p in sorted(out.rglob("*.html")):
        text = re.sub(r"<(pre|code)\b.*?</\1>", "", p.read_text(encoding="utf-8"), flags=re.S)  # code is not maths
        formulas += [(p.name, html_lib.unescape(a or b), bool(b)) for a, b in _re_math.findall(text)]
    js = out / "site_libs" / "katex" / "katex.min.js"
    if not formulas:
        return []
    if not js.exists():
        return [f"maths: {len(formulas)} formula(s) but no vendored KaTeX in {js.parent}"]
    if sh.which("node") is None:
        say(f"node not found: the {len(formulas)} formulas were not test-rendered")
        return []
    script = ("const katex = require(process.argv[1]); let bad = [];"
              "for (const [page, tex, display] of JSON.parse(require('fs').readFileSync(0, 'utf8'))) {"
              " try { katex.renderToString(tex, {displayMode: display, throwOnError: true}); }"
              " catch (e) { bad.push(page + ': ' + e.message.split('\\n')[0]); } }"
              "console.log(JSON.stringify(bad));")
    res = subprocess.run(["node", "-e", script, str(js)], input=json.dumps(formulas), capture_output=True, text=True, timeout=300)
    if res.returncode:
        return [f"maths: node could not run KaTeX: {res.stderr.strip()[-300:]}"]
    bad = json.loads(res.stdout)
    say(f"KaTeX rendered {len(formulas) - len(bad)} of {len(formulas)} formulas offline")
    return [f"maths: {b}" for b in bad]


# ----------------------------------------------------------------------------- 3. README.md

_re_fm = re.compile(r"^---\s*\n(.*?)\n---\s*$", re.S)
_re_ansi = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_re_opt = re.compile(r"^\s*#\|")
_re_md_link = re.compile(r"(\]\(\s*<?)([^)\s>]+)")  # [text](target ...)
_re_html_link = re.compile(r"""(\b(?:href|src)\s*=\s*["'])([^"']+)""")


def _text(v) -> str:
    return "".join(v) if isinstance(v, list) else (v or "")


def _fence(body: str, lang: str = "") -> str:
    "A fenced block that the body cannot close early."
    longest = max((len(m) for m in re.findall(r"`{3,}", body)), default=0)
    f = "`" * max(3, longest + 1)
    return f"{f}{lang}\n{body.rstrip()}\n{f}"


def _cell_options(src: str) -> tuple[dict, str]:
    "Split a processed code cell into its remaining Quarto `#| key: value` options and its code."
    import yaml
    lines = src.split("\n")
    opts = []
    while lines and _re_opt.match(lines[0]):
        opts.append(_re_opt.sub("", lines.pop(0), count=1).strip())
    try:
        parsed = yaml.safe_load("\n".join(opts)) if opts else {}
    except yaml.YAMLError:
        parsed = {}
    # drop any `#|` line left further down too (nbdev strips only the leading block)
    code = "\n".join(l for l in lines if not _re_opt.match(l))
    return (parsed if isinstance(parsed, dict) else {}), code.strip("\n")


class ReadmeLinks:
    "Rewrite the readme notebook's relative links for the repository root, where README.md lives."

    def __init__(self, cfg, nb_dir: Path):
        self.url = site_url(cfg)
        self.nbs = Path(cfg.nbs_path)
        self.nb_dir = nb_dir  # the readme notebook's folder, which its links are relative to
        # every page the site has, by source and by output name, mapped to its output name
        self.pages: dict[str, str] = {}
        for nb in notebooks(cfg):
            rel = PurePosixPath(nb.relative_to(self.nbs).as_posix())
            out = str(page_name(rel))
            self.pages[str(rel)] = self.pages[out] = out

    def target(self, t: str) -> str:
        parts = urlsplit(t)
        if parts.scheme or t.startswith(("#", "//", "mailto:")):
            return t
        frag = f"#{parts.fragment}" if parts.fragment else ""
        rel = posixpath.normpath(posixpath.join(self.nb_dir.relative_to(self.nbs).as_posix(), unquote(parts.path)))
        if rel in self.pages:  # a docs page: link to the published site, which GitHub and PyPI can follow
            return f"{self.url}/{self.pages[rel]}{frag}"
        if (self.nbs / rel).exists():  # a picture or file beside the notebooks
            return f"{(self.nbs / rel).relative_to(ROOT).as_posix()}{frag}"
        return t

    def __call__(self, md: str) -> str:
        out, fence = [], None
        for line in md.split("\n"):
            m = re.match(r"^\s{0,3}(`{3,}|~{3,})", line)
            if fence:
                if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                    fence = None
            elif m:
                fence = m.group(1)
            else:
                line = _re_md_link.sub(lambda k: k.group(1) + self.target(k.group(2)), line)
                line = _re_html_link.sub(lambda k: k.group(1) + self.target(k.group(2)), line)
            out.append(line)
        return "\n".join(out)


def readme_markdown(cfg, nb_path: Path, nb_rel: Path, assets: Path) -> str:
    "GitHub-flavoured Markdown for a processed notebook, as `quarto render -t gfm` would write it."
    import yaml
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    links = ReadmeLinks(cfg, (Path(cfg.nbs_path) / nb_rel).parent)
    blocks: list[str] = []
    front: dict = {}
    for n, cell in enumerate(nb.get("cells", [])):
        kind, src = cell.get("cell_type"), _text(cell.get("source"))
        if kind == "raw":
            # nbdev turns the `# title` / `> description` cell into this front matter; other raw
            # cells are for other output formats, as Quarto's gfm writer also drops them
            m = _re_fm.match(src.strip())
            if m and not front:
                front = yaml.safe_load(m.group(1)) or {}
                if front.get("title"):
                    blocks.append(f"# {front['title']}")
                if front.get("description"):
                    blocks.append(f"> {front['description']}")
            continue
        if kind == "markdown":
            if src.strip():
                blocks.append(links(src.strip("\n")))
            continue
        if kind != "code":
            continue
        opts, code = _cell_options(src)  # `#| hide` cells are already gone: nbdev's hide_ removes them
        if opts.get("include") is False:
            continue
        if opts.get("echo", True) is not False and code.strip():
            blocks.append(_fence(code, "python"))
        if opts.get("output", True) is False:
            continue
        for k, out in enumerate(cell.get("outputs", [])):
            block = output_markdown(out, opts, links, assets, f"cell-{n}-output-{k + 1}")
            if block:
                blocks.append(block)
    return "\n\n".join(b.rstrip() for b in blocks) + "\n"


def output_markdown(out: dict, opts: dict, links, assets: Path, name: str) -> str | None:
    "One stored output as Markdown: text fenced, Markdown and HTML as they are, pictures as files."
    kind = out.get("output_type")
    if kind == "stream":
        return _fence(_re_ansi.sub("", _text(out.get("text"))))
    if kind == "error":
        return _fence(_re_ansi.sub("", "\n".join(out.get("traceback") or [f"{out.get('ename')}: {out.get('evalue')}"])))
    data = out.get("data") or {}
    if "text/markdown" in data:
        return links(_text(data["text/markdown"]).strip("\n"))
    for mime, ext in (("image/png", "png"), ("image/jpeg", "jpg"), ("image/gif", "gif"), ("image/svg+xml", "svg")):
        if mime in data:
            # like Quarto, pictures go to files beside README.md (committed with it), not data: URLs
            assets.mkdir(parents=True, exist_ok=True)
            raw = _text(data[mime])
            f = assets / f"{name}.{ext}"
            f.write_bytes(raw.encode() if ext == "svg" else base64.b64decode(raw))
            alt = opts.get("fig-alt") or opts.get("fig-cap") or ""
            return f"![{alt}]({f.relative_to(ROOT).as_posix()})"
    if "text/html" in data:
        return links(_text(data["text/html"]).strip("\n"))
    if "text/plain" in data:
        return _fence(_re_ansi.sub("", _text(data["text/plain"])))
    return None


def process_one(cfg, nb_rel: Path, dest_root: Path) -> Path:
    "nbdev's processing (FilterDefaults, show_doc included) of one notebook, as `proc_nbs` does it."
    from nbdev.processors import FilterDefaults
    import nbdev.serve_drv
    src = Path(cfg.nbs_path) / nb_rel
    dst = dest_root / nb_rel
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        nbdev.serve_drv.main((src, dst, FilterDefaults))
    except Exception as e:
        raise BuildFailed(f"nbdev could not process {src}:\n{e}\n{_root_cause(e)}") from None
    return dst


def write_readme(cfg, proc: Path | None) -> Path:
    "Write README.md at the repository root from the processed readme notebook."
    nb_rel = Path(cfg.get("readme_nb", "index.ipynb"))
    if not (Path(cfg.nbs_path) / nb_rel).exists():
        raise BuildFailed(f"readme notebook {cfg.nbs_path / nb_rel} does not exist")
    # pictures in the README go here, named as Quarto names its output folder (index_files/...)
    assets = ROOT / f"{nb_rel.stem}_files" / "figure-gfm"
    shutil.rmtree(assets, ignore_errors=True)  # so the folder holds exactly this README's pictures
    with tempfile.TemporaryDirectory(prefix="finattn-readme-") as tmp:
        # --readme-only processes just this notebook, leaving `_proc` and `_docs` alone
        processed = proc / nb_rel if proc else process_one(cfg, nb_rel, Path(tmp))
        if not processed.exists():
            raise BuildFailed(f"{processed} was not written by nbdev's processing")
        md = readme_markdown(cfg, processed, nb_rel, assets)
    for d in (assets, assets.parent):  # no pictures: leave no empty folders behind
        if d.is_dir() and not any(d.iterdir()):
            d.rmdir()
    readme = ROOT / "README.md"
    readme.write_text(md, encoding="utf-8")
    say(f"wrote {readme.relative_to(ROOT)} from {cfg.nbs_path.name}/{nb_rel} ({len(md.splitlines())} lines)")
    return readme


# ----------------------------------------------------------------------------- 4. checking the site

class _Links(html.parser.HTMLParser):
    "Collect a page's ids and the href/src values of its links."

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("id", "name") if tag == "a" else ("id",):
            if a.get(k):
                self.ids.add(a[k])
        for k in ("href", "src"):
            if a.get(k) is not None and tag != "base":
                self.links.append(a[k])

    handle_startendtag = handle_starttag


def check_site(cfg, out: Path) -> list[str]:
    "Every problem with the built site: missing pages, and internal links to missing files or ids."
    problems: list[str] = []
    if not (out / "index.html").is_file():
        problems.append(f"{out}/index.html is missing")
    for nb in notebooks(cfg):
        mod = default_exp(nb)
        if mod is None:
            continue
        page = page_name(PurePosixPath(nb.relative_to(cfg.nbs_path).as_posix()))
        if not (out / page).is_file():
            problems.append(f"API page {out.name}/{page} for {nb.relative_to(ROOT)} (module finattn.{mod}) is missing")

    base = site_url(cfg)
    hosts = {base, base.replace("https://", "http://", 1)}
    parsed: dict[Path, _Links] = {}

    def parse(f: Path) -> _Links:
        if f not in parsed:
            p = _Links()
            p.feed(f.read_text(encoding="utf-8", errors="replace"))
            parsed[f] = p
        return parsed[f]

    def local_target(link: str, page: Path) -> tuple[Path, str] | None:
        "The file and fragment an internal link points at, or None for an external link."
        link = link.strip()
        for h in hosts:
            if link == h or link.startswith(h + "/") or link.startswith(h + "#"):
                rest = link[len(h):].lstrip("/")
                return _split(out, rest)
        parts = urlsplit(link)
        if parts.scheme or link.startswith("//"):
            return None  # another site, or mailto:/data:/javascript:
        if not parts.path:
            return page, parts.fragment  # `#id` on the same page
        return _split(page.parent, link)

    pages = sorted(out.rglob("*.html"))
    n_links = 0
    for page in pages:
        for link in parse(page).links:
            t = local_target(link, page)
            if t is None:
                continue
            n_links += 1
            f, frag = t
            where = page.relative_to(out).as_posix()
            if f.is_dir():
                f = f / "index.html"
            if not f.exists():
                problems.append(f"{where}: broken link {link} (no file {f.relative_to(out) if out in f.parents else f})")
            elif frag and f.suffix == ".html" and out.resolve() in f.resolve().parents and unquote(frag) not in parse(f).ids:
                problems.append(f"{where}: broken link {link} (no id #{unquote(frag)} in {f.relative_to(out).as_posix()})")
    sitemap = out / "sitemap.xml"
    if sitemap.exists():
        for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap.read_text(encoding="utf-8")):
            t = local_target(html.unescape(loc), sitemap)
            if t and not t[0].exists():
                problems.append(f"sitemap.xml: {loc} has no page")
    say(f"checked {n_links} internal link(s) in {len(pages)} HTML file(s) under {out.name}/")
    return problems


def _split(folder: Path, link: str) -> tuple[Path, str]:
    parts = urlsplit(link)
    return (folder / unquote(parts.path)).resolve() if parts.path else folder.resolve(), parts.fragment


# ----------------------------------------------------------------------------- main

def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    g = p.add_mutually_exclusive_group()
    g.add_argument("--readme-only", action="store_true", help="only regenerate README.md from the readme notebook")
    g.add_argument("--check-only", action="store_true", help="only check an existing site in doc_path")
    p.add_argument("--n-workers", type=int, default=os.cpu_count() or 1, help="processes for nbdev's notebook processing")
    args = p.parse_args(argv)

    t0 = time.time()
    try:
        cfg = config()
        out = ROOT / cfg.doc_path.name
        if args.readme_only:
            write_readme(cfg, None)
            return 0
        if not args.check_only:
            proc = preprocess(cfg, args.n_workers)
            say(f"nbdev processed notebooks into {proc.relative_to(ROOT)}/ ({time.time() - t0:.1f}s)")
            out = render(cfg, proc)
            say(f"KaTeX {KATEX_VERSION} vendored into site_libs/katex for {vendor_katex(out)} page(s) with maths")
            write_readme(cfg, proc)
        elif not out.is_dir():
            raise BuildFailed(f"{out} does not exist: build it first with `python tools/build_docs.py`")
        problems = check_site(cfg, out) + check_maths(out)
    except BuildFailed as e:
        say(f"FAILED: {e}")
        return 1
    for prob in problems:
        print(f"  {prob}", flush=True)
    if problems:
        say(f"FAILED: {len(problems)} problem(s) in {out.name}/ ({time.time() - t0:.1f}s)")
        return 1
    say(f"OK: {out.name}/ has every page and no broken internal link ({time.time() - t0:.1f}s)")
    return 0


if __name__ == "__main__":  # the guard matters: proc_nbs starts worker processes with `spawn`
    sys.exit(main())
