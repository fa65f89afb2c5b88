package dev.fpk.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.fpk.protocol.v1.MarchenkoPasturFit;
import dev.fpk.protocol.v1.SpectrumUpdate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spectral view's message (v1.4): on its own topic, NaN-safe, with the report's JSON names. */
class SpectrumUpdateTest {
  private static SpectrumUpdate sample() {
    return SpectrumUpdate.newBuilder()
        .setRunId("r")
        .setLayer("enc/0")
        .setStep(400)
        .setMode("pooled")
        .setReplicas(1)
        .addShape(3)
        .addShape(5)
        .addEigenvalues(0.5f)
        .addEigenvalues(1.0f)
        .addEigenvalues(4.0f)
        .setEigenvalueCount(3)
        .setMp(MarchenkoPasturFit.newBuilder().setSigma2(0.1).setRatio(0.6).setKs(0.2).setEdge(3.1))
        .setSpikes(1)
        .setAlpha(Double.NaN)
        .setAlphaXmin(Double.NaN)
        .setAlphaKs(Double.NaN)
        .setSpacingKs(0.3)
        .setPoissonKs(0.4)
        .setSpacings(1)
        .setTemperature(Double.NaN)
        .setLearningRate(0.05)
        .setBatchSize(32)
        .setSourceTimeUnixMillis(7)
        .build();
  }

  @Test
  void shouldLiveOnItsOwnTopicWithItsSchemaHeader() {
    assertEquals("fpk.spectrum.v1", Topics.SPECTRUM);
    assertEquals(SpectrumUpdate.getDescriptor(), Topics.valueType(Topics.SPECTRUM));
    assertEquals("fpk.v1.SpectrumUpdate", Topics.schemaHeaderValue(Topics.SPECTRUM));
  }

  @Test
  void shouldCarryNaNStatisticsThroughBinaryAndJson() throws Exception {
    SpectrumUpdate s = sample();
    SpectrumUpdate back = SpectrumUpdate.parseFrom(s.toByteArray());
    assertEquals(s, back);
    assertTrue(Double.isNaN(back.getTemperature()) && Double.isNaN(back.getAlpha()));
    SpectrumUpdate.Builder fromJson = SpectrumUpdate.newBuilder();
    JsonFormat.parser().merge(JsonMapping.toJson(s), fromJson);
    assertEquals(s, fromJson.build());
  }

  @Test
  void shouldPrintTheFieldNamesTheReportPins() {
    String json = JsonMapping.toJson(sample());
    for (String name :
        List.of(
            "\"step\"",
            "\"eigenvalues\"",
            "\"mp\":{\"sigma2\"",
            "\"ratio\"",
            "\"ks\"",
            "\"edge\"",
            "\"spikes\"",
            "\"alpha\"",
            "\"alphaXmin\"",
            "\"alphaKs\"",
            "\"spacingKs\"",
            "\"poissonKs\"",
            "\"temperature\"")) {
      assertTrue(json.contains(name), name + " in " + json);
    }
  }
}
