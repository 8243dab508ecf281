package dev.homefleet.controller.ssh;

import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ReachSpec;
import dev.homefleet.core.config.SshSpec;
import java.nio.file.Path;
import java.time.Duration;

/** Machines of fleet.yaml, as the config loader would hand them over. */
public final class Machines {
    private Machines() {}

    public static MachineSpec ssh(String name, SshSpec ssh) {
        return ssh(name, MachineSpec.Os.LINUX, ssh);
    }

    static MachineSpec ssh(String name, MachineSpec.Os os, SshSpec ssh) {
        return new MachineSpec(name, null, os, null, null, null, new ReachSpec(ReachSpec.Via.SSH, ssh), null, null);
    }

    /** {@code host: 127.0.0.1, port, user, identity}, with a 5 s connect timeout. */
    public static SshSpec loopback(int port, String user, Path identity) {
        return new SshSpec("127.0.0.1", user, port, identity == null ? null : identity.toString(), null,
                Duration.ofSeconds(5), null, null);
    }
}
