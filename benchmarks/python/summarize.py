#!/usr/bin/env python3
"""Turns the GPU benchmarks' raw results into the table docs/kernels.md quotes.

Reads the JMH JSON of the dev.jbert.bench.gpu benchmarks (one or more files) and the JSON of
hf_baseline.py, and prints, per kernel family, the median time of each benchmark, the rate it
implies (TFLOP/s for the products and attention, GB/s for the memory-bound kernels, sequences/s for
the training step), the limit it is judged against and the PyTorch / cuBLAS figure on the same
shape. Medians are taken over every measured JMH iteration (JMH's own "score" is a mean).

The work and byte counts are the ones the benchmarks' Javadoc states: 2*M*N*K per product;
4*B*H*T^2*D per attention forward, 3.5x that forward+backward; the fewest bytes each memory-bound
kernel must move (every input read once, every output written once).

Usage: python3 benchmarks/python/summarize.py --jmh jmh-gpu.json [--jmh more.json] [--baseline hf-baseline.json]
Only the standard library is needed; missing inputs leave their columns empty.
"""

import argparse
import json
import statistics
import sys

PREFIX = "dev.jbert.bench.gpu."
# H100 SXM dense tensor-core and CUDA-core peaks (TFLOP/s): the limits the products are judged against
PEAK_TFLOPS = {"FP32": 67.0, "TF32": 494.0, "BF16": 989.0}
NOMINAL_HBM_GBPS = 3350.0
DISTILBERT_PARAMETERS = 66_955_010


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jmh", action="append", default=[], help="JMH JSON result file (repeatable)")
    ap.add_argument("--baseline", help="hf_baseline.py JSON")
    args = ap.parse_args()

    runs = []
    for path in args.jmh:
        try:
            with open(path) as f:
                runs.extend(json.load(f))
        except (OSError, ValueError) as e:
            print("summarize: cannot read JMH results %s: %s" % (path, e), file=sys.stderr)
    base = {}
    if args.baseline:
        try:
            with open(args.baseline) as f:
                base = json.load(f)
        except (OSError, ValueError) as e:
            print("summarize: cannot read baseline %s: %s" % (args.baseline, e), file=sys.stderr)

    by_name = {}
    for r in runs:
        name = r.get("benchmark", "")
        if name.startswith(PREFIX):
            by_name.setdefault(name[len(PREFIX):], []).append(r)

    out = []
    env = base.get("environment", {})
    if env:
        out.append("GPU (PyTorch's view): %s, %s SMs, torch %s, CUDA %s, transformers %s" % (
            env.get("gpu"), env.get("sm_count"), env.get("torch"), env.get("cuda"), env.get("transformers")))
    bw = (base.get("bandwidth") or {}).get("GBps")
    out.append("Measured device-memory bandwidth (1 GiB copy, read+write): %s GB/s (nominal HBM3: %.0f)" % (
        fmt(bw, 0), NOMINAL_HBM_GBPS))
    out.append("")
    gemm_table(out, by_name, base)
    attention_table(out, by_name, base)
    memory_table(out, by_name, base, bw)
    train_table(out, by_name, base)
    if base.get("errors"):
        out.append("Baseline errors: " + "; ".join(base["errors"]))
    if not runs:
        out.append("(no JMH results given)")
    print("\n".join(out))
    return 0


def median_score(run):
    raw = [x for fork in run["primaryMetric"].get("rawData", []) for x in fork]
    return statistics.median(raw) if raw else run["primaryMetric"]["score"]


def to_us(run):
    unit = run["primaryMetric"]["scoreUnit"]
    v = median_score(run)
    return v * {"ns/op": 1e-3, "us/op": 1.0, "ms/op": 1e3, "s/op": 1e6}[unit]


def fmt(v, digits=1):
    return "-" if v is None else ("%." + str(digits) + "f") % v


def gemm_table(out, by_name, base):
    torch_rows = {}
    for r in (base.get("gemm") or {}).get("rows", []):
        torch_rows[(r["op"], r["precision"].upper(), r["n"], r["k"])] = r["tflops"]
    rows = {}
    ms = sorted({int(run["params"]["m"]) for op in ("forward", "backwardInput", "backwardWeight")
                 for run in by_name.get("GemmGpuBenchmark." + op, [])}) or [4096]
    for op in ("forward", "backwardInput", "backwardWeight"):
        for run in by_name.get("GemmGpuBenchmark." + op, []):
            p = run["params"]
            n, k = (int(x) for x in p["shape"].split("x"))
            m = int(p["m"])
            us = to_us(run)
            rows.setdefault((p["precision"], p["shape"], op), {})[p["impl"]] = (us, 2.0 * m * n * k / us / 1e6)
    if not rows and not torch_rows:
        return
    out.append("GEMM, M = %s (TFLOP/s = 2MNK / time; %% of the H100 SXM dense peak; goal: bf16 >= 80%% of cuBLAS)"
               % ",".join(str(m) for m in ms))
    out.append("%-5s %-9s %-15s %9s %9s %7s %10s %12s %9s" % (
        "prec", "NxK", "op", "jbert us", "jbert TF", "% peak", "cuBLAS TF", "torch.mm TF", "jb/cuBLAS"))
    shapes = ["768x768", "3072x768", "768x3072"]
    ops = ["forward", "backwardInput", "backwardWeight"]
    keys = sorted(set(rows) | {(pr, "%dx%d" % (n, k), op) for (op, pr, n, k) in torch_rows},
                  key=lambda x: (["FP32", "TF32", "BF16"].index(x[0]),
                                 shapes.index(x[1]) if x[1] in shapes else len(shapes), x[1], ops.index(x[2])))
    for prec, shape, op in keys:
        r = rows.get((prec, shape, op), {})
        n, k = (int(x) for x in shape.split("x"))
        jb = r.get("jbert")
        cb = r.get("cublas")
        tm = torch_rows.get((op, prec, n, k))
        ref = cb[1] if cb else tm
        out.append("%-5s %-9s %-15s %9s %9s %7s %10s %12s %9s" % (
            prec, shape, op, fmt(jb and jb[0]), fmt(jb and jb[1]),
            fmt(jb and 100 * jb[1] / PEAK_TFLOPS[prec], 0), fmt(cb and cb[1]), fmt(tm),
            fmt(jb and ref and jb[1] / ref, 2)))
    out.append("")


def attention_table(out, by_name, base):
    sdpa = {}
    for r in (base.get("attention") or {}).get("rows", []):
        sdpa[(r["pass"], r["dtype"], int(r["seq_len"]), float(r["dropout"]))] = r["tflops"]
    rows = []
    shapes = set()
    for op, factor in (("forward", 1.0), ("forwardBackward", 3.5)):
        for run in by_name.get("AttentionGpuBenchmark." + op, []):
            p = run["params"]
            b, h, d, t = int(p["batch"]), int(p["heads"]), int(p["headSize"]), int(p["seqLen"])
            us = to_us(run)
            flop = factor * 4.0 * b * h * t * t * d
            shapes.add("B=%d H=%d D=%d" % (b, h, d))
            rows.append((op, p.get("precision", "fp32"), t, float(p["dropout"]), us, flop / us / 1e6))
    if not rows and not sdpa:
        return
    out.append("Attention, %s (jbert fp32 and bf16 kernels; TFLOP/s with the backward counted as 2.5x the forward;"
               " goal: fwd+bwd >= SDPA bf16 / FlashAttention-2)" % (", ".join(sorted(shapes)) or "B=32 H=12 D=64"))
    out.append("%-16s %5s %5s %7s %10s %9s %11s %11s %11s" % (
        "pass", "prec", "T", "dropout", "jbert us", "jbert TF", "SDPA bf16", "SDPA fp32", "jb/SDPAbf16"))
    precisions = sorted({pr for (_, pr, _, _, _, _) in rows}) or ["fp32"]
    keys = sorted({(o, pr, t, p) for (o, pr, t, p, _, _) in rows}
                  | {(o, pr, t, p) for (o, dt, t, p) in sdpa for pr in precisions})
    found = {(o, pr, t, p): (us, tf) for (o, pr, t, p, us, tf) in rows}
    for op, pr, t, p in keys:
        jb = found.get((op, pr, t, p))
        bf = sdpa.get((op, "bf16", t, p))
        f32 = sdpa.get((op, "fp32", t, p))
        out.append("%-16s %5s %5d %7.2f %10s %9s %11s %11s %11s" % (
            op, pr, t, p, fmt(jb and jb[0]), fmt(jb and jb[1]), fmt(bf), fmt(f32), fmt(jb and bf and jb[1] / bf, 2)))
    out.append("")


def memory_bytes(name, p):
    """Fewest bytes a memory-bound benchmark moves per operation (as its Javadoc states)."""
    if name.startswith("LayerNormGpuBenchmark."):
        rows, c = int(p["rows"]), int(p["channels"])
        return (8 if name.endswith("forward") else 12) * rows * c + 8 * rows
    if name.startswith("ElementwiseGpuBenchmark."):
        rows, hidden, ffn = int(p["rows"]), int(p["hidden"]), int(p["ffn"])
        return {"geluForward": 8 * rows * ffn, "geluBackward": 12 * rows * ffn,
                "dropoutForward": 12 * rows * hidden, "residualAdd": 12 * rows * hidden}[name.split(".")[1]]
    if name.startswith("EmbeddingGpuBenchmark."):
        b, t, c = int(p["batch"]), int(p["seqLen"]), int(p["hidden"])
        return 4 * b * t + 8 * b * t * c + 4 * t * c if name.endswith("forward") else 4 * b * t + 12 * b * t * c
    if name.startswith("OptimizerGpuBenchmark."):
        return (28 if name.endswith("adamwStep") else 4) * DISTILBERT_PARAMETERS
    return None


def memory_table(out, by_name, base, bw):
    torch_gbps = {}
    for part, prefix in (("layernorm", "LayerNormGpuBenchmark."), ("gelu", "ElementwiseGpuBenchmark.gelu")):
        for r in (base.get(part) or {}).get("rows", []):
            key = prefix + (r["pass"] if part == "layernorm" else r["pass"].capitalize())
            torch_gbps[key] = r["GBps"]
    adam = base.get("adamw") or {}
    if adam.get("step_GBps"):
        torch_gbps["OptimizerGpuBenchmark.adamwStep"] = adam["step_GBps"]
    names = [n for n in sorted(by_name) if memory_bytes(n, by_name[n][0]["params"]) is not None]
    if not names:
        return
    out.append("Memory-bound kernels (GB/s = fewest bytes / time; % of the measured copy bandwidth; goal: LayerNorm"
               " >= 85%)")
    out.append("%-38s %10s %9s %8s %10s" % ("kernel", "jbert us", "GB/s", "% meas.", "PyTorch GB/s"))
    for name in names:
        for run in by_name[name]:
            us = to_us(run)
            gbps = memory_bytes(name, run["params"]) / us / 1e3
            out.append("%-38s %10s %9s %8s %10s" % (
                name, fmt(us), fmt(gbps, 0), fmt(bw and 100 * gbps / bw, 0), fmt(torch_gbps.get(name), 0)))
    out.append("")


def train_table(out, by_name, base):
    hf = {r["precision"].upper(): r["seq_per_s"] for r in (base.get("train") or {}).get("rows", [])}
    runs = by_name.get("TrainStepGpuBenchmark.trainStep", [])
    if not runs and not hf:
        return
    out.append("DistilBERT-base training step, B=32 T=128 (seq/s; goal: >= 1.5x Hugging Face)")
    out.append("%-5s %10s %10s %10s %8s" % ("prec", "jbert ms", "jbert/s", "HF seq/s", "jb/HF"))
    found = {}
    for run in runs:
        p = run["params"]
        ms = to_us(run) / 1e3
        found[p["precision"]] = (ms, int(p["batch"]) / ms * 1e3)
    for prec in ("FP32", "TF32", "BF16"):
        jb = found.get(prec)
        h = hf.get(prec)
        if jb is None and h is None:
            continue
        out.append("%-5s %10s %10s %10s %8s" % (prec, fmt(jb and jb[0]), fmt(jb and jb[1]), fmt(h),
                                                fmt(jb and h and jb[1] / h, 2)))
    out.append("")


if __name__ == "__main__":
    sys.exit(main())
