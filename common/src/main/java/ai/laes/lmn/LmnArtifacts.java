package ai.laes.lmn;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

import ai.laes.io.FileSystems;
import ai.laes.io.Npy;
import ai.laes.lmn.init.LmnParameters;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * An LMN classifier written for other tools: {@code NAME.zip} (DL4J ModelSerializer, with updater
 * state) and {@code NAME/} with every parameter as a float64 NumPy file in the column-vector form
 * of docs/laes-math.md: W_xh (nH, k), W_mh (nH, nM), b_h (nH,), W_hm (nM, nH), W_mm (nM, nM), b_m (nM,),
 * W_out (classes, nM), b_out (classes,).
 */
public final class LmnArtifacts {
    private LmnArtifacts() {
    }

    /** Writes {@code net} (an LMN classifier) as {@code dir/NAME.zip} and {@code dir/NAME/*.npy}. */
    public static void write(MultiLayerNetwork net, Path dir, String name, Configuration conf) {
        Path zip = new Path(dir, name + ".zip");
        try (OutputStream out = FileSystems.of(zip, conf).create(zip, true)) {
            ModelSerializer.writeModel(net, out, true);
        } catch (IOException e) {
            throw new UncheckedIOException(zip + ": " + e.getMessage(), e);
        }
        Path npy = new Path(dir, name);
        LmnParameters p = LmnParameters.of(net, 0);
        Npy.writeMatrix(new Path(npy, "W_xh.npy"), conf, p.columnForm(LinearMemoryParamInitializer.W_XH));
        Npy.writeMatrix(new Path(npy, "W_mh.npy"), conf, p.columnForm(LinearMemoryParamInitializer.W_MH));
        Npy.writeVector(new Path(npy, "b_h.npy"), conf, p.vector(LinearMemoryParamInitializer.B_H));
        Npy.writeMatrix(new Path(npy, "W_hm.npy"), conf, p.columnForm(LinearMemoryParamInitializer.W_HM));
        Npy.writeMatrix(new Path(npy, "W_mm.npy"), conf, p.columnForm(LinearMemoryParamInitializer.W_MM));
        Npy.writeVector(new Path(npy, "b_m.npy"), conf, p.vector(LinearMemoryParamInitializer.B_M));
        org.deeplearning4j.nn.api.Layer output = net.getLayer(1);
        Npy.writeMatrix(new Path(npy, "W_out.npy"), conf,
                output.getParam("W").castTo(DataType.DOUBLE).transpose().toDoubleMatrix());
        Npy.writeVector(new Path(npy, "b_out.npy"), conf, output.getParam("b").castTo(DataType.DOUBLE).toDoubleVector());
    }
}
