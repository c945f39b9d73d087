package dev.jbert.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.kernels.device.KernelArgs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Launch arguments against PTX signatures, and device addresses through JCuda pointers (no GPU needed). */
class KernelParamsTest {
    private static final List<String> RESIDUAL_ADD = PtxFile.load("elementwise").parameters("residual_add").orElseThrow();

    @Test
    void matchingArgumentsPass() {
        KernelParams.check("elementwise.ptx:residual_add", RESIDUAL_ADD,
                KernelArgs.of().ptr(256).ptr(512).ptr(0).i32(7).list());
        List<String> dropout = PtxFile.load("elementwise").parameters("dropout_mask").orElseThrow();
        KernelParams.check("elementwise.ptx:dropout_mask", dropout,
                KernelArgs.of().ptr(256).i32(10).u64(-1L).i32(3).u64(5).f64(0.1).list());
        assertEquals(6, KernelParams.pack(KernelArgs.of().ptr(256).i32(10).u64(-1L).i32(3).u64(5).f64(0.1).list())
                .toString().split("Pointer\\[buffer=").length - 1, "one host pointer per argument");
    }

    @Test
    void wrongCountIsNamedWithBothLists() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelParams.check(
                "elementwise.ptx:residual_add", RESIDUAL_ADD, KernelArgs.of().ptr(1).ptr(2).ptr(3).list()));
        assertEquals("elementwise.ptx:residual_add takes 4 parameters (.u64, .u64, .u64, .u32) but was given 3 (PTR, PTR, PTR)",
                e.getMessage());
    }

    @Test
    void wrongTypeIsNamedWithItsPosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelParams.check(
                "elementwise.ptx:residual_add", RESIDUAL_ADD, KernelArgs.of().ptr(1).ptr(2).ptr(3).f32(4f).list()));
        assertTrue(e.getMessage().startsWith("parameter 4 of elementwise.ptx:residual_add is .u32 but was given F32"), e.getMessage());
        // an int where a pointer belongs is 4 bytes where the kernel reads 8
        assertThrows(IllegalArgumentException.class, () -> KernelParams.check(
                "elementwise.ptx:residual_add", RESIDUAL_ADD, KernelArgs.of().i32(1).ptr(2).ptr(3).i32(4).list()));
    }

    @Test
    void typeCompatibility() {
        assertTrue(KernelParams.fits("u64", KernelArgs.Type.PTR));
        assertTrue(KernelParams.fits("u64", KernelArgs.Type.U64));
        assertTrue(!KernelParams.fits("u64", KernelArgs.Type.F64));
        assertTrue(KernelParams.fits("b64", KernelArgs.Type.F64));
        assertTrue(KernelParams.fits("u32", KernelArgs.Type.I32));
        assertTrue(!KernelParams.fits("u32", KernelArgs.Type.F32));
        assertTrue(KernelParams.fits("f32", KernelArgs.Type.F32));
        assertTrue(KernelParams.fits("f64", KernelArgs.Type.F64));
        assertTrue(!KernelParams.fits("b8", KernelArgs.Type.PTR));
    }

    @Test
    void deviceAddressesSurviveTheJCudaPointer() {
        for (long address : new long[] {0L, 256L, 0x7f12_3456_7800L, -256L}) {
            DevicePointer p = DevicePointer.at(address);
            assertEquals(address, p.address());
            assertTrue(p.toString().contains("byteOffset=" + Long.toHexString(address))
                    || p.toString().contains("byteOffset=" + address), p.toString());
        }
        assertEquals(0L, new DevicePointer().address());
    }
}
