/**
 * The device-resident sequence classifier: a whole BERT or DistilBERT
 * {@code SequenceClassifier} kept on a {@link dev.jbert.kernels.device.Device}, trained and
 * evaluated by our kernels ({@link dev.jbert.kernels.model.DeviceClassifier}, the engine's
 * {@code DeviceModel}). Its parts: one block of device memory cut into buffers
 * ({@code DeviceArena}), the weights, gradients and AdamW moments in the optimizer's flat layout
 * ({@code DeviceParameters}), the activations of a batch ({@code ActivationBuffers}), the batch
 * upload ({@code BatchUpload}), and the forward and backward passes mirroring the CPU layers
 * ({@code ClassifierPass}, {@code ClassifierParts}, {@code DropoutSites}).
 */
package dev.jbert.kernels.model;
