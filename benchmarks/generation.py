"Greedy generation with a KV cache: finattn's `generate` against HF `generate`, and cached against uncached."
from __future__ import annotations
import torch

from finattn.models.lob_gpt import LOBGPTConfig, LOBTransformer, generate
from ._harness import Context, Row, interleaved


def run(ctx: Context) -> list[Row]:
    from transformers import GPT2Config, GPT2LMHeadModel
    V, d, L, H, P, N = (1024, 128, 2, 4, 16, 32) if ctx.quick else (1024, 512, 6, 8, 32, 256)
    dev, rows = ctx.device, []
    torch.manual_seed(0)
    ours = LOBTransformer(LOBGPTConfig(vocab_size=V, max_len=P + N, d_model=d, n_layers=L, n_heads=H, dropout=0.0)).to(dev).eval()
    hf = GPT2LMHeadModel(GPT2Config(vocab_size=V, n_positions=P + N, n_embd=d, n_layer=L, n_head=H, resid_pdrop=0.0,
                                    embd_pdrop=0.0, attn_pdrop=0.0, bos_token_id=1, eos_token_id=2, attn_implementation='sdpa')).to(dev).eval()
    hf.generation_config.pad_token_id = 0
    for B in (1, 8):
        prompt = torch.randint(3, V, (B, P), device=dev)
        attn = torch.ones_like(prompt)
        fns = {'finattn': lambda: generate(ours, prompt, N, greedy=True),
               'hf': lambda: hf.generate(prompt, attention_mask=attn, max_new_tokens=N, min_new_tokens=N, do_sample=False,
                                         use_cache=True)}
        with torch.no_grad(): t = interleaved(fns, ctx.n(5), ctx.warmup, dev)
        tps = {k: B * N / v for k, v in t.items()}
        rows.append(Row('generation', f'B{B} prompt {P} + {N} new, greedy, cached', 'tokens/s', tps['finattn'], 'hf generate',
                        tps['hf'], '>= 1.5 x HF tokens/s', tps['finattn'] >= 1.5 * tps['hf']))
    prompt = torch.randint(3, V, (1, P), device=dev)
    # uncached is slow (~15 s a call): each round is one uncached call and the mean of 2 cached ones, and the median
    # of 5 rounds decides, so that one slow cached call (~1 s) on this shared machine cannot
    reps, k = (1, 1) if ctx.quick else (ctx.n(5), 2)
    t = interleaved({'cached': lambda: [generate(ours, prompt, N, greedy=True) for _ in range(k)],
                     'uncached': lambda: generate(ours, prompt, N, greedy=True, use_cache=False)}, reps, 0, dev)
    t['cached'] /= k
    same = torch.equal(generate(ours, prompt, 16, greedy=True).tokens, generate(ours, prompt, 16, greedy=True, use_cache=False).tokens)
    rows.append(Row('generation', f'B1 cached vs uncached, {N} new', 'tokens/s', N / t['cached'], 'finattn uncached', N / t['uncached'],
                    'cached >= 10 x uncached', t['uncached'] >= 10 * t['cached'], f'{reps} rounds of {k} cached calls and 1 uncached; same tokens: {same}'))
    # the same comparison with both models' weights in bfloat16 (finattn's decoding path keeps its norms in float32)
    ours_bf, hf_bf = ours.to(torch.bfloat16), hf.to(torch.bfloat16)
    for B in (1, 8):
        prompt = torch.randint(3, V, (B, P), device=dev)
        attn = torch.ones_like(prompt)
        fns = {'finattn': lambda: generate(ours_bf, prompt, N, greedy=True),
               'hf': lambda: hf_bf.generate(prompt, attention_mask=attn, max_new_tokens=N, min_new_tokens=N, do_sample=False,
                                            use_cache=True)}
        with torch.no_grad(): t = interleaved(fns, ctx.n(5), ctx.warmup, dev)
        tps = {k: B * N / v for k, v in t.items()}
        rows.append(Row('generation', f'bf16 weights B{B} prompt {P} + {N} new, greedy, cached', 'tokens/s', tps['finattn'],
                        'hf generate (bf16)', tps['hf'], '>= 1.5 x HF tokens/s', tps['finattn'] >= 1.5 * tps['hf']))
    return rows
