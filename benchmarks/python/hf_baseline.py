#!/usr/bin/env python3
"""PyTorch / Hugging Face baselines for jbert's GPU benchmarks, on the same shapes, in one process.

What it measures (everything on GPU 0, no network, no files read):

  bandwidth   device-memory bandwidth: a 1 GiB device-to-device tensor copy,
              GB/s = 2 * bytes / time (bytes read + bytes written). This is the
              "measured memory bandwidth" the memory-bound kernels are judged against.
  gemm        torch.matmul (cuBLAS underneath) at M = 4096 tokens and (N, K) in
              {(768, 768), (3072, 768), (768, 3072)}: forward x[M,K] @ w[N,K]^T,
              backward-input dy[M,N] @ w, backward-weight dy^T @ x; fp32 (tf32 off),
              tf32 (allow_tf32) and bf16 (bf16 tensors, bf16 output). TFLOP/s = 2*M*N*K / time.
  attention   F.scaled_dot_product_attention, B=32, H=12, D=64, T in {128, 512}, dropout
              0 and 0.1, bf16 and fp32; forward, and forward+backward (torch.autograd.grad).
              FLOP: forward 4*B*H*T^2*D, backward counted as 2.5x the forward (FlashAttention-2's
              convention, also used for jbert's own kernels).
  layernorm   F.layer_norm over rows 4096 x C 768 (eps 1e-12), forward and backward alone
              (autograd.grad on a kept graph: dx, dgamma, dbeta), float32; GB/s from the fewest
              bytes (forward 8*rows*C + 8*rows, backward 12*rows*C + 8*rows), inputs rotated
              through sets spanning 256 MiB so that L2 does not serve them.
  gelu        F.gelu (exact erf) over 4096 x 3072 floats, forward and backward (8 and 12 bytes
              per element).
  adamw       torch.optim.AdamW(fused=True) step over DistilBERT-base's parameters (28 bytes per
              parameter), and clip_grad_norm_.
  train       one Hugging Face training step of DistilBERT-base for sequence classification
              (DistilBertConfig() defaults, random init through
              AutoModelForSequenceClassification.from_config, 2 labels), B=32, T=128 random tokens,
              no padding: forward with dropout + cross-entropy, backward, clip_grad_norm_(1.0),
              AdamW (fused when available, lr 5e-5, weight decay 0.01 off for biases and
              LayerNorm weights as HF's Trainer), zero_grad. fp32 (tf32 off), tf32
              (torch.backends.cuda.matmul.allow_tf32 = True) and bf16 (torch.autocast bfloat16
              around forward and loss). Warm-up, then the median of timed steps, each ended by
              torch.cuda.synchronize(). seq/s = 32 / median.

Kernel timings use CUDA events around a loop of back-to-back calls (after warm-up) and report
the median over repetitions. The JSON goes to stdout (and to --out); progress goes to stderr.
A part that fails is recorded under "errors" and the others still run; the exit status is 1
then, 3 when there is no PyTorch or no CUDA GPU, 0 otherwise. Sized to run in well under 3 minutes
on an H100 (expected: about a minute, --quick about half; not yet timed on one).

Usage: python3 benchmarks/python/hf_baseline.py [--quick] [--only PART[,PART...]] [--out FILE]
"""

import argparse
import datetime
import json
import statistics
import sys
import time
import traceback

PARTS = ("bandwidth", "gemm", "attention", "layernorm", "gelu", "adamw", "train")

M = 4096                                   # B*T tokens of the GEMM and LayerNorm shapes
GEMM_SHAPES = ((768, 768), (3072, 768), (768, 3072))   # (N, K) of the weight [N, K]
ATTN_B, ATTN_H, ATTN_D = 32, 12, 64
ATTN_T = (128, 512)
ATTN_DROPOUT = (0.0, 0.1)
LN_ROWS, LN_C = 4096, 768
GELU_N = 4096 * 3072
TRAIN_B, TRAIN_T = 32, 128
ROTATION_BYTES = 256 << 20
BANDWIDTH_FLOATS = 1 << 28                 # 1 GiB of float32


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions and train steps (about half the time)")
    ap.add_argument("--only", default=",".join(PARTS), help="comma-separated parts: " + ",".join(PARTS))
    ap.add_argument("--out", help="also write the JSON to this file")
    args = ap.parse_args()
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    bad = [p for p in parts if p not in PARTS]
    if bad:
        print("hf_baseline.py: unknown part(s) %s (expected some of %s)" % (",".join(bad), ",".join(PARTS)),
              file=sys.stderr)
        return 2

    try:
        import torch
    except ImportError as e:
        print("no PyTorch here (%s): hf_baseline.py needs torch with CUDA" % e, file=sys.stderr)
        return 3
    if not torch.cuda.is_available():
        print("no CUDA GPU here: torch %s reports torch.cuda.is_available() = False" % torch.__version__,
              file=sys.stderr)
        return 3

    reps = 10 if args.quick else 25
    result = {
        "tool": "benchmarks/python/hf_baseline.py",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "quick": args.quick,
        "environment": environment(torch),
        "errors": [],
    }
    t0 = time.time()
    runners = {
        "bandwidth": lambda: bandwidth(torch, reps),
        "gemm": lambda: gemm(torch, reps),
        "attention": lambda: attention(torch, reps),
        "layernorm": lambda: layernorm(torch, reps),
        "gelu": lambda: gelu(torch, reps),
        "adamw": lambda: adamw(torch, reps),
        "train": lambda: train(torch, args.quick),
    }
    for part in parts:
        log("hf_baseline: %s ..." % part)
        start = time.time()
        try:
            result[part] = runners[part]()
            result["errors"].extend(result[part].pop("errors", []))
        except Exception as e:  # keep going: one broken part must not hide the others
            result["errors"].append("%s: %s: %s" % (part, type(e).__name__, first_line(e)))
            log(traceback.format_exc())
        finally:
            torch.cuda.synchronize()
            torch.cuda.empty_cache()
        log("hf_baseline: %s done in %.1f s" % (part, time.time() - start))
    result["seconds"] = round(time.time() - t0, 1)

    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    return 1 if result["errors"] else 0


def first_line(e):
    text = str(e).strip()
    return text.splitlines()[0][:300] if text else ""


def environment(torch):
    p = torch.cuda.get_device_properties(0)
    env = {
        "gpu": torch.cuda.get_device_name(0),
        "sm_count": p.multi_processor_count,
        "memory_gib": round(p.total_memory / 2**30, 1),
        "compute_capability": "%d.%d" % (p.major, p.minor),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version(),
        "python": sys.version.split()[0],
    }
    l2 = getattr(p, "L2_cache_size", None)
    if l2:
        env["l2_mib"] = round(l2 / 2**20, 1)
    try:
        import transformers
        env["transformers"] = transformers.__version__
    except ImportError:
        env["transformers"] = None
    return env


def set_tf32(torch, on):
    torch.backends.cuda.matmul.allow_tf32 = on
    torch.backends.cudnn.allow_tf32 = on


def time_events(torch, fn, reps, inner, warmup=3):
    """Median and min milliseconds per call of fn: CUDA events around `inner` back-to-back calls."""
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    samples = []
    for _ in range(reps):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(inner):
            fn()
        end.record()
        end.synchronize()
        samples.append(start.elapsed_time(end) / inner)
    return statistics.median(samples), min(samples)


def sets_for(bytes_per_call):
    return max(1, min(8, -(-ROTATION_BYTES // max(1, bytes_per_call))))


def rnd(torch, shape, dtype=None, scale=1.0):
    dtype = dtype or torch.float32
    return ((torch.rand(shape, device="cuda", dtype=torch.float32) * 2 - 1) * scale).to(dtype)


# ---------------------------------------------------------------------------- parts

def bandwidth(torch, reps):
    src = rnd(torch, (BANDWIDTH_FLOATS,))
    dst = torch.empty_like(src)
    ms, best = time_events(torch, lambda: dst.copy_(src), reps, inner=5)
    nbytes = 2 * src.numel() * src.element_size()
    return {"what": "device-to-device copy of 1 GiB (float32)", "bytes_moved": nbytes,
            "ms_median": ms, "GBps": nbytes / ms / 1e6, "GBps_best": nbytes / best / 1e6}


def gemm(torch, reps):
    rows = []
    for precision in ("fp32", "tf32", "bf16"):
        set_tf32(torch, precision == "tf32")
        dtype = torch.bfloat16 if precision == "bf16" else torch.float32
        for n, k in GEMM_SHAPES:
            x = rnd(torch, (M, k), dtype)
            w = rnd(torch, (n, k), dtype, 0.05)
            dy = rnd(torch, (M, n), dtype, 0.01)
            out = torch.empty((M, n), device="cuda", dtype=dtype)
            dx = torch.empty((M, k), device="cuda", dtype=dtype)
            dw = torch.empty((n, k), device="cuda", dtype=dtype)
            ops = {
                "forward": lambda: torch.matmul(x, w.t(), out=out),
                "backwardInput": lambda: torch.matmul(dy, w, out=dx),
                "backwardWeight": lambda: torch.matmul(dy.t(), x, out=dw),
            }
            flop = 2.0 * M * n * k
            for op, fn in ops.items():
                ms, best = time_events(torch, fn, reps, inner=20)
                rows.append({"op": op, "precision": precision, "m": M, "n": n, "k": k,
                             "us_median": ms * 1e3, "tflops": flop / ms / 1e9, "tflops_best": flop / best / 1e9})
    set_tf32(torch, False)
    return {"what": "torch.matmul (cuBLAS); bf16 rows read and write bf16", "rows": rows}


def attention(torch, reps):
    import torch.nn.functional as F
    rows = []
    errors = []
    b, h, d = ATTN_B, ATTN_H, ATTN_D
    for dtype_name, dtype in (("bf16", torch.bfloat16), ("fp32", torch.float32)):
        for t in ATTN_T:
            # the model's layout: [B, T, H*D] viewed as [B, H, T, D] (strided, as HF passes it)
            def heads(scale):
                return rnd(torch, (b, t, h * d), dtype, scale).view(b, t, h, d).transpose(1, 2)
            q, k, v = heads(1.0), heads(1.0), heads(1.0)
            dout = heads(0.01).contiguous()
            shape = {"dtype": dtype_name, "batch": b, "heads": h, "head_size": d, "seq_len": t}
            for p in ATTN_DROPOUT:
                try:
                    rows.extend(attention_case(torch, F, q, k, v, dout, p, reps, dict(shape, dropout=p)))
                except Exception as e:  # e.g. no kernel for this dtype with dropout: record it, go on
                    errors.append("attention %s T=%d dropout=%g: %s: %s" % (dtype_name, t, p, type(e).__name__,
                                                                          first_line(e)))
            del q, k, v, dout
    return {"what": "F.scaled_dot_product_attention (PyTorch picks the backend: FlashAttention-2 for bf16, "
                    "memory-efficient attention for fp32); no mask", "rows": rows, "errors": errors}


def attention_case(torch, F, q, k, v, dout, p, reps, shape):
    b, h, t, d = q.shape
    fwd_flop = 4.0 * b * h * t * t * d

    def forward():
        return F.scaled_dot_product_attention(q, k, v, dropout_p=p)
    ms, best = time_events(torch, forward, reps, inner=10)
    rows = [dict(shape, **{"pass": "forward", "us_median": ms * 1e3, "tflops": fwd_flop / ms / 1e9,
                           "tflops_best": fwd_flop / best / 1e9})]
    qg, kg, vg = (z.detach().requires_grad_(True) for z in (q, k, v))

    def forward_backward():
        o = F.scaled_dot_product_attention(qg, kg, vg, dropout_p=p)
        return torch.autograd.grad(o, (qg, kg, vg), dout)
    ms, best = time_events(torch, forward_backward, reps, inner=5)
    rows.append(dict(shape, **{"pass": "forwardBackward", "us_median": ms * 1e3,
                               "tflops": 3.5 * fwd_flop / ms / 1e9, "tflops_best": 3.5 * fwd_flop / best / 1e9}))
    return rows


def layernorm(torch, reps):
    import torch.nn.functional as F
    n = LN_ROWS * LN_C
    sets = sets_for(12 * n)
    gamma = rnd(torch, (LN_C,), scale=0.1) + 1
    beta = rnd(torch, (LN_C,), scale=0.1)
    xs = [(rnd(torch, (LN_ROWS, LN_C), scale=2.0) + 1) for _ in range(sets)]
    state = {"i": 0}

    def forward():
        i = state["i"] = (state["i"] + 1) % sets
        return F.layer_norm(xs[i], (LN_C,), gamma, beta, 1e-12)
    fwd_ms, fwd_best = time_events(torch, forward, reps, inner=24)

    g = gamma.detach().requires_grad_(True)
    bt = beta.detach().requires_grad_(True)
    xg = [x.detach().requires_grad_(True) for x in xs]
    yg = [F.layer_norm(x, (LN_C,), g, bt, 1e-12) for x in xg]
    douts = [rnd(torch, (LN_ROWS, LN_C)) for _ in range(sets)]

    def backward():
        i = state["i"] = (state["i"] + 1) % sets
        return torch.autograd.grad(yg[i], (xg[i], g, bt), douts[i], retain_graph=True)
    bwd_ms, bwd_best = time_events(torch, backward, reps, inner=24)
    fwd_bytes = 8 * n + 8 * LN_ROWS
    bwd_bytes = 12 * n + 8 * LN_ROWS
    return {"what": "F.layer_norm float32, rows 4096 x C 768; backward = dx, dgamma, dbeta", "sets": sets,
            "rows": [
                {"pass": "forward", "us_median": fwd_ms * 1e3, "bytes": fwd_bytes, "GBps": fwd_bytes / fwd_ms / 1e6,
                 "GBps_best": fwd_bytes / fwd_best / 1e6},
                {"pass": "backward", "us_median": bwd_ms * 1e3, "bytes": bwd_bytes, "GBps": bwd_bytes / bwd_ms / 1e6,
                 "GBps_best": bwd_bytes / bwd_best / 1e6},
            ]}


def gelu(torch, reps):
    import torch.nn.functional as F
    sets = sets_for(8 * GELU_N)
    xs = [rnd(torch, (GELU_N,), scale=3.0) for _ in range(sets)]
    douts = [rnd(torch, (GELU_N,)) for _ in range(sets)]
    state = {"i": 0}

    def forward():
        i = state["i"] = (state["i"] + 1) % sets
        return F.gelu(xs[i])

    def backward():
        i = state["i"] = (state["i"] + 1) % sets
        return torch.ops.aten.gelu_backward(douts[i], xs[i])
    fwd_ms, _ = time_events(torch, forward, reps, inner=24)
    bwd_ms, _ = time_events(torch, backward, reps, inner=24)
    return {"what": "exact (erf) GELU over 4096 x 3072 float32 (F.gelu, aten.gelu_backward)", "sets": sets,
            "rows": [
                {"pass": "forward", "us_median": fwd_ms * 1e3, "bytes": 8 * GELU_N, "GBps": 8 * GELU_N / fwd_ms / 1e6},
                {"pass": "backward", "us_median": bwd_ms * 1e3, "bytes": 12 * GELU_N,
                 "GBps": 12 * GELU_N / bwd_ms / 1e6},
            ]}


def distilbert(torch):
    from transformers import AutoModelForSequenceClassification, DistilBertConfig
    config = DistilBertConfig(num_labels=2)
    return AutoModelForSequenceClassification.from_config(config).cuda()


def make_adamw(torch, model):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        (no_decay if name.endswith("bias") or "layer_norm" in name.lower() or "LayerNorm" in name else decay).append(p)
    groups = [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}]
    try:
        return torch.optim.AdamW(groups, lr=5e-5, fused=True), True
    except (RuntimeError, TypeError, ValueError):
        return torch.optim.AdamW(groups, lr=5e-5), False


def adamw(torch, reps):
    model = distilbert(torch)
    params = [p for p in model.parameters() if p.requires_grad]
    count = sum(p.numel() for p in params)
    for p in params:
        p.grad = (torch.rand_like(p) * 2 - 1) * 5e-4
    opt, fused = make_adamw(torch, model)
    step_ms, _ = time_events(torch, opt.step, reps, inner=3)
    clip_ms, _ = time_events(torch, lambda: torch.nn.utils.clip_grad_norm_(params, 1.0), reps, inner=3)
    return {"what": "torch.optim.AdamW step and clip_grad_norm_ over DistilBERT-base (2 labels)",
            "parameters": count, "fused": fused,
            "step_us_median": step_ms * 1e3, "step_GBps": 28 * count / step_ms / 1e6,
            "clip_grad_norm_us_median": clip_ms * 1e3}


def train(torch, quick):
    warmup, steps = (5, 10) if quick else (10, 30)
    model = distilbert(torch)
    model.train()
    torch.manual_seed(7)
    ids = torch.randint(1000, 30000, (TRAIN_B, TRAIN_T), device="cuda")
    mask = torch.ones((TRAIN_B, TRAIN_T), device="cuda", dtype=torch.long)
    labels = torch.randint(0, 2, (TRAIN_B,), device="cuda")
    params = [p for p in model.parameters() if p.requires_grad]
    rows = []
    fused = None
    for precision in ("fp32", "tf32", "bf16"):
        set_tf32(torch, precision == "tf32")
        opt, fused = make_adamw(torch, model)
        autocast = precision == "bf16"

        def step():
            with torch.autocast("cuda", dtype=torch.bfloat16, enabled=autocast):
                loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
        for _ in range(warmup):
            step()
        torch.cuda.synchronize()
        times = []
        for _ in range(steps):
            start = time.perf_counter()
            step()
            torch.cuda.synchronize()
            times.append(time.perf_counter() - start)
        ms = statistics.median(times) * 1e3
        rows.append({"precision": precision, "batch": TRAIN_B, "seq_len": TRAIN_T, "steps": steps,
                     "ms_median": ms, "ms_min": min(times) * 1e3, "seq_per_s": TRAIN_B / ms * 1e3})
    set_tf32(torch, False)
    return {"what": "HF DistilBertForSequenceClassification training step (random init, DistilBertConfig() "
                    "defaults, 2 labels), B=32 T=128, forward+CE, backward, clip 1.0, AdamW, zero_grad",
            "adamw_fused": fused, "attn_implementation": getattr(model.config, "_attn_implementation", None),
            "parameters": sum(p.numel() for p in params), "rows": rows}


if __name__ == "__main__":
    sys.exit(main())
