package dev.fpk.estimator;

/**
 * Marker of the messages that cross between cluster nodes (entity commands and replies): bound to
 * Pekko's Jackson CBOR serializer in reference.conf. Protobuf fields travel as their bytes ({@link
 * ProtobufJacksonModule}).
 */
public interface CborSerializable {}
