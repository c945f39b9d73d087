/**
 * Our CUDA kernels without a GPU, for tests: {@link dev.jbert.kernels.emulator.Emulator#device()}
 * is a {@link dev.jbert.kernels.device.Device} backed by {@code libjbemu.so}, the same {@code .cu}
 * sources as the PTX compiled for the CPU against the fiber emulator in
 * {@code kernels/src/main/cuda/emulator}, so the CUDA backend's host code (buffers, launch
 * geometry, argument lists, whole training steps) runs end to end and is compared with the CPU
 * backend. Shipped in the kernels test jar for other modules' tests.
 */
package dev.jbert.kernels.emulator;
