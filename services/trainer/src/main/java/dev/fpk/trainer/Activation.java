package dev.fpk.trainer;

/**
 * Hidden-layer activations in plain Java, applied in place. {@code tanh} uses a rational
 * approximation (the [13/6] minimax form used by Eigen for float tanh, clamped to +-7.9053),
 * accurate to a few float ulps and pure arithmetic, hence identical on every JVM and much faster
 * than {@link Math#tanh}.
 */
enum Activation {
  TANH,
  RELU,
  LINEAR;

  static Activation of(String name) {
    return switch (name) {
      case "tanh" -> TANH;
      case "relu" -> RELU;
      case "linear" -> LINEAR;
      default ->
          throw new IllegalArgumentException(
              "activation must be one of [tanh, relu, linear], was " + name);
    };
  }

  private static final float CLAMP = 7.90531110763549805f;
  private static final float A1 = 4.89352455891786e-03f;
  private static final float A3 = 6.37261928875436e-04f;
  private static final float A5 = 1.48572235717979e-05f;
  private static final float A7 = 5.12229709037114e-08f;
  private static final float A9 = -8.60467152213735e-11f;
  private static final float A11 = 2.00018790482477e-13f;
  private static final float A13 = -2.76076847742355e-16f;
  private static final float B0 = 4.89352518554385e-03f;
  private static final float B2 = 2.26843463243900e-03f;
  private static final float B4 = 1.18534705686654e-04f;
  private static final float B6 = 1.19825839466702e-06f;

  static float tanh(float x) {
    x = Math.max(-CLAMP, Math.min(CLAMP, x));
    float x2 = x * x;
    float p = x2 * A13 + A11;
    p = x2 * p + A9;
    p = x2 * p + A7;
    p = x2 * p + A5;
    p = x2 * p + A3;
    p = x2 * p + A1;
    p = x * p;
    float q = x2 * B6 + B4;
    q = x2 * q + B2;
    q = x2 * q + B0;
    return p / q;
  }

  /** Applies the activation to {@code a[from, to)} in place. */
  void apply(float[] a, int from, int to) {
    switch (this) {
      case TANH -> {
        // tanh(x) above written out on purpose: the hot loop stays straight-line float arithmetic,
        // no call
        for (int i = from; i < to; i++) {
          float x = Math.max(-CLAMP, Math.min(CLAMP, a[i]));
          float x2 = x * x;
          float p = x2 * A13 + A11;
          p = x2 * p + A9;
          p = x2 * p + A7;
          p = x2 * p + A5;
          p = x2 * p + A3;
          p = x2 * p + A1;
          p = x * p;
          float q = x2 * B6 + B4;
          q = x2 * q + B2;
          q = x2 * q + B0;
          a[i] = p / q;
        }
      }
      case RELU -> {
        for (int i = from; i < to; i++) a[i] = Math.max(0f, a[i]);
      }
      case LINEAR -> {}
    }
  }

  /**
   * {@code g[i] *= f'(z_i)} for {@code i in [from, to)}, with the derivative written in terms of
   * the output {@code a = f(z)}.
   */
  void backprop(float[] g, float[] a, int from, int to) {
    switch (this) {
      case TANH -> {
        for (int i = from; i < to; i++) g[i] *= 1f - a[i] * a[i];
      }
      case RELU -> {
        for (int i = from; i < to; i++) if (!(a[i] > 0f)) g[i] = 0f;
      }
      case LINEAR -> {}
    }
  }
}
