package dev.homefleet.core.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Writes homefleet's records as JSON or YAML the way fleet.yaml spells them: snake_case keys, lowercase enum
 * values, durations as {@code 30s}, instants as ISO-8601 text.
 */
public final class FleetJson {

    private FleetJson() {}

    public static ObjectMapper json() {
        return configure(JsonMapper.builder().build()).enable(SerializationFeature.INDENT_OUTPUT);
    }

    public static ObjectMapper yaml() {
        return configure(YAMLMapper.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .build());
    }

    /** Leaves out nulls and empty values: for showing a config as a person would write it. */
    public static ObjectMapper compact(ObjectMapper mapper) {
        return mapper.setSerializationInclusion(JsonInclude.Include.NON_EMPTY);
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("homefleet");
        module.addSerializer(Duration.class, new JsonSerializer<>() {
            @Override
            public void serialize(Duration value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(Durations.format(value));
            }
        });
        module.addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.toString());
            }
        });
        @SuppressWarnings({"unchecked", "rawtypes"})
        Class<Enum<?>> enumType = (Class) Enum.class;
        module.addSerializer(enumType, new JsonSerializer<>() {
            @Override
            public void serialize(Enum<?> value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(spelling(value));
            }
        });
        return mapper.registerModule(module)
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    /** An enum's {@code @JsonValue} when it declares one (event types: {@code service.down}), else {@code gave-up}. */
    static String spelling(Enum<?> value) {
        for (java.lang.reflect.Method method : value.getDeclaringClass().getMethods()) {
            if (method.isAnnotationPresent(com.fasterxml.jackson.annotation.JsonValue.class)
                    && method.getParameterCount() == 0) {
                try {
                    return String.valueOf(method.invoke(value));
                } catch (ReflectiveOperationException e) {
                    break;
                }
            }
        }
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
