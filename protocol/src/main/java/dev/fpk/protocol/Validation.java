package dev.fpk.protocol;

import java.util.Objects;
import java.util.function.Function;

/**
 * The outcome of checking one input: {@link Accepted} with the value or {@link Rejected} with a
 * reason and a message that names the field and the value.
 */
public sealed interface Validation<T> permits Validation.Accepted, Validation.Rejected {

  /** The input passed every check. */
  record Accepted<T>(T value) implements Validation<T> {
    public Accepted {
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * The input failed a check.
   *
   * @param reason machine-readable reason
   * @param detail human-readable, names the field and the value, e.g. {@code "shape[1] = 0: every
   *     dimension must be >= 1"}
   */
  record Rejected<T>(RejectReason reason, String detail) implements Validation<T> {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }

    /** The same rejection typed for another value type. */
    @SuppressWarnings("unchecked")
    public <U> Rejected<U> cast() {
      return (Rejected<U>) this;
    }

    @Override
    public String toString() {
      return reason.wireName() + ": " + detail;
    }
  }

  static <T> Validation<T> accepted(T value) {
    return new Accepted<>(value);
  }

  static <T> Validation<T> rejected(RejectReason reason, String detail) {
    return new Rejected<>(reason, detail);
  }

  default boolean isAccepted() {
    return this instanceof Accepted;
  }

  /** Applies {@code f} to an accepted value; a rejection passes through unchanged. */
  default <U> Validation<U> map(Function<? super T, ? extends U> f) {
    if (this instanceof Accepted<T> a) {
      return new Accepted<>(f.apply(a.value()));
    }
    return ((Rejected<T>) this).cast();
  }

  /** Continues with another check on an accepted value; a rejection passes through unchanged. */
  default <U> Validation<U> flatMap(Function<? super T, Validation<U>> f) {
    if (this instanceof Accepted<T> a) {
      return f.apply(a.value());
    }
    return ((Rejected<T>) this).cast();
  }

  /**
   * The accepted value.
   *
   * @throws IllegalStateException with the reason and detail if rejected
   */
  default T orElseThrow() {
    if (this instanceof Accepted<T> a) {
      return a.value();
    }
    throw new IllegalStateException("rejected: " + this);
  }
}
