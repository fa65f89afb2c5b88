package dev.fpk.app.experiment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON helpers of the experiment report: numbers that are not finite are written as null (JSON has
 * no NaN).
 */
public final class Json {
  private Json() {}

  public static ObjectNode putNumber(ObjectNode o, String field, double x) {
    if (Double.isFinite(x)) {
      o.put(field, x);
    } else {
      o.putNull(field);
    }
    return o;
  }

  public static ArrayNode addNumber(ArrayNode a, double x) {
    return Double.isFinite(x) ? a.add(x) : a.addNull();
  }

  public static ArrayNode numbers(ArrayNode a, double[] xs) {
    for (double x : xs) {
      addNumber(a, x);
    }
    return a;
  }
}
