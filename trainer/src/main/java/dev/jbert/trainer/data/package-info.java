/**
 * The data side of {@code jbert train}, {@code eval} and {@code predict}: from a CSV, TSV or JSON
 * lines file to padded batches of {@link dev.jbert.engine.nn.ModelInput} and
 * {@link dev.jbert.engine.train.Labels}.
 *
 * <pre>
 * DataSets.read(file, DataSpec, KnownLabels)      rows, columns, labels decided   -> DataSet
 * DataSets.read(file, DataSpec, LabelSet)         validation under those labels   -> DataSet
 * ValidationSplit.split(data, fraction, seed)     or a split of the training file -> DataSplit
 * Rebalance.undersample(train, seed)              optional                        -> DataSet
 * ClassWeights.balanced(train)                    optional loss weights           -> float[L]
 * DataSetEncoder.encode(data, tokenizer, maxLen)  tokenized once, in parallel     -> DataSet
 * new Batcher(data, BatchOptions).iterator(pos)   batches per epoch, resumable    -> Batch
 * </pre>
 *
 * <p>Where each rule is written down: formats in {@link dev.jbert.trainer.data.DataFormat} and
 * {@link dev.jbert.trainer.data.DataSets}; which columns are used in
 * {@link dev.jbert.trainer.data.ColumnChoice}; problem type and label numbering in
 * {@link dev.jbert.trainer.data.LabelInference}; bad rows in {@link dev.jbert.trainer.data.BadRows}
 * (missing or empty text, invalid UTF-8 or a lone surrogate, wrong number of columns, unknown label,
 * malformed number, malformed JSON; each reported as {@code file line N: reason}, N the physical line
 * where the row starts); the validation split in {@link dev.jbert.trainer.data.ValidationSplit};
 * rebalancing in {@link dev.jbert.trainer.data.Rebalance}; weights in
 * {@link dev.jbert.trainer.data.ClassWeights}; shuffling and length grouping in
 * {@link dev.jbert.trainer.data.EpochOrder} and {@link dev.jbert.trainer.data.SeededRandom}.
 */
package dev.jbert.trainer.data;
