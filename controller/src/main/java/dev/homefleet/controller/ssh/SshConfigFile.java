package dev.homefleet.controller.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.config.hosts.HostConfigEntry;

/**
 * What ~/.ssh/config says about one host, the way OpenSSH reads it: every {@code Host} block whose patterns match,
 * in file order; the first value of each setting wins, {@code IdentityFile}s add up. Values are as written, with
 * their {@code ~} and {@code %} tokens still in them.
 */
record SshConfigFile(String hostName, Integer port, String user, List<String> identityFiles, String proxyCommand) {

    static final SshConfigFile EMPTY = new SshConfigFile(null, null, null, List.of(), null);

    static SshConfigFile lookup(Path file, String alias) throws IOException {
        if (!Files.isRegularFile(file)) {
            return EMPTY;
        }
        List<HostConfigEntry> entries;
        try {
            entries = HostConfigEntry.readHostConfigEntries(file);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String hostName = null;
        Integer port = null;
        String user = null;
        String proxyCommand = null;
        List<String> identities = new ArrayList<>();
        for (HostConfigEntry entry : HostConfigEntry.findMatchingEntries(alias, entries)) {
            hostName = hostName != null ? hostName : blankToNull(entry.getHostName());
            port = port != null ? port : entry.getPort() > 0 ? Integer.valueOf(entry.getPort()) : null;
            user = user != null ? user : blankToNull(entry.getUsername());
            if (proxyCommand == null) {
                proxyCommand = blankToNull(entry.getProperty("ProxyCommand"));
                proxyCommand = proxyCommand != null ? proxyCommand : blankToNull(entry.getProperty("ProxyJump"));
            }
            for (String identity : entry.getIdentities()) {
                if (!identities.contains(identity)) {
                    identities.add(identity);
                }
            }
        }
        return new SshConfigFile(hostName, port, user, List.copyOf(identities), proxyCommand);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
