package dev.homefleet.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MachineIdentityTest {

    private final FleetConfig fleet = new FleetConfigLoader(Map.of()).load(Path.of("..", "fleet.yaml")).config();

    @Test
    void a_machine_is_found_by_its_mdns_host_name_in_any_case() {
        assertThat(MachineIdentity.match(fleet, "Felipes-Mac-mini.local", Set.of()))
                .extracting(MachineSpec::name).containsExactly("macmini");
        assertThat(MachineIdentity.match(fleet, "felipes-macbook-pro", Set.of()))
                .extracting(MachineSpec::name).containsExactly("macbook");
    }

    @Test
    void otherwise_by_one_of_its_addresses() {
        assertThat(MachineIdentity.match(fleet, "DESKTOP-7Q2", Set.of("127.0.0.1", "100.67.241.32")))
                .extracting(MachineSpec::name).containsExactly("msi");
        assertThat(MachineIdentity.match(fleet, "somewhere-else", Set.of("127.0.0.1"))).isEmpty();
    }
}
