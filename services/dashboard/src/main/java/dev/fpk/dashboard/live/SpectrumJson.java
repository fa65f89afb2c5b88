package dev.fpk.dashboard.live;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.dashboard.store.SpectrumPoint;
import dev.fpk.protocol.v1.SpectrumUpdate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A layer's spectral view as JSON, the same in the run report and the page's API: {@code
 * "spectrum": {"step", "eigenvalues" (ascending, weight units^2), "mp": {"sigma2", "ratio", "ks",
 * "edge"}, "spikes", "alpha", "alphaXmin", "alphaKs", "spacingKs", "poissonKs", "temperature"}}
 * (null without a spectrum) and {@code "spectrumSeries": [{"step", "alpha", "mpKs", "spacingKs",
 * "spikes", "temperature"}, ...]}. NaN and infinities become null (JSON has neither).
 */
public final class SpectrumJson {
  private SpectrumJson() {}

  /** Puts {@code spectrum} and {@code spectrumSeries} into {@code layer}. */
  public static void put(
      ObjectNode layer, @Nullable SpectrumUpdate latest, List<SpectrumPoint> series) {
    if (latest == null) {
      layer.putNull("spectrum");
    } else {
      ObjectNode s = layer.putObject("spectrum").put("step", latest.getStep());
      ArrayNode eigenvalues = s.putArray("eigenvalues");
      latest.getEigenvaluesList().forEach(eigenvalues::add);
      ObjectNode mp = s.putObject("mp");
      LiveJson.number(mp, "sigma2", latest.getMp().getSigma2());
      LiveJson.number(mp, "ratio", latest.getMp().getRatio());
      LiveJson.number(mp, "ks", latest.getMp().getKs());
      LiveJson.number(mp, "edge", latest.getMp().getEdge());
      LiveJson.number(s, "spikes", latest.getSpikes());
      LiveJson.number(s, "alpha", latest.getAlpha());
      LiveJson.number(s, "alphaXmin", latest.getAlphaXmin());
      LiveJson.number(s, "alphaKs", latest.getAlphaKs());
      LiveJson.number(s, "spacingKs", latest.getSpacingKs());
      LiveJson.number(s, "poissonKs", latest.getPoissonKs());
      LiveJson.number(s, "temperature", latest.getTemperature());
    }
    ArrayNode points = layer.putArray("spectrumSeries");
    for (SpectrumPoint p : series) {
      ObjectNode o = points.addObject().put("step", p.step());
      LiveJson.number(o, "alpha", p.alpha());
      LiveJson.number(o, "mpKs", p.mpKs());
      LiveJson.number(o, "spacingKs", p.spacingKs());
      LiveJson.number(o, "spikes", p.spikes());
      LiveJson.number(o, "temperature", p.temperature());
    }
  }
}
