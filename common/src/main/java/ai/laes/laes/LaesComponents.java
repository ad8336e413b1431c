package ai.laes.laes;

/**
 * The part of the SVD Xi = V S U^T the LAES needs: U_p (Tk x p, row-major), the singular values
 * in decreasing order (at least the top p; the Gram route keeps all Tk), and trace(Xi^T Xi) =
 * sum of all s^2 (for the explained variance). Each column of U_p gets a deterministic sign:
 * its largest-|.| entry (first one on ties) is made positive, so every route and partitioning
 * yields the same components.
 */
public final class LaesComponents {
    private final double[] up;
    private final int rows;
    private final int p;
    private final double[] singularValues;
    private final double trace;
    private final LaesChecks.EigenFigures checked;

    /**
     * Takes ownership of {@code up} and flips column signs in place; {@code checked} are the figures
     * of the check the decomposition passed ({@link LaesChecks}).
     */
    public LaesComponents(double[] up, int rows, int p, double[] singularValues, double trace,
            LaesChecks.EigenFigures checked) {
        if (up.length != (long) rows * p || singularValues.length < p) {
            throw new IllegalArgumentException("U_p must be " + rows + " x " + p + " with at least p singular values");
        }
        this.up = up;
        this.rows = rows;
        this.p = p;
        this.singularValues = singularValues.clone();
        this.trace = trace;
        this.checked = checked;
        normalizeSigns();
    }

    private void normalizeSigns() {
        for (int c = 0; c < p; c++) {
            int best = 0;
            for (int r = 1; r < rows; r++) {
                if (Math.abs(up[r * p + c]) > Math.abs(up[best * p + c])) {
                    best = r;
                }
            }
            if (up[best * p + c] < 0) {
                for (int r = 0; r < rows; r++) {
                    up[r * p + c] = -up[r * p + c];
                }
            }
        }
    }

    /** U_p, row-major Tk x p (a copy). */
    public double[] up() {
        return up.clone();
    }

    double upAt(int row, int component) {
        return up[row * p + component];
    }

    public int rows() {
        return rows;
    }

    public int p() {
        return p;
    }

    public double[] singularValues() {
        return singularValues.clone();
    }

    public double trace() {
        return trace;
    }

    /** The figures of the eigendecomposition's check. */
    public LaesChecks.EigenFigures checked() {
        return checked;
    }
}
