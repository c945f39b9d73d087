package dev.jbert.trainer.data;

import static dev.jbert.trainer.data.TestData.fails;
import static dev.jbert.trainer.data.TestData.read;
import static dev.jbert.trainer.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataClassWeightsTest {
    @TempDir
    Path dir;

    @Test
    void balancedIsSamplesOverClassesTimesCount() {
        // sklearn: compute_class_weight("balanced", classes=[0,1,2], y=[0]*6+[1]*3+[2]*1)
        //   == [10/(3*6), 10/(3*3), 10/(3*1)] == [0.5556, 1.1111, 3.3333]
        StringBuilder sb = new StringBuilder("text,label\n");
        int[] y = {0, 0, 0, 0, 0, 0, 1, 1, 1, 2};
        for (int v : y) {
            sb.append("t,").append(v).append('\n');
        }
        DataSet d = read(write(dir, "w.csv", sb.toString()));
        assertArrayEquals(new float[] {10f / 18, 10f / 9, 10f / 3}, ClassWeights.balanced(d), 1e-6f);
    }

    @Test
    void classWithoutRowsHasNoWeight() {
        Path f = write(dir, "w.csv", "text,label\na,pos\nb,pos\n");
        DataSet d = DataSets.read(f, DataSpec.defaults(), new KnownLabels(List.of("neg", "pos"), null));
        fails(() -> ClassWeights.balanced(d), "class 'neg' has no row");
    }

    @Test
    void positiveWeightsForMultiLabel() {
        DataSet d = read(write(dir, "m.csv", "text,a,b\nx,1,0\ny,1,1\nz,0,0\nw,0,0\n"));
        assertArrayEquals(new float[] {1f, 3f}, ClassWeights.positiveWeights(d), 1e-6f);
        fails(() -> ClassWeights.balanced(d), "class weights need single_label_classification data");
    }
}
