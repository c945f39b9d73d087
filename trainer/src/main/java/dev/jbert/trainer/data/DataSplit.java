package dev.jbert.trainer.data;

/** A data set split in two: the rows to train on and the rows held out for validation. */
public record DataSplit(DataSet train, DataSet validation) {
}
