package dev.fpk.trainer;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ActivationTest {
  @Test
  void rationalTanhIsFloatAccurate() {
    double worst = 0;
    for (double x = -12; x <= 12; x += 1e-3) {
      double err = Math.abs(Activation.tanh((float) x) - Math.tanh((float) x));
      worst = Math.max(worst, err);
    }
    assertTrue(worst < 5e-7, "max abs error " + worst);
    float[] a = {-3f, -0.5f, 0f, 0.25f, 20f};
    float[] copy = a.clone();
    Activation.TANH.apply(a, 0, a.length);
    for (int i = 0; i < a.length; i++) assertEquals(Activation.tanh(copy[i]), a[i]);
    assertEquals(1f, Activation.tanh(20f), 1e-6f);
    assertEquals(0f, Activation.tanh(0f));
  }
}
