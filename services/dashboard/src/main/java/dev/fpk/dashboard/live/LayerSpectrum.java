package dev.fpk.dashboard.live;

import dev.fpk.dashboard.store.SpectrumPoint;
import dev.fpk.protocol.v1.SpectrumUpdate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The spectral view of one (run, layer) as the outputs last described it: the newest spectrum (null
 * before the first, and for a layer without a matrix) and the series of its statistics.
 *
 * @param version the layer's version (grows with any change of the layer)
 */
public record LayerSpectrum(
    long version, @Nullable SpectrumUpdate latest, List<SpectrumPoint> series) {}
