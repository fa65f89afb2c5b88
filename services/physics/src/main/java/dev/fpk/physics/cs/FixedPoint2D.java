package dev.fpk.physics.cs;

/**
 * A fixed point of a 2-D drift field (both components zero) with the Jacobian {@code d mu_i / d
 * w_j} there and its eigenvalues ({@code {re, im}} pairs, ascending real part): all real parts
 * negative = attractive, mixed signs = saddle. Per step. The arrays are the record's own (not
 * copied); immutable by convention.
 *
 * @param x first coordinate (weight units)
 * @param y second coordinate
 * @param jacobian {@code {{dmu_x/dx, dmu_x/dy}, {dmu_y/dx, dmu_y/dy}}}
 * @param eigenvalues eigenvalues of the Jacobian
 */
public record FixedPoint2D(double x, double y, double[][] jacobian, double[][] eigenvalues) {
  /** True if every eigenvalue has a negative real part. */
  public boolean attractive() {
    for (double[] e : eigenvalues) {
      if (!(e[0] < 0)) {
        return false;
      }
    }
    return true;
  }
}
