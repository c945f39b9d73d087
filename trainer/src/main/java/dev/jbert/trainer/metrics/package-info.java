/**
 * Evaluation metrics for the three problem types jbert trains, defined exactly as
 * scikit-learn defines them, so numbers move between jbert and the Python world unchanged.
 *
 * <p>Entry point: {@link dev.jbert.trainer.metrics.Metrics}. Results are flat
 * {@code LinkedHashMap<String, Object>}s of numbers, lists and maps that Jackson writes as
 * JSON. A value that is undefined (ROC AUC when only one class is present, Pearson of a
 * constant) is {@code null}, never {@code NaN}, since {@code NaN} is not valid JSON.
 *
 * <p>Division by zero follows scikit-learn's default {@code zero_division="warn"}: the value is
 * 0.0 (precision of a class never predicted, recall of a class never true).
 */
package dev.jbert.trainer.metrics;
