// Runs every jbert CUDA kernel in the CPU emulator (cuda_emu.hpp) on random inputs, with odd
// shapes, and checks it against straightforward double-precision references written from the
// Java CPU backend's definitions (dev.jbert.engine.*). Exactness-sensitive kernels (dropout
// masks, AdamW, elementwise ops) are compared bit for bit with literal ports of the Java code.
// Usage: run-selftest.sh (builds and runs); exit status 0 when everything passes.
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <string>
#include <vector>

#include "cuda_emu.hpp"

using std::vector;

// ---------------------------------------------------------------- entry points under test
extern "C" {
void linear_forward_f32(const float*, const float*, const float*, float*, float*, int, int, int, int);
void linear_backward_input_f32(const float*, const float*, float*, int, int, int, int);
void linear_backward_weight_f32(const float*, const float*, float*, float*, int, int, int, int);
void linear_forward_tf32(const float*, const float*, const float*, float*, float*, int, int, int, int);
void linear_backward_input_tf32(const float*, const float*, float*, int, int, int, int);
void linear_backward_weight_tf32(const float*, const float*, float*, float*, int, int, int, int);
void linear_forward_bf16(const float*, const float*, const float*, float*, float*, int, int, int, int);
void linear_backward_input_bf16(const float*, const float*, float*, int, int, int, int);
void linear_backward_weight_bf16(const float*, const float*, float*, float*, int, int, int, int);
void bias_grad(const float*, float*, float*, int, int);
void splitk_reduce(const float*, float*, int, int);
void activation_forward(const float*, float*, int, int);
void activation_backward(const float*, const float*, float*, int, int);
void residual_add(const float*, const float*, float*, int);
void dropout_mask(float*, int, unsigned long long, unsigned int, unsigned long long, double);
void dropout_forward(const float*, float*, float*, int, unsigned long long, unsigned int, unsigned long long, double);
void dropout_backward(const float*, const float*, float*, int);
void layernorm_forward(const float*, const float*, const float*, float*, float*, float*, int, int, float);
void layernorm_backward_input(const float*, const float*, const float*, const float*, const float*, float*, int, int);
void layernorm_backward_params(const float*, const float*, const float*, const float*, float*, float*, float*, int,
                               int);
void layernorm_backward_params_finish(const float*, float*, float*, int, int);
void attention_forward_d32(const float*, const float*, const float*, const float*, float*, float*, float*, int, int,
                           int, int, unsigned long long, unsigned int, unsigned long long, double);
void attention_forward_d64(const float*, const float*, const float*, const float*, float*, float*, float*, int, int,
                           int, int, unsigned long long, unsigned int, unsigned long long, double);
void attention_backward_delta(const float*, const float*, float*, int, int, int, int);
void attention_backward_dkdv_d32(const float*, const float*, const float*, const float*, const float*, const float*,
                                 const float*, float*, float*, int, int, int, int, unsigned long long, unsigned int,
                                 unsigned long long, double);
void attention_backward_dkdv_d64(const float*, const float*, const float*, const float*, const float*, const float*,
                                 const float*, float*, float*, int, int, int, int, unsigned long long, unsigned int,
                                 unsigned long long, double);
void attention_backward_dq_d32(const float*, const float*, const float*, const float*, const float*, const float*,
                               const float*, float*, int, int, int, int, unsigned long long, unsigned int,
                               unsigned long long, double);
void attention_backward_dq_d64(const float*, const float*, const float*, const float*, const float*, const float*,
                               const float*, float*, int, int, int, int, unsigned long long, unsigned int,
                               unsigned long long, double);
void cross_entropy_loss(const float*, const int*, const float*, float*, float*, int, int, int, double);
void bce_with_logits_loss(const float*, const float*, const float*, float*, float*, int, int, double);
void mse_loss(const float*, const float*, float*, float*, int, double);
void embedding_forward(const int*, const int*, const float*, const float*, const float*, float*, int, int, int);
void embedding_backward_word(const int*, const float*, float*, int, int, int);
void embedding_backward_position(const float*, float*, int, int, int);
void embedding_backward_type(const int*, const float*, float*, float*, int, int, int);
void grad_norm_partial(const float*, const long long*, const int*, const int*, int, int, double*);
void grad_norm_finish(const double*, const int*, const int*, int, double, float*);
void grad_clip_scale(float*, const long long*, const int*, const int*, int, int, const float*);
void adamw_step(float*, const float*, float*, float*, const long long*, const int*, const int*, int, int, float, float,
                float, float, float, float, float, const float*);
}

using emu::launch;

// ---------------------------------------------------------------- checking
static int failures = 0, checks = 0;

static void report(const std::string& what, bool ok, const std::string& detail) {
    checks++;
    if (!ok) failures++;
    printf("%s  %-58s %s\n", ok ? "PASS" : "FAIL", what.c_str(), detail.c_str());
}

// |got − want| <= atol + rtol·|want| everywhere (NaN must match NaN).
static void check_close(const std::string& what, const vector<float>& got, const vector<double>& want, double rtol,
                        double atol) {
    double worst = 0.0;
    long bad = -1;
    for (size_t i = 0; i < want.size(); i++) {
        double g = got[i], w = want[i];
        if (isnan(w) || isnan(g)) {
            if (!(isnan(w) && isnan(g)) && bad < 0) bad = (long)i;
            continue;
        }
        if (isinf(w) || isinf(g)) {
            if (g != w && bad < 0) bad = (long)i;
            continue;
        }
        double err = fabs(g - w), tol = atol + rtol * fabs(w);
        if (err / tol > worst) worst = err / tol;
        if (err > tol && bad < 0) bad = (long)i;
    }
    char buf[200];
    if (bad >= 0) {
        snprintf(buf, sizeof buf, "first bad [%ld]: got %.9g want %.9g (worst err/tol %.3g)", bad, got[bad], want[bad],
                 worst);
    } else {
        snprintf(buf, sizeof buf, "worst err/tol %.3g over %zu values", worst, want.size());
    }
    report(what, bad < 0, buf);
}

static void check_bits(const std::string& what, const vector<float>& got, const vector<float>& want) {
    long bad = -1;
    for (size_t i = 0; i < want.size() && bad < 0; i++)
        if (memcmp(&got[i], &want[i], 4) != 0) bad = (long)i;
    char buf[200];
    if (bad >= 0) {
        snprintf(buf, sizeof buf, "first difference [%ld]: got %.9g want %.9g", bad, got[bad], want[bad]);
    } else {
        snprintf(buf, sizeof buf, "bit-identical, %zu values", want.size());
    }
    report(what, bad < 0, buf);
}

// ---------------------------------------------------------------- inputs
static unsigned long long rng_state = 0x9E3779B97F4A7C15ull;
static double uniform() {  // [0, 1)
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}
static vector<float> randv(size_t n, double lo = -1.0, double hi = 1.0) {
    vector<float> v(n);
    for (auto& x : v) x = (float)(lo + (hi - lo) * uniform());
    return v;
}
static vector<double> widen(const vector<float>& v) { return vector<double>(v.begin(), v.end()); }
static int grid_for(long long n, int block = 256) {
    long long g = (n + block - 1) / block;
    return (int)(g < 1 ? 1 : g);
}

// ---------------------------------------------------------------- Java ports
// dev.jbert.engine.train.DropoutRng, literally (64-bit products as in the Java code).
static void philox_java(unsigned int c[4], unsigned int key0, unsigned int key1) {
    const unsigned long long M0 = 0xD2511F53ull, M1 = 0xCD9E8D57ull;
    unsigned int x0 = c[0], x1 = c[1], x2 = c[2], x3 = c[3];
    for (int round = 0; round < 10; round++) {
        unsigned long long p0 = (unsigned long long)x0 * M0;
        unsigned long long p1 = (unsigned long long)x2 * M1;
        unsigned int y0 = (unsigned int)(p1 >> 32) ^ x1 ^ key0;
        unsigned int y2 = (unsigned int)(p0 >> 32) ^ x3 ^ key1;
        x1 = (unsigned int)p1;
        x3 = (unsigned int)p0;
        x0 = y0;
        x2 = y2;
        key0 += 0x9E3779B9u;
        key1 += 0xBB67AE85u;
    }
    c[0] = x0; c[1] = x1; c[2] = x2; c[3] = x3;
}
static float dropout_java(unsigned long long seed, unsigned int stream, unsigned long long counter, double p,
                          unsigned long long e) {
    unsigned int c[4] = {(unsigned int)(e >> 2), (unsigned int)counter, (unsigned int)(counter >> 32), stream};
    philox_java(c, (unsigned int)seed, (unsigned int)(seed >> 32));
    long long threshold = (long long)floor((1.0 - p) * 4294967296.0);
    float scale = p == 1.0 ? 0.0f : 1.0f / (float)(1.0 - p);
    return (long long)c[e & 3] < threshold ? scale : 0.0f;
}

// Activation references from the definitions (libm erfc/tanh in double), independent of the
// kernels' polynomial.
static double act_ref(int act, double x) {
    switch (act) {
        case 1: return 0.5 * x * erfc(-x / sqrt(2.0));
        case 2: {  // ½x(1 + tanh u) = x/(1 + e^(−2u)), the form without cancellation for x < 0
            double u = 0.79788456080286535588 * (x + 0.044715 * x * x * x);
            return x / (1.0 + exp(-2.0 * u));
        }
        case 3: return x > 0 ? x : (x == x ? 0.0 : x);
        case 4: return tanh(x);
        default: return x;
    }
}
static double act_grad_ref(int act, double x) {
    switch (act) {
        case 1: return 0.5 * erfc(-x / sqrt(2.0)) + x * exp(-0.5 * x * x) / sqrt(2.0 * M_PI);
        case 2: {  // s + x·s·(1 − s)·2u', s = σ(2u)
            double b = 0.79788456080286535588, u = b * (x + 0.044715 * x * x * x);
            double s = 1.0 / (1.0 + exp(-2.0 * u)), oms = 1.0 / (1.0 + exp(2.0 * u));
            return s + x * s * oms * 2.0 * b * (1.0 + 3.0 * 0.044715 * x * x);
        }
        case 3: return x > 0 ? 1.0 : 0.0;
        case 4: { double c = cosh(x); return 1.0 / (c * c); }
        default: return 1.0;
    }
}

// ---------------------------------------------------------------- GEMM
static float round_tf32(float x) {
    unsigned int b; memcpy(&b, &x, 4);
    b = (b + 0x1000u) & 0xFFFFE000u;
    float r; memcpy(&r, &b, 4);
    return r;
}
static float round_bf16(float x) {
    unsigned int b; memcpy(&b, &x, 4);
    b = ((b + 0x7FFFu + ((b >> 16) & 1u)) >> 16) << 16;
    float r; memcpy(&r, &b, 4);
    return r;
}

static void test_gemm(int prec, int M, int N, int K) {
    const char* pn[] = {"f32", "tf32", "bf16"};
    auto rnd = [&](float v) { return prec == 1 ? round_tf32(v) : prec == 2 ? round_bf16(v) : v; };
    char tag[96];
    snprintf(tag, sizeof tag, "%s M=%d N=%d K=%d", pn[prec], M, N, K);
    // the error bound of a K-term product: inputs rounded identically, sums differ in order only
    const double rtol = 2e-5, atol = 2e-5 * sqrt((double)K + 1);

    vector<float> x = randv((size_t)M * K), w = randv((size_t)N * K), bias = randv(N), dy = randv((size_t)M * N);
    // forward, GELU epilogue with pre-activation
    {
        vector<float> out((size_t)M * N, NAN), pre((size_t)M * N, NAN);
        vector<double> wantPre((size_t)M * N), wantOut((size_t)M * N);
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
                double s = 0;
                for (int k = 0; k < K; k++) s += (double)rnd(x[(size_t)i * K + k]) * rnd(w[(size_t)j * K + k]);
                float v = (float)s + bias[j];
                wantPre[(size_t)i * N + j] = v;
                wantOut[(size_t)i * N + j] = act_ref(1, v);
            }
        dim3 grid((N + 127) / 128, (M + 127) / 128);
        auto f = prec == 0 ? linear_forward_f32 : prec == 1 ? linear_forward_tf32 : linear_forward_bf16;
        launch(grid, dim3(256), f, x.data(), w.data(), bias.data(), pre.data(), out.data(), M, N, K, 1);
        check_close(std::string("linear_forward gelu preact ") + tag, pre, wantPre, rtol, atol);
        check_close(std::string("linear_forward gelu out    ") + tag, out, wantOut, rtol, atol);
    }
    // dX = dY·W, accumulate into a non-zero dX
    {
        vector<float> dx0 = randv((size_t)M * K), dx = dx0;
        vector<double> want((size_t)M * K);
        for (int i = 0; i < M; i++)
            for (int j = 0; j < K; j++) {
                double s = 0;
                for (int n = 0; n < N; n++) s += (double)rnd(dy[(size_t)i * N + n]) * rnd(w[(size_t)n * K + j]);
                want[(size_t)i * K + j] = (double)dx0[(size_t)i * K + j] + s;
            }
        dim3 grid((K + 127) / 128, (M + 127) / 128);
        auto f = prec == 0 ? linear_backward_input_f32 : prec == 1 ? linear_backward_input_tf32
                                                                   : linear_backward_input_bf16;
        launch(grid, dim3(256), f, dy.data(), w.data(), dx.data(), M, N, K, 1);
        check_close(std::string("linear_backward_input +=  ") + tag, dx, want, rtol, 2e-5 * sqrt((double)N + 1));
    }
    // dW += dYᵀ·X, one split and split-K with kChunk 32
    for (int kChunk : {M, 32}) {
        vector<float> dw0 = randv((size_t)N * K), dw = dw0;
        vector<double> want((size_t)N * K);
        for (int n = 0; n < N; n++)
            for (int j = 0; j < K; j++) {
                double s = 0;
                for (int i = 0; i < M; i++) s += (double)rnd(dy[(size_t)i * N + n]) * rnd(x[(size_t)i * K + j]);
                want[(size_t)n * K + j] = (double)dw0[(size_t)n * K + j] + s;
            }
        int splits = (M + kChunk - 1) / kChunk;
        vector<float> partial((size_t)splits * N * K, NAN);
        dim3 grid((K + 127) / 128, (N + 127) / 128, splits);
        auto f = prec == 0 ? linear_backward_weight_f32 : prec == 1 ? linear_backward_weight_tf32
                                                                    : linear_backward_weight_bf16;
        launch(grid, dim3(256), f, dy.data(), x.data(), dw.data(), partial.data(), M, N, K, kChunk);
        if (splits > 1) launch(dim3(grid_for((long long)N * K)), dim3(256), splitk_reduce, partial.data(), dw.data(), splits, N * K);
        char t2[140];
        snprintf(t2, sizeof t2, "linear_backward_weight splits=%d %s", splits, tag);
        check_close(t2, dw, want, rtol, 2e-5 * sqrt((double)M + 1));
    }
}

static void test_bias_grad() {
    const int M = 300, N = 70;
    vector<float> dy = randv((size_t)M * N);
    for (int slabs : {1, 5}) {
        vector<float> db0 = randv(N), db = db0, partial((size_t)slabs * N, NAN);
        vector<double> want(N);
        for (int n = 0; n < N; n++) {
            double s = db0[n];
            for (int m = 0; m < M; m++) s += dy[(size_t)m * N + n];
            want[n] = s;
        }
        launch(dim3((N + 31) / 32, slabs), dim3(32, 8), bias_grad, dy.data(), db.data(), partial.data(), M, N);
        if (slabs > 1) launch(dim3(1), dim3(256), splitk_reduce, partial.data(), db.data(), slabs, N);
        check_close("bias_grad slabs=" + std::to_string(slabs), db, want, 1e-5, 1e-5);
    }
}

// ---------------------------------------------------------------- elementwise
static void test_elementwise() {
    vector<float> x = randv(2000, -9.0, 9.0);
    const float specials[] = {0.0f, -0.0f, 1e-30f, -1e-30f, 1e-42f, 30.0f, -30.0f, 100.0f, -100.0f, 1e30f, -1e30f,
                              INFINITY, -INFINITY, NAN, 5.5f, -5.5f, 0.5f, -0.5f};
    for (size_t i = 0; i < sizeof specials / sizeof specials[0]; i++) x[i] = specials[i];
    const int n = (int)x.size();
    const char* names[] = {"none", "gelu", "gelu_tanh", "relu", "tanh"};
    for (int act = 0; act < 5; act++) {
        vector<float> out(n, NAN), dout = randv(n), dx(n, NAN);
        vector<double> want(n), wantGrad(n);
        for (int i = 0; i < n; i++) {
            want[i] = act_ref(act, x[i]);
            double d = act_grad_ref(act, x[i]);
            wantGrad[i] = act == 3 ? (x[i] > 0 ? dout[i] : 0.0) : (double)(float)d * dout[i];
        }
        // (GELU(−∞) is NaN, −∞·0, as in PyTorch; the reference gives the same NaN.)
        launch(dim3(3), dim3(256), activation_forward, x.data(), out.data(), n, act);
        launch(dim3(3), dim3(256), activation_backward, x.data(), dout.data(), dx.data(), n, act);
        check_close(std::string("activation_forward ") + names[act], out, want, 3e-7, 1e-37);
        // derivatives at ±inf/NaN are not compared (the kernels clamp as the CPU does)
        for (int i = 11; i <= 13; i++) { wantGrad[i] = NAN; dx[i] = NAN; }
        check_close(std::string("activation_backward ") + names[act], dx, wantGrad, act == 2 ? 2e-6 : 6e-7, 1e-30);
    }
    vector<float> a = randv(1001), b = randv(1001), sum(1001);
    vector<float> wantSum(1001);
    for (int i = 0; i < 1001; i++) wantSum[i] = a[i] + b[i];
    launch(dim3(2), dim3(256), residual_add, a.data(), b.data(), sum.data(), 1001);
    check_bits("residual_add", sum, wantSum);

    const unsigned long long seed = 0x0123456789ABCDEFull, counter = 0x100000007ull;
    const unsigned int stream = 77;
    for (double p : {0.0, 0.1, 0.5, 1.0, (double)0.1f}) {
        const int m = 1003;
        vector<float> mask(m, NAN), wantMask(m), xin = randv(m), out(m, NAN), mask2(m, NAN), wantOut(m), back(m), wantBack(m);
        for (int e = 0; e < m; e++) {
            wantMask[e] = dropout_java(seed, stream, counter, p, (unsigned long long)e);
            wantOut[e] = xin[e] * wantMask[e];
        }
        launch(dim3(1), dim3(256), dropout_mask, mask.data(), m, seed, stream, counter, p);
        launch(dim3(1), dim3(256), dropout_forward, xin.data(), out.data(), mask2.data(), m, seed, stream, counter, p);
        char t[64];
        snprintf(t, sizeof t, "dropout p=%.9g", p);
        check_bits(std::string(t) + " mask", mask, wantMask);
        check_bits(std::string(t) + " forward out", out, wantOut);
        check_bits(std::string(t) + " forward mask", mask2, wantMask);
        for (int e = 0; e < m; e++) wantBack[e] = xin[e] * wantMask[e];
        launch(dim3(4), dim3(256), dropout_backward, xin.data(), mask.data(), back.data(), m);
        check_bits(std::string(t) + " backward", back, wantBack);
    }
}

// ---------------------------------------------------------------- LayerNorm
static void test_layernorm(int rows, int C) {
    vector<float> x = randv((size_t)rows * C, -2, 3), gamma = randv(C), beta = randv(C), dout = randv((size_t)rows * C);
    const float eps = 1e-12f;
    vector<float> out((size_t)rows * C), mean(rows), rstd(rows);
    vector<double> wantOut((size_t)rows * C), wantMean(rows), wantRstd(rows), wantDx((size_t)rows * C), wantDg(C),
        wantDb(C);
    vector<float> dg0 = randv(C), db0 = randv(C);
    for (int c = 0; c < C; c++) { wantDg[c] = dg0[c]; wantDb[c] = db0[c]; }
    for (int r = 0; r < rows; r++) {
        const float* xr = &x[(size_t)r * C];
        double m = 0, v = 0;
        for (int c = 0; c < C; c++) m += xr[c];
        m /= C;
        for (int c = 0; c < C; c++) v += (xr[c] - m) * (xr[c] - m);
        v /= C;
        double rs = 1.0 / sqrt(v + eps);
        wantMean[r] = m;
        wantRstd[r] = rs;
        double sg = 0, sgn = 0;
        for (int c = 0; c < C; c++) {
            double nrm = (xr[c] - m) * rs;
            wantOut[(size_t)r * C + c] = nrm * gamma[c] + beta[c];
            double g = (double)dout[(size_t)r * C + c] * gamma[c];
            sg += g;
            sgn += g * nrm;
            wantDg[c] += dout[(size_t)r * C + c] * nrm;
            wantDb[c] += dout[(size_t)r * C + c];
        }
        for (int c = 0; c < C; c++) {
            double nrm = (xr[c] - m) * rs, g = (double)dout[(size_t)r * C + c] * gamma[c];
            wantDx[(size_t)r * C + c] = (g - sg / C - nrm * sgn / C) * rs;
        }
    }
    std::string tag = " rows=" + std::to_string(rows) + " C=" + std::to_string(C);
    launch(dim3((rows + 7) / 8), dim3(256), layernorm_forward, x.data(), gamma.data(), beta.data(), out.data(),
           mean.data(), rstd.data(), rows, C, eps);
    check_close("layernorm_forward out" + tag, out, wantOut, 1e-5, 1e-5);
    check_close("layernorm_forward mean" + tag, mean, wantMean, 1e-5, 1e-6);
    check_close("layernorm_forward rstd" + tag, rstd, wantRstd, 1e-5, 0);
    vector<float> dx((size_t)rows * C, NAN);
    launch(dim3((rows + 7) / 8), dim3(256), layernorm_backward_input, dout.data(), x.data(), gamma.data(), mean.data(),
           rstd.data(), dx.data(), rows, C);
    check_close("layernorm_backward_input" + tag, dx, wantDx, 1e-4, 1e-5);
    for (int slabs : {1, 3}) {
        vector<float> dg = dg0, db = db0, partial((size_t)slabs * 2 * C, NAN);
        launch(dim3((C + 31) / 32, slabs), dim3(32, 8), layernorm_backward_params, dout.data(), x.data(), mean.data(),
               rstd.data(), dg.data(), db.data(), partial.data(), rows, C);
        if (slabs > 1)
            launch(dim3((C + 255) / 256), dim3(256), layernorm_backward_params_finish, partial.data(), dg.data(),
                   db.data(), slabs, C);
        check_close("layernorm_backward_params dgamma slabs=" + std::to_string(slabs) + tag, dg, wantDg, 1e-5, 1e-5);
        check_close("layernorm_backward_params dbeta slabs=" + std::to_string(slabs) + tag, db, wantDb, 1e-5, 1e-5);
    }
}

// ---------------------------------------------------------------- attention
static void test_attention(int D, int B, int T, int H, int ldMul, double p, bool padded) {
    const int C = H * D, ld = ldMul * C;
    const unsigned long long seed = 4242, counter = 3;
    const unsigned int stream = 12;
    vector<float> base = randv((size_t)B * T * ld, -1.5, 1.5);
    // q, k, v as slices of one [B·T, ld] buffer when ldMul == 3 (fused QKV), else three buffers
    vector<float> qb = base, kb = randv((size_t)B * T * ld, -1.5, 1.5), vb = randv((size_t)B * T * ld);
    const float* q = qb.data();
    const float* k = ldMul == 3 ? qb.data() + C : kb.data();
    const float* v = ldMul == 3 ? qb.data() + 2 * C : vb.data();
    vector<float> keyMask((size_t)B * T, 1.0f);
    if (padded) {
        for (int t = T - 9; t < T; t++) keyMask[(size_t)(B - 1) * T + t] = 0.0f;  // last sequence padded at the end
        if (B > 2) for (int t = 0; t < T; t++) keyMask[(size_t)1 * T + t] = 0.0f;  // one sequence all padding
    }
    vector<float> dout = randv((size_t)B * T * C);
    const double scale = (float)(1.0 / sqrt((double)D));
    auto Q = [&](int b, int t, int h, int d) { return (double)q[((size_t)b * T + t) * ld + h * D + d]; };
    auto Kf = [&](int b, int t, int h, int d) { return (double)k[((size_t)b * T + t) * ld + h * D + d]; };
    auto V = [&](int b, int t, int h, int d) { return (double)v[((size_t)b * T + t) * ld + h * D + d]; };

    vector<double> wantOut((size_t)B * T * C, 0.0), wantProbs((size_t)B * H * T * T, 0.0), wantLse((size_t)B * H * T);
    vector<double> wantDq((size_t)B * T * ld, 0.0), wantDk((size_t)B * T * ld, 0.0), wantDv((size_t)B * T * ld, 0.0);
    vector<char> rowHasKeys((size_t)B * H * T);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < H; h++) {
            const size_t bh = (size_t)b * H + h;
            vector<double> P((size_t)T * T, 0.0), M((size_t)T * T), dP((size_t)T * T), dS((size_t)T * T);
            for (int i = 0; i < T; i++) {
                double mx = -INFINITY;
                vector<double> s(T);
                for (int j = 0; j < T; j++) {
                    double acc = 0;
                    for (int d = 0; d < D; d++) acc += Q(b, i, h, d) * Kf(b, j, h, d);
                    s[j] = acc * scale;
                    if (keyMask[(size_t)b * T + j] != 0) mx = fmax(mx, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < T; j++) sum += keyMask[(size_t)b * T + j] != 0 ? exp(s[j] - mx) : 0.0;
                rowHasKeys[bh * T + i] = sum > 0;
                wantLse[bh * T + i] = sum > 0 ? mx + log(sum) : INFINITY;
                for (int j = 0; j < T; j++) {
                    P[(size_t)i * T + j] = sum > 0 && keyMask[(size_t)b * T + j] != 0 ? exp(s[j] - mx) / sum : 0.0;
                    M[(size_t)i * T + j] = p > 0 ? dropout_java(seed, stream, counter, p, (bh * T + i) * T + j) : 1.0;
                    wantProbs[(bh * T + i) * T + j] = P[(size_t)i * T + j];
                }
                for (int d = 0; d < D; d++) {
                    double o = 0;
                    for (int j = 0; j < T; j++) o += P[(size_t)i * T + j] * M[(size_t)i * T + j] * V(b, j, h, d);
                    wantOut[((size_t)b * T + i) * C + h * D + d] = o;
                }
            }
            for (int i = 0; i < T; i++) {
                double dot = 0;
                for (int j = 0; j < T; j++) {
                    double acc = 0;
                    for (int d = 0; d < D; d++) acc += (double)dout[((size_t)b * T + i) * C + h * D + d] * V(b, j, h, d);
                    dP[(size_t)i * T + j] = acc * M[(size_t)i * T + j];
                    dot += P[(size_t)i * T + j] * dP[(size_t)i * T + j];
                }
                for (int j = 0; j < T; j++) dS[(size_t)i * T + j] = P[(size_t)i * T + j] * (dP[(size_t)i * T + j] - dot) * scale;
            }
            for (int i = 0; i < T; i++)
                for (int d = 0; d < D; d++) {
                    double aq = 0, ak = 0, av = 0;
                    for (int j = 0; j < T; j++) {
                        aq += dS[(size_t)i * T + j] * Kf(b, j, h, d);
                        ak += dS[(size_t)j * T + i] * Q(b, j, h, d);
                        av += P[(size_t)j * T + i] * M[(size_t)j * T + i] * (double)dout[((size_t)b * T + j) * C + h * D + d];
                    }
                    size_t o = ((size_t)b * T + i) * ld + h * D + d;
                    wantDq[o] = aq;
                    wantDk[o] = ak;
                    wantDv[o] = av;
                }
        }
    vector<float> out((size_t)B * T * C, NAN), lse((size_t)B * H * T, NAN), probs((size_t)B * H * T * T, NAN);
    dim3 grid((T + 31) / 32, H, B);
    auto fwd = D == 32 ? attention_forward_d32 : attention_forward_d64;
    launch(grid, dim3(256), fwd, q, k, v, padded ? keyMask.data() : nullptr, out.data(), lse.data(), probs.data(), B, T,
           H, ld, seed, stream, counter, p);
    char tag[120];
    snprintf(tag, sizeof tag, " D=%d B=%d T=%d H=%d ld=%d p=%g%s", D, B, T, H, ld, p, padded ? " padded" : "");
    check_close(std::string("attention_forward out") + tag, out, wantOut, 1e-4, 1e-5);
    check_close(std::string("attention_forward probs") + tag, probs, wantProbs, 1e-4, 1e-6);
    check_close(std::string("attention_forward lse") + tag, lse, wantLse, 1e-5, 1e-5);

    vector<float> delta((size_t)B * H * T, NAN);
    launch(dim3(grid_for((long long)B * T * H, 8)), dim3(256), attention_backward_delta, dout.data(), out.data(),
           delta.data(), B, T, H, D);
    // gradients land in [B, T, ld] buffers (the dq/dk/dv slices of a fused buffer when ld = 3C)
    vector<float> dq((size_t)B * T * ld, 0.0f), dk((size_t)B * T * ld, 0.0f), dv((size_t)B * T * ld, 0.0f);
    auto dkdv = D == 32 ? attention_backward_dkdv_d32 : attention_backward_dkdv_d64;
    auto dqf = D == 32 ? attention_backward_dq_d32 : attention_backward_dq_d64;
    launch(grid, dim3(256), dkdv, dout.data(), q, k, v, padded ? keyMask.data() : nullptr, lse.data(), delta.data(),
           dk.data(), dv.data(), B, T, H, ld, seed, stream, counter, p);
    launch(grid, dim3(256), dqf, dout.data(), q, k, v, padded ? keyMask.data() : nullptr, lse.data(), delta.data(),
           dq.data(), B, T, H, ld, seed, stream, counter, p);
    check_close(std::string("attention_backward dq") + tag, dq, wantDq, 1e-3, 1e-5);
    check_close(std::string("attention_backward dk") + tag, dk, wantDk, 1e-3, 1e-5);
    check_close(std::string("attention_backward dv") + tag, dv, wantDv, 1e-3, 1e-5);
}

// ---------------------------------------------------------------- losses
static void test_losses() {
    const int B = 13, L = 7;
    vector<float> x = randv((size_t)B * L, -4, 4), cw = randv(L, 0.5, 2.0);
    vector<int> y(B);
    for (int i = 0; i < B; i++) y[i] = (int)(uniform() * L);
    y[3] = -100;
    y[8] = -100;
    for (int weighted = 0; weighted < 2; weighted++) {
        double total = 0, tw = 0;
        vector<double> wantG((size_t)B * L, 0.0);
        auto lse = [&](int i) {
            double mx = -INFINITY, s = 0;
            for (int j = 0; j < L; j++) mx = fmax(mx, x[(size_t)i * L + j]);
            for (int j = 0; j < L; j++) s += exp(x[(size_t)i * L + j] - mx);
            return mx + log(s);
        };
        for (int i = 0; i < B; i++) {
            if (y[i] == -100) continue;
            double w = weighted ? cw[y[i]] : 1.0;
            total += w * (lse(i) - x[(size_t)i * L + y[i]]);
            tw += w;
        }
        const double gs = 0.5;
        for (int i = 0; i < B; i++) {
            if (y[i] == -100) continue;
            double w = weighted ? cw[y[i]] : 1.0, l = lse(i);
            for (int j = 0; j < L; j++) {
                double sm = exp(x[(size_t)i * L + j] - l);
                wantG[(size_t)i * L + j] = gs * w / tw * (j == y[i] ? sm - 1 : sm);
            }
        }
        vector<float> loss(1, NAN), g((size_t)B * L, NAN);
        launch(dim3(1), dim3(256), cross_entropy_loss, x.data(), y.data(), weighted ? cw.data() : nullptr,
               loss.data(), g.data(), B, L, -100, gs);
        std::string tag = weighted ? " weighted" : "";
        check_close("cross_entropy_loss loss" + tag, loss, vector<double>{total / tw}, 1e-6, 0);
        check_close("cross_entropy_loss grad" + tag, g, wantG, 1e-6, 1e-9);
    }
    {
        vector<float> t = randv((size_t)B * L, 0, 1), pw = randv(L, 0.5, 3);
        for (int withPw = 0; withPw < 2; withPw++) {
            const int n = B * L;
            double total = 0;
            vector<double> wantG(n);
            for (int k2 = 0; k2 < n; k2++) {
                double xv = x[k2], yv = t[k2], lw = withPw ? 1.0 + (pw[k2 % L] - 1.0) * yv : 1.0;
                double sp = log1p(exp(-fabs(xv))) + fmax(-xv, 0.0);
                total += (1 - yv) * xv + lw * sp;
                wantG[k2] = 2.0 * ((1 - yv) - lw / (1 + exp(xv))) / n;
            }
            vector<float> loss(1, NAN), g(n, NAN);
            launch(dim3(1), dim3(256), bce_with_logits_loss, x.data(), t.data(), withPw ? pw.data() : nullptr,
                   loss.data(), g.data(), B, L, 2.0);
            std::string tag = withPw ? " pos_weight" : "";
            check_close("bce_with_logits_loss loss" + tag, loss, vector<double>{total / n}, 1e-6, 0);
            check_close("bce_with_logits_loss grad" + tag, g, wantG, 1e-6, 1e-9);
        }
    }
    {
        const int n = 300;
        vector<float> a = randv(n, -3, 3), b2 = randv(n, -3, 3), loss(1, NAN), g(n, NAN);
        double total = 0;
        vector<double> wantG(n);
        for (int i = 0; i < n; i++) {
            double d = (double)a[i] - b2[i];
            total += d * d;
            wantG[i] = 2.0 * d / n;
        }
        launch(dim3(1), dim3(256), mse_loss, a.data(), b2.data(), loss.data(), g.data(), n, 1.0);
        check_close("mse_loss loss", loss, vector<double>{total / n}, 1e-6, 0);
        check_close("mse_loss grad", g, wantG, 1e-6, 1e-9);
    }
}

// ---------------------------------------------------------------- embeddings
static void test_embedding() {
    const int B = 3, T = 6, C = 200, V = 11, NT = 2, P = 9, padId = 0, M = B * T;
    vector<float> word = randv((size_t)V * C), pos = randv((size_t)P * C), type = randv((size_t)NT * C);
    vector<int> ids(M), types(M);
    for (int r = 0; r < M; r++) {
        ids[r] = (int)(uniform() * V);
        types[r] = (int)(uniform() * NT);
    }
    ids[2] = padId;
    ids[5] = 4;
    ids[9] = 4;
    for (int withType = 0; withType < 2; withType++) {
        vector<float> out((size_t)M * C, NAN), want((size_t)M * C);
        for (int r = 0; r < M; r++)
            for (int c = 0; c < C; c++) {
                float w = word[(size_t)ids[r] * C + c], p = pos[(size_t)(r % T) * C + c];
                want[(size_t)r * C + c] = withType ? (w + type[(size_t)types[r] * C + c]) + p : w + p;
            }
        launch(dim3(M), dim3(128), embedding_forward, ids.data(), types.data(), word.data(), pos.data(),
               withType ? type.data() : nullptr, out.data(), B, T, C);
        check_bits(std::string("embedding_forward") + (withType ? " with token types" : ""), out, want);
    }
    vector<float> dsum = randv((size_t)M * C);
    vector<float> dword0 = randv((size_t)V * C), dword = dword0, dpos0 = randv((size_t)P * C), dpos = dpos0;
    vector<double> wantW(dword0.begin(), dword0.end()), wantP(dpos0.begin(), dpos0.end());
    vector<float> dtype0 = randv((size_t)NT * C);
    vector<double> wantT(dtype0.begin(), dtype0.end());
    for (int r = 0; r < M; r++)
        for (int c = 0; c < C; c++) {
            double d = dsum[(size_t)r * C + c];
            if (ids[r] != padId) wantW[(size_t)ids[r] * C + c] += d;
            wantP[(size_t)(r % T) * C + c] += d;
            wantT[(size_t)types[r] * C + c] += d;
        }
    launch(dim3(M), dim3(128), embedding_backward_word, ids.data(), dsum.data(), dword.data(), M, C, padId);
    check_close("embedding_backward_word (pad row skipped)", dword, wantW, 1e-6, 1e-6);
    launch(dim3((C + 127) / 128, T), dim3(128), embedding_backward_position, dsum.data(), dpos.data(), B, T, C);
    check_close("embedding_backward_position", dpos, wantP, 1e-6, 1e-6);
    for (int slabs : {1, 4}) {
        vector<float> dtype = dtype0, partial((size_t)slabs * NT * C, NAN);
        launch(dim3((C + 127) / 128, slabs), dim3(128), embedding_backward_type, types.data(), dsum.data(),
               dtype.data(), partial.data(), M, C, NT);
        if (slabs > 1) launch(dim3(grid_for(NT * C)), dim3(256), splitk_reduce, partial.data(), dtype.data(), slabs, NT * C);
        check_close("embedding_backward_type slabs=" + std::to_string(slabs), dtype, wantT, 1e-6, 1e-6);
    }
}

// ---------------------------------------------------------------- optimizer
// dev.jbert.engine.train.AdamW.update, one element, literally (float operations in Java's order).
static void adamw_java(float& p, float g, float& m, float& v, bool decay, float decayFactor, float lerpWeight,
                       float beta2, float oneMinusBeta2, float bc2sqrt, float eps, float negStepSize) {
    bool small = fabsf(lerpWeight) < 0.5f;
    float coeff = small ? lerpWeight : lerpWeight - 1.0f;
    if (decay) p = p * decayFactor;
    m = fmaf(g - m, coeff, small ? m : g);
    float t = g * oneMinusBeta2;
    v = v * beta2 + t * g;
    float denom = sqrtf(v) / bc2sqrt + eps;
    float u = m * negStepSize;
    p = p + u / denom;
}

static void test_optimizer() {
    const int chunkSize = 1024;
    const vector<long long> sizes = {1000, 37, 5000, 2049};
    const vector<int> flags = {1, 0, 1, 2};  // decay, no decay, decay, no gradient
    const int nt = (int)sizes.size();
    vector<long long> offset(nt + 1);
    vector<int> first(nt + 1);
    long long off = 0;
    int chunks = 0;
    for (int t = 0; t < nt; t++) {
        offset[t] = off;
        first[t] = chunks;
        const long long padded = (sizes[t] + 3) / 4 * 4;  // alignment padding, zero-filled
        off += padded;
        chunks += (int)((padded + chunkSize - 1) / chunkSize);
    }
    offset[nt] = off;
    first[nt] = chunks;
    const size_t total = (size_t)offset[nt];
    vector<float> grads = randv(total, -3, 3), params = randv(total), m = randv(total, -0.1, 0.1),
                  v = randv(total, 0, 0.01);
    for (int t = 0; t < nt; t++)
        for (long long i = offset[t] + sizes[t]; i < offset[t + 1]; i++) grads[i] = params[i] = m[i] = v[i] = 0.0f;
    // gradient norm, as GradClip: per-tensor float norms, then the norm of the norms
    double totalSq = 0;
    for (int t = 0; t < nt; t++) {
        if (flags[t] & 2) continue;
        double sq = 0;
        for (long long i = offset[t]; i < offset[t + 1]; i++) sq += (double)grads[i] * grads[i];
        float norm = (float)sqrt(sq);
        totalSq += (double)norm * norm;
    }
    const float wantNorm = (float)sqrt(totalSq);
    const double maxNorm = 1.0;
    float c = (1.0f / (wantNorm + 1e-6f)) * (float)maxNorm;
    const float wantCoef = c < 1.0f ? c : 1.0f;
    vector<double> partial(chunks, NAN);
    vector<float> normAndCoef(2, NAN);
    launch(dim3(chunks), dim3(256), grad_norm_partial, grads.data(), offset.data(), first.data(), flags.data(), nt,
           chunkSize, partial.data());
    launch(dim3(1), dim3(256), grad_norm_finish, partial.data(), first.data(), flags.data(), nt, maxNorm,
           normAndCoef.data());
    check_bits("grad_norm (two-stage) total norm", vector<float>{normAndCoef[0]}, vector<float>{wantNorm});
    check_bits("grad_norm clip coefficient", vector<float>{normAndCoef[1]}, vector<float>{wantCoef});
    vector<float> off2(2, NAN);
    launch(dim3(1), dim3(256), grad_norm_finish, partial.data(), first.data(), flags.data(), nt, 0.0, off2.data());
    check_bits("grad_norm clipping off: coefficient 1", vector<float>{off2[1]}, vector<float>{1.0f});

    // clip + AdamW at step 3, lr 2e-5, wd 0.01, as AdamW.step computes the scalars
    const double lr = 2e-5, wd = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    const long long step = 3;
    const double bc1 = 1 - pow(beta1, (double)step), bc2 = 1 - pow(beta2, (double)step);
    const float lerpWeight = (float)(1 - beta1), b2 = (float)beta2, omb2 = (float)(1 - beta2), epsf = (float)eps;
    const float decayFactor = (float)(1 - lr * wd), negStep = (float)-(lr / bc1), bc2s = (float)sqrt(bc2);
    vector<float> wantP = params, wantM = m, wantV = v, wantG = grads;
    for (int t = 0; t < nt; t++) {
        if (flags[t] & 2) continue;
        for (long long i = offset[t]; i < offset[t + 1]; i++) {
            wantG[i] = grads[i] * wantCoef;
            adamw_java(wantP[i], wantG[i], wantM[i], wantV[i], flags[t] & 1, decayFactor, lerpWeight, b2, omb2, bc2s,
                       epsf, negStep);
        }
    }
    // path 1: clip the gradients, then AdamW without a scale
    {
        vector<float> g = grads, p = params, mm = m, vv = v;
        launch(dim3(chunks), dim3(256), grad_clip_scale, g.data(), offset.data(), first.data(), flags.data(), nt,
               chunkSize, normAndCoef.data() + 1);
        check_bits("grad_clip_scale", g, wantG);
        launch(dim3(chunks), dim3(256), adamw_step, p.data(), g.data(), mm.data(), vv.data(), offset.data(),
               first.data(), flags.data(), nt, chunkSize, lerpWeight, b2, omb2, epsf, decayFactor, negStep, bc2s,
               (const float*)nullptr);
        check_bits("adamw_step params (after grad_clip_scale)", p, wantP);
        check_bits("adamw_step exp_avg", mm, wantM);
        check_bits("adamw_step exp_avg_sq", vv, wantV);
    }
    // path 2: the clip coefficient applied inside AdamW
    {
        vector<float> p = params, mm = m, vv = v;
        launch(dim3(chunks), dim3(256), adamw_step, p.data(), grads.data(), mm.data(), vv.data(), offset.data(),
               first.data(), flags.data(), nt, chunkSize, lerpWeight, b2, omb2, epsf, decayFactor, negStep, bc2s,
               (const float*)(normAndCoef.data() + 1));
        check_bits("adamw_step params (gradScale fused)", p, wantP);
        check_bits("adamw_step exp_avg (gradScale fused)", mm, wantM);
    }
    // β1 ≥ 0.5 takes the other lerp branch
    {
        vector<float> p = params, mm = m, vv = v, wp = params, wm = m, wv = v;
        const float lw = 0.75f;
        for (int t = 0; t < nt; t++) {
            if (flags[t] & 2) continue;
            for (long long i = offset[t]; i < offset[t + 1]; i++)
                adamw_java(wp[i], grads[i], wm[i], wv[i], flags[t] & 1, decayFactor, lw, b2, omb2, bc2s, epsf, negStep);
        }
        launch(dim3(chunks), dim3(256), adamw_step, p.data(), grads.data(), mm.data(), vv.data(), offset.data(),
               first.data(), flags.data(), nt, chunkSize, lw, b2, omb2, epsf, decayFactor, negStep, bc2s,
               (const float*)nullptr);
        check_bits("adamw_step params, lerp weight 0.75", p, wp);
        check_bits("adamw_step exp_avg, lerp weight 0.75", mm, wm);
    }
}

// Usage: selftest [--quick] [GROUP...] with groups elementwise, gemm, layernorm, attention,
// loss, embedding, optimizer (default: all).
int main(int argc, char** argv) {
    bool quick = false;
    vector<std::string> groups;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) quick = true; else groups.push_back(argv[i]);
    }
    auto want = [&](const char* g) {
        if (groups.empty()) return true;
        for (auto& x : groups) if (x == g) return true;
        return false;
    };
    if (want("elementwise")) test_elementwise();
    if (want("gemm")) {
        test_bias_grad();
        for (int prec = 0; prec < 3; prec++) {
            test_gemm(prec, 37, 45, 29);
            test_gemm(prec, 130, 70, 68);
            if (!quick) test_gemm(prec, 67, 200, 161);
        }
    }
    if (want("layernorm")) {
        test_layernorm(37, 100);
        test_layernorm(5, 768);
    }
    if (want("attention")) {
        for (int D : {32, 64}) {
            test_attention(D, 2, 37, 2, 1, 0.0, true);
            test_attention(D, 3, 45, 2, 3, 0.2, true);
            if (!quick) test_attention(D, 1, 64, 3, 1, 0.1, false);
        }
    }
    if (want("loss")) test_losses();
    if (want("embedding")) test_embedding();
    if (want("optimizer")) test_optimizer();
    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
