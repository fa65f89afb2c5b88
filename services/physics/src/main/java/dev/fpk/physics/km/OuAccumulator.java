package dev.fpk.physics.km;

/**
 * Streaming weighted least-squares line through samples {@code (w, x = dw/dt)} with weight {@code u
 * = c dt} per increment ({@code c} the forgetting weight), kept as Welford-style weighted means and
 * co-moments so that there is no cancellation and two accumulators merge exactly (Chan et al.).
 * Package-private building block of the Kramers-Moyal estimators. Not thread-safe.
 */
final class OuAccumulator {
  /** sum c, sum c^2, sum c dt, sum c^2 dt. */
  double c;

  double c2;
  double u;
  double v2;

  /** weighted means of w and x, co-moments sum u (w-mw)^2, sum u (w-mw)(x-mx), sum u (x-mx)^2. */
  double mw;

  double mx;
  double cww;
  double cwx;
  double cxx;

  /** residual sum of squares about the current fit, kept by its own update (no cancellation). */
  double rss;

  void add(double w, double x, double dt) {
    double cwwOld = cww;
    double cxxOld = cxx;
    if (cwwOld > 0) {
      // recursive least squares: the prediction error of the old fit, deflated by the leverage
      double dW0 = w - mw;
      double e = (x - mx) - (cwx / cwwOld) * dW0;
      rss += dt * e * e / (1 + dt * (1 / u + dW0 * dW0 / cwwOld));
    }
    c += 1;
    c2 += 1;
    v2 += dt;
    double un = u + dt;
    double r = dt / un;
    u = un;
    double dW = w - mw;
    double dX = x - mx;
    mw += dW * r;
    mx += dX * r;
    cww += dt * dW * (w - mw);
    cwx += dt * dW * (x - mx);
    cxx += dt * dX * (x - mx);
    if (!(cwwOld > 0)) {
      // no spread of w before: the old residual is the scatter of x; a new distinct w is fitted
      // exactly
      rss = cww > 0 ? cxxOld : cxx;
    }
  }

  void scale(double f) {
    c *= f;
    u *= f;
    cww *= f;
    cwx *= f;
    cxx *= f;
    rss *= f;
    double f2 = f * f;
    c2 *= f2;
    v2 *= f2;
  }

  void merge(OuAccumulator o) {
    if (o.u == 0) {
      return;
    }
    if (u == 0) {
      copyFrom(o);
      return;
    }
    double mergedRss = mergedRss(o);
    double un = u + o.u;
    double dW = o.mw - mw;
    double dX = o.mx - mx;
    double k = u * o.u / un;
    cww += o.cww + dW * dW * k;
    cwx += o.cwx + dW * dX * k;
    cxx += o.cxx + dX * dX * k;
    mw += dW * o.u / un;
    mx += dX * o.u / un;
    u = un;
    c += o.c;
    c2 += o.c2;
    v2 += o.v2;
    rss =
        Double.isNaN(mergedRss) ? (cww > 0 ? Math.max(0, cxx - cwx * cwx / cww) : cxx) : mergedRss;
  }

  /**
   * RSS of the union: {@code rss_a + rss_b + delta' (I_a^-1 + I_b^-1)^-1 delta} with {@code delta}
   * the difference of the two fitted lines (value at a common point, slope) and {@code I} their
   * information matrices; NaN if either side has no spread of w (then the caller uses co-moments).
   */
  private double mergedRss(OuAccumulator o) {
    if (!(cww > 0) || !(o.cww > 0)) {
      return Double.NaN;
    }
    double w0 = (u * mw + o.u * o.mw) / (u + o.u);
    double da = mw - w0;
    double db = o.mw - w0;
    double sa = cwx / cww;
    double sb = o.cwx / o.cww;
    double d1 = (mx + sa * (w0 - mw)) - (o.mx + sb * (w0 - o.mw));
    double d2 = sa - sb;
    double s11 = 1 / u + da * da / cww + 1 / o.u + db * db / o.cww;
    double s12 = -da / cww - db / o.cww;
    double s22 = 1 / cww + 1 / o.cww;
    double det = s11 * s22 - s12 * s12;
    return rss + o.rss + (s22 * d1 * d1 - 2 * s12 * d1 * d2 + s11 * d2 * d2) / det;
  }

  void copyFrom(OuAccumulator o) {
    c = o.c;
    c2 = o.c2;
    u = o.u;
    v2 = o.v2;
    mw = o.mw;
    mx = o.mx;
    cww = o.cww;
    cwx = o.cwx;
    cxx = o.cxx;
    rss = o.rss;
  }

  /**
   * The fit. Slope {@code cwx / cww}; the residual sum of squares (kept by recursive least squares
   * rather than as {@code cxx - cwx^2 / cww}, which cancels when the line explains most of the
   * scatter) estimates {@code 2D} times {@code c - 2 v2 / u} degrees of freedom (exact without
   * forgetting, where it is {@code n - 2}); slope variance {@code 2D (c2 / c) / cww} (exact without
   * forgetting).
   */
  OuFit fit() {
    double dof = c - 2 * v2 / u;
    if (!(u > 0) || !(cww > 0) || !(dof > 0)) {
      return OuFit.EMPTY;
    }
    double slope = cwx / cww;
    double intercept = mx - slope * mw;
    double d = Math.max(0, rss) / (2 * dof);
    double slopeSe = Math.sqrt(2 * d * (c2 / c) / cww);
    double neff = c * c / c2;
    double dSe = neff > 2 ? d * Math.sqrt(2 / (neff - 2)) : Double.NaN;
    return new OuFit(slope, intercept, slopeSe, d, dSe);
  }
}
