package dev.fpk.analysis.stream;

/**
 * What a stage does when an entity answers that it lost records the stream gave it: both entities
 * of the key are told to reload their common checkpoint, and the exception returned fails the
 * stream (a new one from the committed offsets gives them the records again).
 */
@FunctionalInterface
interface Rewind {
  AnalysisStream.EntityLostRecords lost(String key);
}
