package ai.laes.ml;

import java.io.Serializable;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * The params of {@link LaesEncoder} and of its {@link LaesEncoderModel}, declared once: each stage creates its
 * {@link Declared} set in its constructor, bound to its uid, and these default methods expose it the way Spark's own
 * stages do ({@code inputCol()} is the param, {@code getInputCol()} its value). Spark finds a stage's params by its
 * public no-argument methods that return a {@link Param}, so {@code explainParams()}, {@code copy} and persistence see
 * all six.
 */
public interface LaesEncoderParams extends Params {
    /** The reference's memory size (docs/laes-math.md, "What the paper claims"). */
    int DEFAULT_MEMORY_SIZE = 128;

    /** The six params of one stage, bound to it, with their defaults set on it. */
    final class Declared implements Serializable {
        private static final long serialVersionUID = 1L;
        final Param<String> inputCol;
        final Param<String> outputCol;
        final IntParam memorySize;
        final BooleanParam center;
        final IntParam featureSize;
        final IntParam maxLength;

        /** Declares the params of {@code stage}, whose uid must already be set. */
        Declared(Params stage) {
            inputCol = new Param<>(stage, "inputCol", "the sequence column: array<array<double>> (steps x features),"
                    + " array<double> or vector (features flattened step-major; float arrays are widened exactly);"
                    + " lengths may differ between rows");
            outputCol = new Param<>(stage, "outputCol", "the output column: the final LAES memory state y_n of each"
                    + " sequence, a vector of size memorySize");
            memorySize = new IntParam(stage, "memorySize", "memory size p, the number of LAES components: the state"
                    + " y_t = A (x_t - mu) + B y_{t-1} has p entries (> 0, at most T * k)", ParamValidators.gt(0));
            center = new BooleanParam(stage, "center", "whether the inputs are centred on their mean mu over every"
                    + " step of every sequence, as the reference does (false: mu = 0, the LAES of the raw inputs)");
            featureSize = new IntParam(stage, "featureSize", "k, the features per step: 0 infers it from an"
                    + " array<array<double>> column; required (> 0) for array<double> and vector columns",
                    ParamValidators.gtEq(0));
            maxLength = new IntParam(stage, "maxLength", "the most steps a sequence may have; a longer one is refused"
                    + " (0: no limit)", ParamValidators.gtEq(0));
            stage.setDefault(outputCol, stage.uid() + "__output");
            stage.setDefault(memorySize, DEFAULT_MEMORY_SIZE);
            stage.setDefault(center, true);
            stage.setDefault(featureSize, 0);
            stage.setDefault(maxLength, 0);
        }
    }

    /** This stage's params (not a param itself). */
    Declared declaredParams();

    default Param<String> inputCol() {
        return declaredParams().inputCol;
    }

    default String getInputCol() {
        return getOrDefault(inputCol());
    }

    default Param<String> outputCol() {
        return declaredParams().outputCol;
    }

    default String getOutputCol() {
        return getOrDefault(outputCol());
    }

    default IntParam memorySize() {
        return declaredParams().memorySize;
    }

    default int getMemorySize() {
        return (Integer) getOrDefault(memorySize());
    }

    default BooleanParam center() {
        return declaredParams().center;
    }

    default boolean getCenter() {
        return (Boolean) getOrDefault(center());
    }

    default IntParam featureSize() {
        return declaredParams().featureSize;
    }

    default int getFeatureSize() {
        return (Integer) getOrDefault(featureSize());
    }

    default IntParam maxLength() {
        return declaredParams().maxLength;
    }

    default int getMaxLength() {
        return (Integer) getOrDefault(maxLength());
    }
}
