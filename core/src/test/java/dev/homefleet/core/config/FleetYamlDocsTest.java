package dev.homefleet.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** docs/fleet-yaml.md stays the whole reference: every key the loader accepts is documented. */
class FleetYamlDocsTest {

    @Test
    void every_key_of_the_schema_is_documented() throws Exception {
        String docs = Files.readString(Path.of("..", "docs", "fleet-yaml.md"));
        Set<String> keys = new TreeSet<>();
        collect(FleetConfig.class, "", keys);
        assertThat(keys).hasSizeGreaterThan(60);
        assertThat(keys).allSatisfy(path -> {
            String key = path.substring(path.lastIndexOf('.') + 1);
            assertThat(docs).as("docs/fleet-yaml.md documents %s", path).contains("`" + key + "`");
        });
    }

    @Test
    void every_enum_value_is_documented() throws Exception {
        String docs = Files.readString(Path.of("..", "docs", "fleet-yaml.md"));
        for (Class<?> type : new Class<?>[] {MachineSpec.Os.class, MachineSpec.Role.class, ReachSpec.Via.class,
                SshSpec.Shell.class, ManagerSpec.Type.class, ManagerSpec.Domain.class, ServiceSpec.Protocol.class,
                FailoverSpec.Action.Operation.class, AlertsSpec.Severity.class,
                AlertsSpec.Day.class}) {
            assertThat(Binder.enumNames(type)).allSatisfy(name -> assertThat(docs).contains("`" + name + "`"));
        }
    }

    private static void collect(Type type, String path, Set<String> keys) {
        if (type instanceof ParameterizedType generic) {
            Type[] args = generic.getActualTypeArguments();
            collect(args[args.length - 1], path + ".*", keys);
            return;
        }
        Class<?> cls = (Class<?>) type;
        if (!cls.isRecord() || cls == Schedule.class || cls == PortRange.class || cls == Secret.class) {
            return;
        }
        for (RecordComponent component : cls.getRecordComponents()) {
            if (component.isAnnotationPresent(Name.class)) {
                continue;
            }
            String child = path + "." + Binder.keyOf(component);
            keys.add(child);
            collect(component.getGenericType(), child, keys);
        }
    }
}
