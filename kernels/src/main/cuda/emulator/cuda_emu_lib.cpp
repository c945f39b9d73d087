// libjbemu.so: the emulated kernels behind a C ABI, for Java tests that drive them as a Device
// (dev.jbert.kernels.emulator.EmulatedDevice, through the FFM API). Built by build-lib.sh from
// every kernel .cu (each entry point registers itself with JB_EMU_KERNEL) and the emulator.
//
// A launch takes the driver API's parameter array: params[i] points at the value of parameter i,
// of the kernel's own C type (a device pointer is a host address here). Launches run to
// completion on the calling thread, one at a time (the emulator has global state); the limits of
// a CUDA launch are checked first, so a launch the driver would refuse fails here too.
#include <mutex>
#include <string>

#include "cuda_emu.hpp"

namespace {

std::mutex g_launch;
thread_local std::string g_last_error;

bool set_error(const std::string& message) {
    g_last_error = message;
    return false;
}

std::string dims(unsigned x, unsigned y, unsigned z) {
    return "(" + std::to_string(x) + ", " + std::to_string(y) + ", " + std::to_string(z) + ")";
}

// cuLaunchKernel's limits on every GPU since sm_30 (CUDA_ERROR_INVALID_VALUE beyond them).
bool check_launch(const char* name, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz) {
    const std::string what = std::string("launch of ") + name + " with grid " + dims(gx, gy, gz) + ", block " +
                             dims(bx, by, bz) + ": ";
    if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0)
        return set_error(what + "every extent must be at least 1");
    if (gx > 2147483647u || gy > 65535u || gz > 65535u)
        return set_error(what + "the grid may be at most (2147483647, 65535, 65535)");
    const unsigned long long threads = (unsigned long long)bx * by * bz;
    if (threads > 1024u)
        return set_error(what + "the block has " + std::to_string(threads) + " threads, more than 1024");
    if (bx > 1024u || by > 1024u || bz > 64u)
        return set_error(what + "the block may be at most (1024, 1024, 64)");
    return true;
}

}  // namespace

extern "C" {

// Number of registered entry points.
int jbemu_count() { return (int)emu::kernels().size(); }

// Name of entry point i (0 <= i < jbemu_count()), or null.
const char* jbemu_name(int i) {
    return i >= 0 && i < jbemu_count() ? emu::kernels()[(size_t)i].name : nullptr;
}

// Parameter types of entry point i, one letter each (P pointer, I int/unsigned int, U (unsigned)
// long long, F float, D double), or null.
const char* jbemu_signature(int i) {
    return i >= 0 && i < jbemu_count() ? emu::kernels()[(size_t)i].signature : nullptr;
}

// Index of the entry point called `name`, or -1.
int jbemu_find(const char* name) {
    if (name == nullptr) return -1;
    for (int i = 0; i < jbemu_count(); i++)
        if (strcmp(emu::kernels()[(size_t)i].name, name) == 0) return i;
    return -1;
}

// Runs entry point `index` over grid (gx, gy, gz) of blocks (bx, by, bz) to completion. Returns 0,
// or non-zero with the reason in jbemu_last_error() (a bad index or launch configuration, a
// deadlocked block, a diverged warp).
int jbemu_launch(int index, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                 void** params) {
    g_last_error.clear();
    if (index < 0 || index >= jbemu_count()) {
        set_error("no emulated kernel with index " + std::to_string(index) + " (there are " +
                  std::to_string(jbemu_count()) + ")");
        return 1;
    }
    const emu::KernelEntry& k = emu::kernels()[(size_t)index];
    if (!check_launch(k.name, gx, gy, gz, bx, by, bz)) return 1;
    if (params == nullptr && k.signature[0] != '\0') {
        set_error(std::string("launch of ") + k.name + ": no parameter array");
        return 1;
    }
    std::lock_guard<std::mutex> lock(g_launch);
    emu::abort_on_error = false;
    emu::clear_error();
    k.invoke(k.kernel, dim3(gx, gy, gz), dim3(bx, by, bz), params);
    if (emu::failed()) {
        set_error(std::string("launch of ") + k.name + ": " + emu::error());
        emu::clear_error();
        return 2;
    }
    return 0;
}

// The reason the calling thread's last failed jbemu_launch failed ("" after a success).
const char* jbemu_last_error() { return g_last_error.c_str(); }

}  // extern "C"
