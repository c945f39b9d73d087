package dev.jbert.kernels.cuda;

import dev.jbert.engine.backend.BackendUnavailableException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * The child-JVM side of {@link FakeDriverTest}, run with a fake {@code libcuda.so.1} on the
 * library path. {@code open [ordinal]}: tries {@code CudaDevice.open} twice and loads one kernel,
 * printing {@code UNAVAILABLE <message>}, {@code OPENED <description>}, {@code KERNEL OK} or
 * {@code KERNEL <exception>: <message>}. {@code tests}: runs the GPU test classes' tests (a minimal
 * JUnit: a fresh instance per test, {@code @BeforeEach}, the test, then {@code @AfterAll}),
 * printing {@code PASS}, {@code SKIP} or {@code FAIL} and the test's name per test.
 */
final class FakeDriverProbe {
    private FakeDriverProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("open")) {
            int ordinal = args.length > 1 ? Integer.parseInt(args[1]) : 0;
            for (int attempt = 0; attempt < 2; attempt++) {
                open(ordinal);
            }
        } else {
            run(CudaDeviceGpuTest.class);
            run(CublasGpuTest.class);
        }
        System.out.flush();
    }

    private static void open(int ordinal) {
        CudaDevice device;
        try {
            device = CudaDevice.open(ordinal);
        } catch (BackendUnavailableException e) {
            System.out.println("UNAVAILABLE " + e.getMessage());
            return;
        }
        try (device) {
            System.out.println("OPENED " + device.description());
            device.kernel("elementwise", "residual_add");
            System.out.println("KERNEL OK");
        } catch (RuntimeException e) {
            System.out.println("KERNEL " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void run(Class<?> testClass) throws ReflectiveOperationException {
        for (Method test : testClass.getDeclaredMethods()) {
            if (!test.isAnnotationPresent(Test.class)) {
                continue;
            }
            String name = testClass.getSimpleName() + "." + test.getName();
            try {
                var constructor = testClass.getDeclaredConstructor();
                constructor.setAccessible(true);
                Object instance = constructor.newInstance();
                for (Method m : testClass.getDeclaredMethods()) {
                    if (m.isAnnotationPresent(BeforeEach.class)) {
                        invoke(m, instance);
                    }
                }
                invoke(test, instance);
                System.out.println("PASS " + name);
            } catch (TestAbortedException e) {
                System.out.println("SKIP " + name + ": " + e.getMessage());
            } catch (Throwable e) {
                System.out.println("FAIL " + name + ": " + e);
            }
        }
        for (Method m : testClass.getDeclaredMethods()) {
            if (m.isAnnotationPresent(AfterAll.class) && Modifier.isStatic(m.getModifiers())) {
                try {
                    invoke(m, null);
                } catch (Throwable e) {
                    System.out.println("FAIL " + testClass.getSimpleName() + "." + m.getName() + ": " + e);
                }
            }
        }
    }

    private static void invoke(Method m, Object target) throws Throwable {
        m.setAccessible(true);
        try {
            m.invoke(target);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
