package dev.jbert.kernels.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A JCuda {@link CUdeviceptr} made from, and read back as, the plain {@code long} device address
 * that the {@link dev.jbert.kernels.device.Device} API passes around. JCuda hands a device pointer
 * to the driver as its native pointer plus its byte offset; a pointer built on the null pointer with
 * the address as offset therefore reaches the driver as exactly that address.
 */
final class DevicePointer extends CUdeviceptr {
    private static final CUdeviceptr NULL = new CUdeviceptr();

    /** An empty pointer for the driver to fill ({@code cuMemAlloc}). */
    DevicePointer() {
    }

    private DevicePointer(long address) {
        super(NULL, address);
    }

    /** The device pointer at {@code address}. */
    static DevicePointer at(long address) {
        return new DevicePointer(address);
    }

    /** The device address this pointer holds. */
    long address() {
        return getNativePointer() + getByteOffset();
    }
}
