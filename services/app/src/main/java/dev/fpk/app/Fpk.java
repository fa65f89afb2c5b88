package dev.fpk.app;

public final class Fpk {
  public static void main(String[] args) {}
}
