package dev.fpk.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.compat.OldAlignmentUpdate;
import dev.fpk.protocol.compat.OldEntryAlignment;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.HorizonForecast;
import dev.fpk.protocol.v1.OutputComparison;
import org.junit.jupiter.api.Test;

/**
 * v1.3 retired the single-horizon forecast fields (EntryAlignment 7-9, AlignmentUpdate 8) and added
 * forecasts, sampling floor and outputs: a v1.2 reader and a v1.3 reader still read each other's
 * alignment, every field they share intact; the retired ones are simply not seen.
 */
class AlignmentCompatibilityTest {
  @Test
  void shouldLetAV12ReaderReadAV13AlignmentWithoutForecasts() throws Exception {
    AlignmentUpdate now =
        AlignmentUpdate.newBuilder()
            .setRunId("r")
            .setLayer("l")
            .setStep(20)
            .setSamples(16)
            .setReplicas(16)
            .setSourceTimeUnixMillis(5)
            .addEntries(
                EntryAlignment.newBuilder()
                    .addIndex(0)
                    .addIndex(1)
                    .setW1(0.1)
                    .setJs(0.01)
                    .setHellinger(0.2)
                    .setSamplingFloorW1(0.05)
                    .addForecasts(
                        HorizonForecast.newBuilder()
                            .setHorizon(10)
                            .setIssuedStep(10)
                            .setW1(0.02)
                            .setStaticW1(0.04)
                            .setGaussianW1(0.03)))
            .addOutputs(OutputComparison.newBuilder().setModel("entrywise").setSlicedW1(0.3))
            .build();
    OldAlignmentUpdate old = OldAlignmentUpdate.parseFrom(now.toByteArray());
    assertEquals(20, old.getStep());
    assertEquals(16, old.getReplicas());
    assertEquals(0.1, old.getEntries(0).getW1());
    assertEquals(0.2, old.getEntries(0).getHellinger());
    assertFalse(
        old.getEntries(0).hasForecastW1(), "no v1.2 forecast: v1.3 sends them as forecasts (11)");
    assertEquals(0, old.getForecastHorizon());
    // what the old reader did not know survives its re-serialisation
    assertEquals(now, AlignmentUpdate.parseFrom(old.toByteArray()));
  }

  @Test
  void shouldLetAV13ReaderReadAV12AlignmentIgnoringTheRetiredFields() throws Exception {
    OldAlignmentUpdate old =
        OldAlignmentUpdate.newBuilder()
            .setRunId("r")
            .setLayer("l")
            .setStep(11)
            .setReplicas(8)
            .setForecastHorizon(10)
            .addEntries(
                OldEntryAlignment.newBuilder()
                    .addIndex(1)
                    .setW1(0.4)
                    .setForecastW1(0.1)
                    .setForecastStaticW1(0.2)
                    .setForecastGaussianW1(0.3))
            .build();
    AlignmentUpdate now = AlignmentUpdate.parseFrom(old.toByteArray());
    assertEquals(11, now.getStep());
    assertEquals(0.4, now.getEntries(0).getW1());
    assertEquals(0, now.getEntries(0).getForecastsCount());
    assertEquals(
        0.0, now.getEntries(0).getSamplingFloorW1(), "not measured by a v1.2 writer: the default");
    assertTrue(
        now.getEntries(0).getUnknownFields().hasField(7),
        "the retired field is carried as unknown");
  }
}
