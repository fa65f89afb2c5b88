package dev.fpk.analysis.stream;

import dev.fpk.protocol.RejectReason;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.HorizonForecast;
import dev.fpk.protocol.v1.OutputComparison;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * Calls every recording method of {@link PipelineMetrics} once with plausible arguments, so each
 * meter it can export exists in the registry (for the Grafana name check). Reflective on purpose:
 * meters added to PipelineMetrics later are exercised without editing this class.
 */
public final class PipelineMetricsExerciser {
  private PipelineMetricsExerciser() {}

  public static void exercise(PipelineMetrics metrics) throws Exception {
    for (Method m : PipelineMetrics.class.getDeclaredMethods()) {
      if (Modifier.isStatic(m.getModifiers())
          || Modifier.isPrivate(m.getModifiers())
          || m.getName().equals("bindTo")
          || m.isSynthetic()) {
        continue;
      }
      Class<?>[] types = m.getParameterTypes();
      Object[] args = new Object[types.length];
      for (int i = 0; i < types.length; i++) {
        args[i] = sample(types[i], i);
      }
      m.setAccessible(true);
      m.invoke(metrics, args);
    }
  }

  private static Object sample(Class<?> type, int position) {
    if (type == String.class) {
      return position == 0 ? "run" : "layer";
    }
    if (type == int.class) {
      return 2;
    }
    if (type == long.class) {
      return 1_000L;
    }
    if (type == double.class) {
      return 1.0;
    }
    if (type == boolean.class) {
      return true;
    }
    if (type == RejectReason.class) {
      return RejectReason.NON_FINITE;
    }
    if (type == AlignmentUpdate.class) {
      return AlignmentUpdate.newBuilder()
          .setRunId("run")
          .setLayer("layer")
          .setStep(1)
          .setSourceTimeUnixMillis(1_000)
          .addEntries(
              EntryAlignment.newBuilder()
                  .addIndex(0)
                  .addIndex(0)
                  .setW1(0.1)
                  .setJs(0.01)
                  .setHellinger(0.1)
                  .setSamplingFloorW1(0.05)
                  .addForecasts(
                      HorizonForecast.newBuilder()
                          .setHorizon(10)
                          .setIssuedStep(-9)
                          .setW1(0.01)
                          .setStaticW1(0.1)
                          .setGaussianW1(0.02)))
          .addOutputs(
              OutputComparison.newBuilder()
                  .setModel("entrywise")
                  .setProbes(4)
                  .setTheorySamples(8)
                  .setSlicedW1(0.2)
                  .setEnergy(0.1)
                  .setSlicedW1Floor(0.3)
                  .setEnergyFloor(0.15))
          .build();
    }
    throw new IllegalArgumentException(
        "no sample for a " + type + " argument: teach PipelineMetricsExerciser");
  }
}
