package dev.fpk.app.experiment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON helpers of the experiment report: numbers that are not finite are written as null (JSON has
 * no NaN).
 */
final class Json {
  private Json() {}

  static ObjectNode putNumber(ObjectNode o, String field, double x) {
    if (Double.isFinite(x)) {
      o.put(field, x);
    } else {
      o.putNull(field);
    }
    return o;
  }

  static ArrayNode addNumber(ArrayNode a, double x) {
    return Double.isFinite(x) ? a.add(x) : a.addNull();
  }

  static ArrayNode numbers(ArrayNode a, double[] xs) {
    for (double x : xs) {
      addNumber(a, x);
    }
    return a;
  }
}
