"GPT training step (forward + backward + AdamW): finattn's `LOBTransformer` against HF GPT-2, x-transformers and a plain `nn.TransformerEncoder` LM."
from __future__ import annotations
from contextlib import nullcontext

import torch
import torch.nn.functional as F
from torch import nn

from finattn.cpu_kernels import use_cpu_bf16_attention
from finattn.models.lob_gpt import LOBGPTConfig, LOBTransformer
from ._harness import Context, Row, interleaved


class PlainLM(nn.Module):
    "The baseline: token + position embeddings, a pre-norm causal `nn.TransformerEncoder`, a tied head."
    def __init__(self, V, T, d, L, H, d_ff):
        super().__init__()
        self.tok, self.pos = nn.Embedding(V, d), nn.Embedding(T, d)
        layer = nn.TransformerEncoderLayer(d, H, d_ff, dropout=0.0, activation='gelu', batch_first=True, norm_first=True)
        self.body, self.norm = nn.TransformerEncoder(layer, L, enable_nested_tensor=False), nn.LayerNorm(d)
        self.head = nn.Linear(d, V, bias=False); self.head.weight = self.tok.weight

    def forward(self, x):  # (B, T) -> (B, T, V)
        T = x.shape[1]
        mask = nn.Transformer.generate_square_subsequent_mask(T, device=x.device)
        h = self.body(self.tok(x) + self.pos(torch.arange(T, device=x.device)), mask=mask, is_causal=True)
        return self.head(self.norm(h))


def build_models(V, T, d, L, H, d_ff, dev) -> dict[str, tuple[nn.Module, callable]]:
    "Each contender and a function tokens -> logits (B, T, V); random weights, no downloads."
    from transformers import GPT2Config, GPT2LMHeadModel
    from x_transformers import Decoder, TransformerWrapper
    ours = LOBTransformer(LOBGPTConfig(vocab_size=V, max_len=T, d_model=d, n_layers=L, n_heads=H, d_ff=d_ff, dropout=0.0))
    use_cpu_bf16_attention(ours)   # what finattn's Trainer chooses for bf16 on a CPU (SDPA in fp32 and on GPUs)
    hf = GPT2LMHeadModel(GPT2Config(vocab_size=V, n_positions=T, n_embd=d, n_layer=L, n_head=H, n_inner=d_ff, resid_pdrop=0.0,
                                    embd_pdrop=0.0, attn_pdrop=0.0, bos_token_id=1, eos_token_id=2, attn_implementation='sdpa'))
    xt = TransformerWrapper(num_tokens=V, max_seq_len=T, tie_embedding=True,
                            attn_layers=Decoder(dim=d, depth=L, heads=H, ff_mult=d_ff // d, attn_flash=True))
    plain = PlainLM(V, T, d, L, H, d_ff)
    return {'finattn': (ours.to(dev), lambda x: ours(x).logits),
            'hf-gpt2': (hf.to(dev), lambda x: hf(input_ids=x, use_cache=False).logits),
            'x-transformers': (xt.to(dev), lambda x: xt(x)),
            'nn.TransformerEncoder': (plain.to(dev), plain)}


def model_flops(V, T, d, L, B, d_ff) -> float:
    "Matmul FLOPs of one training step (forward + backward = 3 x forward), attention counted in full."
    per_token = L * (2 * 4 * d * d + 2 * 2 * d * d_ff) + 2 * d * V
    return 3 * (B * T * per_token + L * 2 * 2 * B * T * T * d)


def make_optimizer(model: nn.Module, dev: str) -> torch.optim.Optimizer:
    "The same AdamW for every contender: the fused kernel (one pass over the parameters), as fast as torch offers."
    return torch.optim.AdamW(model.parameters(), lr=1e-4, fused=dev.split(':')[0] in ('cpu', 'cuda'))


def run(ctx: Context, peak: dict | None = None) -> list[Row]:
    V, T, d, L, H, d_ff, B = (1024, 64, 128, 2, 4, 512, 2) if ctx.quick else (1024, 256, 512, 6, 8, 2048, 8)
    dev, rows, reps = ctx.device, [], ctx.n(5)
    torch.manual_seed(0)
    models = build_models(V, T, d, L, H, d_ff, dev)
    x = torch.randint(0, V, (B, T + 1), device=dev)
    inp, tgt = x[:, :-1], x[:, 1:]
    flops = model_flops(V, T, d, L, B, d_ff)
    times = {}
    n_gemm, k_gemm = (512, 4) if ctx.quick else (2048, 8)   # 8 products of 2048^3: ~0.8 s in fp32, ~0.2 s in bf16
    for prec in ('fp32', 'bf16'):
        amp = (lambda: torch.autocast(dev.split(':')[0], dtype=torch.bfloat16)) if prec == 'bf16' else nullcontext
        def step_fn(fwd, opt):
            def step():
                with amp(): loss = F.cross_entropy(fwd(inp).flatten(0, 1).float(), tgt.flatten())
                loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
            return step
        fns = {k: step_fn(f, make_optimizer(m, dev)) for k, (m, f) in models.items()}
        # the GEMM ceiling timed in the same rounds, its best call: on a shared machine a best-of-5 taken minutes earlier can
        # sit in a quiet moment while the steps run under load, and a median can sit in a loaded one (the header's peak is
        # still reported beside it)
        a, b = (torch.randn(n_gemm, n_gemm, device=dev).to(torch.bfloat16 if prec == 'bf16' else torch.float32) for _ in range(2))
        fns['gemm'] = lambda: [a @ b for _ in range(k_gemm)]
        calls = {}
        t = times[prec] = interleaved(fns, reps, ctx.warmup, dev, calls)
        peers = [k for k in t if k not in ('finattn', 'gemm')]
        best = min(peers, key=t.get)
        gf = flops / t['finattn'] / 1e9
        ceil = k_gemm * 2 * n_gemm ** 3 / min(calls['gemm']) / 1e9
        header = (peak or {}).get(f'gemm_{prec}_gflops', float('nan'))
        note = (', '.join(f"{k} {t[k]*1e3:.0f}" for k in peers) + f" ms; finattn {gf:.0f} GFLOP/s = {gf / ceil:.0%} of {prec} GEMM"
                f" at its best in the same rounds ({ceil:.0f} GFLOP/s; {gf / header:.0%} of the header's best-of-5 peak)")
        if prec == 'fp32':
            rows.append(Row('gpt_train', f'fp32 B{B} T{T} d{d} L{L}', 'ms', t['finattn'] * 1e3, best, t[best] * 1e3,
                            '>= 1.0 x fastest peer', t['finattn'] <= t[best], note))
        else:
            rows.append(Row('gpt_train', f'bf16 autocast B{B} T{T} d{d} L{L}', 'ms', t['finattn'] * 1e3, best, t[best] * 1e3,
                            'ahead of every bf16 peer, >= 60 % of bf16 GEMM peak', t['finattn'] <= t[best] and gf >= 0.6 * ceil, note))
            fp32_best = min(times['fp32'][k] for k in peers)
            rows.append(Row('gpt_train', 'bf16 finattn vs fastest fp32 peer', 'ms', t['finattn'] * 1e3, 'fastest fp32 peer',
                            fp32_best * 1e3, '>= 1.5 x faster', fp32_best >= 1.5 * t['finattn'],
                            f"finattn fp32 -> bf16: {times['fp32']['finattn'] / t['finattn']:.2f} x"))
    return rows
