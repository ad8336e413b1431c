package ai.laes.lmn.init;

import ai.laes.io.InputException;
import ai.laes.lmn.LinearMemoryLayer;
import ai.laes.lmn.LinearMemoryLayerImpl;
import ai.laes.lmn.LinearMemoryParamInitializer;
import ai.laes.numerics.RandomMatrices;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/**
 * Writes LMN parameters given in the column-vector form of docs/laes-math.md (W_xh: nH x nIn, W_mh: nH x nM,
 * W_hm: nM x nH, W_mm: nM x nM) into the layer's row-vector parameters, which are their transposes.
 */
public final class LmnParameters {
    final int nIn, nH, nM;
    private final Layer layer;

    private LmnParameters(Layer layer, LinearMemoryLayer conf) {
        this.layer = layer;
        this.nIn = (int) conf.getNIn();
        this.nH = (int) conf.getNH();
        this.nM = (int) conf.getNOut();
    }

    /** The LinearMemoryLayer at {@code layerIndex}, unwrapping LastTimeStep and other wrappers. */
    public static LmnParameters of(MultiLayerNetwork net, int layerIndex) {
        if (layerIndex < 0 || layerIndex >= net.getnLayers()) {
            throw new InputException("layerIndex " + layerIndex + " is outside the network's " + net.getnLayers() + " layers");
        }
        Layer layer = LinearMemoryLayerImpl.unwrapped(net.getLayer(layerIndex));
        if (!(layer.conf().getLayer() instanceof LinearMemoryLayer)) {
            throw new InputException("layer " + layerIndex + " is a " + layer.conf().getLayer().getClass().getSimpleName()
                    + ", not a LinearMemoryLayer");
        }
        return new LmnParameters(layer, (LinearMemoryLayer) layer.conf().getLayer());
    }

    public void setWxh(double[][] wxh) {
        setColumnForm(LinearMemoryParamInitializer.W_XH, wxh, nH, nIn);
    }

    public void setWmh(double[][] wmh) {
        setColumnForm(LinearMemoryParamInitializer.W_MH, wmh, nH, nM);
    }

    public void setWhm(double[][] whm) {
        setColumnForm(LinearMemoryParamInitializer.W_HM, whm, nM, nH);
    }

    public void setWmm(double[][] wmm) {
        setColumnForm(LinearMemoryParamInitializer.W_MM, wmm, nM, nM);
    }

    public void setBh(double[] bh) {
        setVector(LinearMemoryParamInitializer.B_H, bh, nH);
    }

    public void setBm(double[] bm) {
        setVector(LinearMemoryParamInitializer.B_M, bm, nM);
    }

    /** The weight {@code key} in the column-vector form of the equations (the transpose of what DL4J stores). */
    public double[][] columnForm(String key) {
        return layer.getParam(key).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).transpose().toDoubleMatrix();
    }

    /** The bias {@code key}. */
    public double[] vector(String key) {
        return layer.getParam(key).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
    }

    /**
     * The reference's LMN cell as drawn ({@code LMNDetachCell} of rnn_nograd/rnn_modules.py, wrapped by
     * {@code LMNDetachLayer}): every weight Xavier-normal with gain {@link LmnInitializer#REFERENCE_GAIN}
     * (std 0.9 sqrt(2 / (fanIn + fanOut))), both biases standard normal ({@code torch.randn}, not zero); with
     * {@code orthogonalMemory}, W_mm Haar-orthogonal with gain 1 instead (the reference's {@code OrthogonalInit}
     * callback, cannon/callbacks.py, which runs {@code torch.nn.init.orthogonal_(W_mm, gain=1)} on the drawn cell).
     */
    void drawReference(Random rnd, boolean orthogonalMemory) {
        double gain = LmnInitializer.REFERENCE_GAIN;
        setWxh(RandomMatrices.xavierNormal(rnd, nH, nIn, gain));
        setWhm(RandomMatrices.xavierNormal(rnd, nM, nH, gain));
        double[][] wmm = RandomMatrices.xavierNormal(rnd, nM, nM, gain);
        setWmh(RandomMatrices.xavierNormal(rnd, nH, nM, gain));
        setBh(RandomMatrices.gaussian(rnd, nH, 1.0));
        setBm(RandomMatrices.gaussian(rnd, nM, 1.0));
        setWmm(orthogonalMemory ? RandomMatrices.orthogonal(rnd, nM) : wmm);
    }

    private void setColumnForm(String key, double[][] m, int rows, int cols) {
        if (m.length != rows || java.util.Arrays.stream(m).anyMatch(r -> r.length != cols)) {
            throw new InputException("LMN parameter " + key + " must be " + rows + " x " + cols + " (column-vector form)");
        }
        INDArray param = layer.getParam(key);
        param.assign(Nd4j.create(m).transpose().castTo(param.dataType()));
    }

    private void setVector(String key, double[] v, int length) {
        if (v.length != length) {
            throw new InputException("LMN parameter " + key + " must have length " + length + ", got " + v.length);
        }
        INDArray param = layer.getParam(key);
        param.assign(Nd4j.create(v, new long[]{1, length}).castTo(param.dataType()));
    }
}
