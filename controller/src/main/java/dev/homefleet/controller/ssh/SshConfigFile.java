package dev.homefleet.controller.ssh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.sshd.client.config.hosts.HostConfigEntry;

/**
 * What ~/.ssh/config says about one host, the way OpenSSH reads it: every {@code Host} block whose patterns match,
 * in file order; the first value of each setting wins, {@code IdentityFile}s add up. Values are as written, with
 * their {@code ~} and {@code %} tokens still in them. {@code Include}d files are read in place (relative to ~/.ssh,
 * globs allowed); {@code Match} blocks cannot be evaluated here and are skipped (MINA's parser refuses them).
 */
record SshConfigFile(String hostName, Integer port, String user, List<String> identityFiles, String proxyCommand) {

    static final SshConfigFile EMPTY = new SshConfigFile(null, null, null, List.of(), null);

    private static final int MAX_INCLUDE_DEPTH = 16;

    static SshConfigFile lookup(Path file, String alias) throws IOException {
        if (!Files.isRegularFile(file)) {
            return EMPTY;
        }
        List<HostConfigEntry> entries;
        try {
            StringBuilder text = new StringBuilder();
            flatten(file, file.toAbsolutePath().getParent(), 0, text);
            entries = HostConfigEntry.readHostConfigEntries(new BufferedReader(new StringReader(text.toString())));
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

    /** The file with its Includes read in place and its Match blocks left out. */
    private static void flatten(Path file, Path dotSsh, int depth, StringBuilder out) throws IOException {
        if (depth > MAX_INCLUDE_DEPTH) {
            throw new IOException("Include nested more than " + MAX_INCLUDE_DEPTH + " deep at " + file);
        }
        boolean inMatch = false;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] words = line.trim().split("[\\s=]+", 2);
            String keyword = words[0].toLowerCase(Locale.ROOT);
            if (keyword.equals("match")) {
                inMatch = true;
                continue;
            }
            if (keyword.equals("host")) {
                inMatch = false;
            }
            if (inMatch) {
                continue;
            }
            if (keyword.equals("include") && words.length > 1) {
                for (String pattern : words[1].trim().split("\\s+")) {
                    for (Path included : expand(pattern, dotSsh)) {
                        flatten(included, dotSsh, depth + 1, out);
                    }
                }
                continue;
            }
            out.append(line).append('\n');
        }
    }

    private static List<Path> expand(String pattern, Path dotSsh) throws IOException {
        String p = pattern.startsWith("~/") ? dotSsh.getParent().resolve(pattern.substring(2)).toString() : pattern;
        Path path = dotSsh.resolve(p);
        Path dir = path.getParent();
        List<Path> files = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> matches = Files.newDirectoryStream(dir, path.getFileName().toString())) {
            matches.forEach(m -> {
                if (Files.isRegularFile(m)) {
                    files.add(m);
                }
            });
        }
        files.sort(null);
        return files;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
