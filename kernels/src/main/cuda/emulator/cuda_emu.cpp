// The emulator's scheduler, its kernel table and its tensor-core instructions (see cuda_emu.hpp).
#include "cuda_emu.hpp"

#include <sys/mman.h>
#include <unistd.h>

dim3 threadIdx, blockIdx, blockDim, gridDim;

#if JB_EMU_FAST_SWITCH
// void jb_emu_switch(void** save_sp, void* load_sp): pushes the callee-saved registers (System V
// x86-64: rbp, rbx, r12-r15, plus MXCSR and the x87 control word) on the current stack, stores
// the stack pointer in *save_sp, loads load_sp and pops the same from there.
extern "C" __attribute__((visibility("hidden"))) void jb_emu_switch(void** save_sp, void* load_sp);
asm(R"(
    .text
    .p2align 4
    .globl jb_emu_switch
    .hidden jb_emu_switch
    .type jb_emu_switch, @function
jb_emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size jb_emu_switch, .-jb_emu_switch
)");
#endif

namespace emu {

Block* block = nullptr;
bool abort_on_error = true;

namespace {
void (*g_body)(void*) = nullptr;
void* g_arg = nullptr;
std::string g_error;

// Each thread of a block runs on its own 128 KiB stack with a guard page below it (an overflow
// faults instead of corrupting the next stack). Stacks are mapped once, for the largest block
// seen, and reused by every block of every launch: only the pages a kernel touches get memory.
constexpr size_t STACK = 128 * 1024;
std::vector<char*> g_stacks;

char* stack_of(int thread) {
    static const size_t guard = (size_t)sysconf(_SC_PAGESIZE);
    while ((int)g_stacks.size() <= thread) {
        void* p = mmap(nullptr, STACK + guard, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                       -1, 0);
        if (p == MAP_FAILED) return nullptr;
        mprotect(p, guard, PROT_NONE);
        g_stacks.push_back(static_cast<char*>(p) + guard);
    }
    return g_stacks[thread];
}

// One Block, reused by every block (they run one after another).
Block g_block;

// ---------------------------------------------------------------- context switch
#if JB_EMU_FAST_SWITCH
void fiber_main() {
    g_body(g_arg);
    Fiber& f = self();
    f.state = DONE;
    jb_emu_switch(&f.ctx.sp, block->sched.sp);  // never resumed
    abort();
}

// A fresh fiber's stack as jb_emu_switch leaves a suspended one, "returning" into fiber_main
// with the stack aligned as after a call; floating point in its default mode (round to nearest,
// no flush to zero: IEEE, as the kernels are compiled).
void start_fiber(Fiber& f, char* stack) {
    uint64_t* top = reinterpret_cast<uint64_t*>(stack + STACK);
    uint64_t* sp = top - 9;
    sp[0] = 0x1F80ull | (0x037Full << 32);  // MXCSR, x87 control word
    for (int r = 1; r <= 6; r++) sp[r] = 0;  // r15, r14, r13, r12, rbx, rbp
    sp[7] = reinterpret_cast<uint64_t>(&fiber_main);
    sp[8] = 0;  // fiber_main's return address: none
    f.ctx.sp = sp;
}

void resume(Fiber& f, Block& b) { jb_emu_switch(&b.sched.sp, f.ctx.sp); }
void suspend(Fiber& f) { jb_emu_switch(&f.ctx.sp, block->sched.sp); }
#else
void fiber_main() {
    g_body(g_arg);
    self().state = DONE;  // returns to uc_link, the scheduler
}

void start_fiber(Fiber& f, char* stack) {
    getcontext(&f.ctx.uc);
    f.ctx.uc.uc_stack.ss_sp = stack;
    f.ctx.uc.uc_stack.ss_size = STACK;
    f.ctx.uc.uc_link = &g_block.sched.uc;
    makecontext(&f.ctx.uc, fiber_main, 0);
}

void resume(Fiber& f, Block& b) { swapcontext(&b.sched.uc, &f.ctx.uc); }
void suspend(Fiber& f) { swapcontext(&f.ctx.uc, &block->sched.uc); }
#endif

std::string where() {
    char buf[96];
    snprintf(buf, sizeof buf, "block (%u,%u,%u) of grid (%u,%u,%u)", blockIdx.x, blockIdx.y, blockIdx.z, gridDim.x,
             gridDim.y, gridDim.z);
    return buf;
}
}  // namespace

void fail(const std::string& message) {
    if (abort_on_error) {
        fprintf(stderr, "emu: %s\n", message.c_str());
        abort();
    }
    if (g_error.empty()) g_error = message;
}
bool failed() { return !g_error.empty(); }
const std::string& error() { return g_error; }
void clear_error() { g_error.clear(); }

void yield_as(State s) {
    Fiber& f = self();
    f.state = s;
    suspend(f);
}

void run_block(void (*body)(void*), void* arg) {
    if (block != nullptr) {
        fail("a kernel launched a kernel (dynamic parallelism is not emulated)");
        return;
    }
    const int n = (int)(blockDim.x * blockDim.y * blockDim.z);
    const int warps = (n + 31) / 32;
    Block& b = g_block;
    b.fibers.resize(n);
    b.slots.assign((size_t)warps * 32, 0);
    b.slots2.assign((size_t)warps * 32 * 16, 0);
    b.current = -1;
    g_body = body;
    g_arg = arg;
    for (int i = 0; i < n; i++) {
        Fiber& f = b.fibers[i];
        char* stack = stack_of(i);
        if (stack == nullptr) {
            fail("cannot map a 128 KiB stack for thread " + std::to_string(i) + " of " + where());
            return;
        }
        f.state = RUNNABLE;
        f.tid = dim3(i % blockDim.x, (i / blockDim.x) % blockDim.y, i / (blockDim.x * blockDim.y));
        f.warp = i / 32;
        f.lane = i % 32;
        start_fiber(f, stack);
    }
    block = &b;
    for (;;) {
        for (int i = 0; i < n; i++) {
            if (b.fibers[i].state != RUNNABLE) continue;
            b.current = i;
            threadIdx = b.fibers[i].tid;
            resume(b.fibers[i], b);
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
                block = nullptr;
                fail("warp " + std::to_string(w) + " of " + where() + " diverged: " + std::to_string(ww) +
                     " lanes at a warp operation, " + std::to_string(wl) + " live");
                return;
            }
        }
        if (released) continue;
        if (live == 0) break;
        if (atBarrier == live) {
            for (auto& f : b.fibers)
                if (f.state == AT_BARRIER) f.state = RUNNABLE;
            continue;
        }
        block = nullptr;
        fail("deadlock in " + where() + ": " + std::to_string(atBarrier) + " of " + std::to_string(live) +
             " live threads at __syncthreads");
        return;
    }
    block = nullptr;
}

// ---------------------------------------------------------------- kernel table
std::vector<KernelEntry>& kernels() {
    static std::vector<KernelEntry> table;
    return table;
}

int register_kernel(const char* name, ErasedKernel kernel, Invoker invoke, const char* signature) {
    kernels().push_back(KernelEntry{name, kernel, invoke, signature});
    return (int)kernels().size() - 1;
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
