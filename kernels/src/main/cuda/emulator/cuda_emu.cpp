// The emulator's scheduler and its tensor-core instructions (see cuda_emu.hpp).
#include "cuda_emu.hpp"

dim3 threadIdx, blockIdx, blockDim, gridDim;

namespace emu {

Block* block = nullptr;

namespace {
void (*g_body)(void*) = nullptr;
void* g_arg = nullptr;
constexpr size_t STACK = 128 * 1024;

void entry() {
    g_body(g_arg);
    self().state = DONE;
}
}  // namespace

void run_block(void (*body)(void*), void* arg) {
    const int n = (int)(blockDim.x * blockDim.y * blockDim.z);
    const int warps = (n + 31) / 32;
    Block b;
    b.fibers.resize(n);
    b.slots.assign((size_t)warps * 32, 0);
    b.slots2.assign((size_t)warps * 32 * 16, 0);
    Block* outer = block;
    block = &b;
    g_body = body;
    g_arg = arg;
    for (int i = 0; i < n; i++) {
        Fiber& f = b.fibers[i];
        f.tid = dim3(i % blockDim.x, (i / blockDim.x) % blockDim.y, i / (blockDim.x * blockDim.y));
        f.warp = i / 32;
        f.lane = i % 32;
        f.stack.resize(STACK);
        getcontext(&f.ctx);
        f.ctx.uc_stack.ss_sp = f.stack.data();
        f.ctx.uc_stack.ss_size = STACK;
        f.ctx.uc_link = &b.sched;
        makecontext(&f.ctx, entry, 0);
    }
    for (;;) {
        for (int i = 0; i < n; i++) {
            if (b.fibers[i].state != RUNNABLE) continue;
            b.current = i;
            threadIdx = b.fibers[i].tid;
            swapcontext(&b.sched, &b.fibers[i].ctx);
        }
        int live = 0, atBarrier = 0;
        bool released = false;
        for (int w = 0; w < warps; w++) {
            int wl = 0, ww = 0;
            for (int i = w * 32; i < n && i < w * 32 + 32; i++) {
                State s = b.fibers[i].state;
                if (s == DONE) continue;
                wl++;
                if (s == AT_WARP) ww++;
                if (s == AT_BARRIER) atBarrier++;
            }
            live += wl;
            if (ww > 0 && ww == wl) {
                for (int i = w * 32; i < n && i < w * 32 + 32; i++)
                    if (b.fibers[i].state == AT_WARP) b.fibers[i].state = RUNNABLE;
                released = true;
            } else if (ww > 0) {
                fprintf(stderr, "emu: warp %d of block (%u,%u,%u) diverged: %d lanes at a warp operation, %d live\n",
                        w, blockIdx.x, blockIdx.y, blockIdx.z, ww, wl);
                abort();
            }
        }
        if (released) continue;
        if (live == 0) break;
        if (atBarrier == live) {
            for (auto& f : b.fibers)
                if (f.state == AT_BARRIER) f.state = RUNNABLE;
            continue;
        }
        fprintf(stderr, "emu: deadlock in block (%u,%u,%u)\n", blockIdx.x, blockIdx.y, blockIdx.z);
        abort();
    }
    block = outer;
}

}  // namespace emu

namespace {

float as_float(unsigned int b) {
    float f;
    memcpy(&f, &b, 4);
    return f;
}

unsigned int as_bits(float f) {
    unsigned int b;
    memcpy(&b, &f, 4);
    return b;
}

unsigned int bf16_rn(float x) {
    unsigned int b = as_bits(x);
    if (isnan(x)) return (b >> 16) | 0x40;
    return (b + 0x7FFF + ((b >> 16) & 1)) >> 16;
}

// Exchanges the fragments of one mma.sync of the warp: slot layout per lane a0..a3, b0..b1.
unsigned long long* deposit(const unsigned int (&a)[4], const unsigned int (&b)[2]) {
    emu::Fiber& f = emu::self();
    unsigned long long* s = &emu::block->slots2[(size_t)f.warp * 32 * 16];
    unsigned long long* my = s + f.lane * 16;
    for (int i = 0; i < 4; i++) my[i] = a[i];
    for (int i = 0; i < 2; i++) my[4 + i] = b[i];
    emu::warp_sync();
    return s;
}

// Word (row, kw) of the A fragment (16 × 8 words) and (kw, col) of the B fragment (8 × 8 words),
// from the PTX ISA's layouts for m16n8k8 (tf32) and m16n8k16 (bf16, words of two k values):
//   A: lane (row % 8)·4 + kw % 4, register (row / 8) + 2·(kw / 4)
//   B: lane col·4 + kw % 4,       register kw / 4
unsigned int a_word(const unsigned long long* s, int row, int kw) {
    return (unsigned int)s[((row % 8) * 4 + kw % 4) * 16 + (row / 8) + 2 * (kw / 4)];
}
unsigned int b_word(const unsigned long long* s, int kw, int col) {
    return (unsigned int)s[(col * 4 + kw % 4) * 16 + 4 + kw / 4];
}

}  // namespace

unsigned int jb_emu_tf32(float x) {
    unsigned int b = as_bits(x);
    if (!isfinite(x)) return b;
    return (b + 0x1000u) & 0xFFFFE000u;  // round to nearest, ties away from zero
}

unsigned int jb_emu_bf16x2(float lo, float hi) { return bf16_rn(lo) | (bf16_rn(hi) << 16); }

void jb_emu_mma_tf32(float (&c)[4], const unsigned int (&a)[4], const unsigned int (&b)[2]) {
    const unsigned long long* s = deposit(a, b);
    const int lane = emu::lane_id(), g = lane / 4, tig = lane % 4;
    for (int r = 0; r < 4; r++) {
        const int row = g + 8 * (r / 2), col = 2 * tig + r % 2;
        double sum = 0.0;
        for (int k = 0; k < 8; k++)
            sum += (double)as_float(a_word(s, row, k) & 0xFFFFE000u) * (double)as_float(b_word(s, k, col) & 0xFFFFE000u);
        c[r] = (float)((double)c[r] + sum);
    }
    emu::warp_sync();
}

void jb_emu_mma_bf16(float (&c)[4], const unsigned int (&a)[4], const unsigned int (&b)[2]) {
    const unsigned long long* s = deposit(a, b);
    const int lane = emu::lane_id(), g = lane / 4, tig = lane % 4;
    for (int r = 0; r < 4; r++) {
        const int row = g + 8 * (r / 2), col = 2 * tig + r % 2;
        double sum = 0.0;
        for (int k = 0; k < 16; k++) {
            unsigned int aw = a_word(s, row, k / 2), bw = b_word(s, k / 2, col);
            float av = as_float(((aw >> (16 * (k % 2))) & 0xFFFFu) << 16);
            float bv = as_float(((bw >> (16 * (k % 2))) & 0xFFFFu) << 16);
            sum += (double)av * (double)bv;
        }
        c[r] = (float)((double)c[r] + sum);
    }
    emu::warp_sync();
}
