package dev.jbert.kernels.device;

/** A device allocation did not fit; the message says how much was asked for and how much is free. */
public class DeviceOutOfMemoryException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public DeviceOutOfMemoryException(String message) {
        super(message);
    }
}
