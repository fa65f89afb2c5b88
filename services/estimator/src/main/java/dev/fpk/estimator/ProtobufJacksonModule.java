package dev.fpk.estimator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.Deserializers;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.io.IOException;

/**
 * Jackson module that writes any protobuf message (WeightSnapshot, DriftDiffusionEstimate, ...) as
 * its binary encoding, so entity messages that carry them serialize between cluster nodes with the
 * one wire format {@code protocol/} defines. Registered in reference.conf ({@code
 * pekko.serialization.jackson.jackson-modules}).
 */
public final class ProtobufJacksonModule extends SimpleModule {

  public ProtobufJacksonModule() {
    super("fpk-protobuf");
    addSerializer(
        Message.class,
        new StdSerializer<>(Message.class) {
          @Override
          public void serialize(Message value, JsonGenerator gen, SerializerProvider provider)
              throws IOException {
            gen.writeBinary(value.toByteArray());
          }
        });
  }

  @Override
  public void setupModule(SetupContext context) {
    super.setupModule(context);
    context.addDeserializers(
        new Deserializers.Base() {
          @Override
          public JsonDeserializer<?> findBeanDeserializer(
              JavaType type, DeserializationConfig config, BeanDescription bean) {
            return Message.class.isAssignableFrom(type.getRawClass())
                ? new ProtoDeserializer(type.getRawClass())
                : null;
          }
        });
  }

  /** Parses the bytes with the message class's own parser. */
  private static final class ProtoDeserializer extends StdDeserializer<Message> {
    private final transient Parser<?> parser;

    ProtoDeserializer(Class<?> type) {
      super(type);
      try {
        this.parser =
            ((Message) type.getMethod("getDefaultInstance").invoke(null)).getParserForType();
      } catch (ReflectiveOperationException e) {
        throw new IllegalArgumentException(type + " is not a generated protobuf message", e);
      }
    }

    @Override
    public Message deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      try {
        return (Message) parser.parseFrom(p.getBinaryValue());
      } catch (InvalidProtocolBufferException e) {
        throw new IOException("bad protobuf bytes for " + handledType().getName(), e);
      }
    }
  }
}
