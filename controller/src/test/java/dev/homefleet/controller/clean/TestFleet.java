package dev.homefleet.controller.clean;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import java.util.Map;

/**
 * Small fleets for the cleaner's tests, written as YAML and loaded as fleet.yaml is: {@code box} (Linux, this
 * machine, the controller), {@code mini} (macOS over SSH) and {@code msi} (Windows over SSH). Each part is written
 * without indentation; it is put where it belongs.
 */
final class TestFleet {

    private String boxServices = "";
    private String miniServices = "";
    private String reserved = "";
    private String cleaner = "";

    static TestFleet create() {
        return new TestFleet();
    }

    /** The mapping under {@code machines.box.services}. */
    TestFleet boxServices(String yaml) {
        this.boxServices = yaml;
        return this;
    }

    /** The mapping under {@code machines.mini.services}. */
    TestFleet miniServices(String yaml) {
        this.miniServices = yaml;
        return this;
    }

    /** The mapping under {@code ports.reserved}. */
    TestFleet reserved(String yaml) {
        this.reserved = yaml;
        return this;
    }

    /** The mapping under {@code jobs.cleaner}. */
    TestFleet cleaner(String yaml) {
        this.cleaner = yaml;
        return this;
    }

    FleetConfig config() {
        StringBuilder yaml = new StringBuilder("""
                version: 1
                controller: {machine: box}
                machines:
                  box:
                    os: linux
                    reach: {via: local}
                """);
        section(yaml, "    services:\n", boxServices, 6);
        yaml.append("""
                  mini:
                    os: macos
                    reach: {via: ssh, ssh: {host: mini.invalid}}
                """);
        section(yaml, "    services:\n", miniServices, 6);
        yaml.append("""
                  msi:
                    os: windows
                    reach: {via: ssh, ssh: {host: msi.invalid}}
                """);
        section(yaml, "ports:\n  reserved:\n", reserved, 4);
        section(yaml, "jobs:\n  cleaner:\n", cleaner, 4);
        return parse(yaml.toString());
    }

    static FleetConfig parse(String yaml) {
        return new FleetConfigLoader(Map.of()).parse(yaml, "fleet.yaml").config();
    }

    /** A YAML single-quoted scalar: regular expressions and paths pass through it untouched. */
    static String quoted(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static void section(StringBuilder yaml, String header, String body, int indent) {
        if (!body.isBlank()) {
            yaml.append(header).append(body.stripIndent().indent(indent));
        }
    }
}
