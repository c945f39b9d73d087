/**
 * The model-independent half of training, matching PyTorch and Hugging Face's Trainer:
 * the losses of the three {@link dev.jbert.engine.config.ProblemType problem types} (forward and
 * backward to the logits), {@link dev.jbert.engine.train.AdamW} with HF's decay grouping
 * ({@link dev.jbert.engine.train.HfDecayRule}), the learning-rate
 * {@link dev.jbert.engine.train.LrSchedule schedules}, global
 * {@link dev.jbert.engine.train.GradClip gradient-norm clipping}, and counter-based
 * {@link dev.jbert.engine.train.DropoutRng dropout masks}. One step, in HF's order:
 * {@code lr = schedule.currentLr()}; forward, {@code loss.forward(logits, labels, dLogits)},
 * backward; {@code GradClip.clipGradNorm(params, maxNorm)}; {@code adamW.step(lr)};
 * {@code schedule.advance()}; {@code adamW.zeroGrad()}.
 */
package dev.jbert.engine.train;

