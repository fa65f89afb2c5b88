package dev.fpk.trainer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Layer layout of the autoencoder {@code widths[0] -> widths[1] -> ... -> widths[L]}: matrix l maps
 * layer l to layer l + 1, {@code y = W h + b} with W of shape {@code [out, in]}.
 *
 * <p>Names: with k hidden layers there are k + 1 matrices. If k is even, the middle matrix (index k
 * / 2, between the two innermost hidden layers) is {@code "bottleneck"}; the matrices before it are
 * {@code "enc1", "enc2", ...} and those after it {@code "dec1", "dec2", ...}. If k is odd there is
 * no bottleneck matrix: {@code enc1..enc((k+1)/2), dec1..dec((k+1)/2)}. Default widths {@code
 * d,16,2,2,16,d}: enc1 [16,d], enc2 [2,16], bottleneck [2,2], dec1 [16,2], dec2 [d,16].
 *
 * <p>Parameters of one replica are laid out as, for each layer in order, W (row-major) then b.
 */
public final class Architecture {
  private final int[] widths;
  private final List<String> names;
  private final int[] weightOffset;
  private final int[] biasOffset;
  private final int paramsPerReplica;

  public Architecture(int[] widths) {
    if (widths.length < 2) throw new IllegalArgumentException("need at least 2 widths");
    this.widths = widths.clone();
    int layers = widths.length - 1;
    int hidden = widths.length - 2;
    List<String> n = new ArrayList<>(layers);
    if (hidden % 2 == 0) {
      int half = hidden / 2;
      for (int i = 0; i < half; i++) n.add("enc" + (i + 1));
      n.add("bottleneck");
      for (int i = 0; i < half; i++) n.add("dec" + (i + 1));
    } else {
      int half = (hidden + 1) / 2;
      for (int i = 0; i < half; i++) n.add("enc" + (i + 1));
      for (int i = 0; i < half; i++) n.add("dec" + (i + 1));
    }
    this.names = Collections.unmodifiableList(n);
    weightOffset = new int[layers];
    biasOffset = new int[layers];
    int off = 0;
    for (int l = 0; l < layers; l++) {
      weightOffset[l] = off;
      off += out(l) * in(l);
      biasOffset[l] = off;
      off += out(l);
    }
    paramsPerReplica = off;
  }

  public int layers() {
    return widths.length - 1;
  }

  public int in(int layer) {
    return widths[layer];
  }

  public int out(int layer) {
    return widths[layer + 1];
  }

  public int[] widths() {
    return widths.clone();
  }

  public int width(int i) {
    return widths[i];
  }

  public int maxWidth() {
    int m = 0;
    for (int w : widths) m = Math.max(m, w);
    return m;
  }

  public List<String> names() {
    return names;
  }

  public String name(int layer) {
    return names.get(layer);
  }

  /** Index of the named matrix, or an exception naming the known layers. */
  public int indexOf(String name) {
    int i = names.indexOf(name);
    if (i < 0)
      throw new IllegalArgumentException("layer must be one of " + names + ", was " + name);
    return i;
  }

  public int weightOffset(int layer) {
    return weightOffset[layer];
  }

  public int biasOffset(int layer) {
    return biasOffset[layer];
  }

  public int weightCount(int layer) {
    return out(layer) * in(layer);
  }

  public int paramsPerReplica() {
    return paramsPerReplica;
  }

  /** Multiply-adds of one forward pass of one sample. */
  public long forwardMacsPerSample() {
    long m = 0;
    for (int l = 0; l < layers(); l++) m += (long) weightCount(l);
    return m;
  }
}
