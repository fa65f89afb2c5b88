package dev.fpk.estimator;

import dev.fpk.protocol.v1.DriftDiffusionEstimate;

/** A complete ensemble step and the drift and diffusion estimate as of that step. */
public record StepEstimate(EnsembleStep step, DriftDiffusionEstimate estimate) {}
