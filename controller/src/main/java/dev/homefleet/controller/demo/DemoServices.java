package dev.homefleet.controller.demo;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.service.process.ProcessServiceManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The demo fleet's services, each under the plain process manager with its machine's HOME, as the machine's agent
 * (or the controller, on its own machine) manages it: same state directory, pid, log and env files. The demo
 * starts them all before the controller's first check, and stops them all at the end, whoever started them last
 * (the healer, the failover watchdog, the outage scenario).
 */
final class DemoServices {
    private final Map<String, ProcessServiceManager> managers = new LinkedHashMap<>();
    private final Map<String, ServiceSpec> specs = new LinkedHashMap<>();

    /** @param homes each machine's HOME, by machine name; machines without one have no services to run */
    DemoServices(FleetConfig config, Map<String, Path> homes, Map<String, String> environment) {
        for (MachineSpec machine : config.machines().values()) {
            Path home = homes.get(machine.name());
            if (home == null) {
                continue;
            }
            LocalCommandRunner runner = LocalCommandRunner.builder().environment("HOME", home.toString())
                    .environment("PATH", environment.getOrDefault("PATH", "/usr/bin:/bin")).build();
            for (ServiceSpec service : machine.services().values()) {
                if (service.manager().type() != ManagerSpec.Type.PROCESS) {
                    throw new IllegalArgumentException(machine.name() + "/" + service.name() + " is a "
                            + service.manager().type().name().toLowerCase() + " service; the demo runs only plain "
                            + "process services (manager.type: process)");
                }
                String key = key(machine.name(), service.name());
                managers.put(key, ProcessServiceManager.of(service.name(), service.manager(), runner));
                specs.put(key, service);
            }
        }
    }

    static String key(String machine, String service) {
        return machine + "/" + service;
    }

    ProcessServiceManager manager(String machine, String service) {
        ProcessServiceManager manager = managers.get(key(machine, service));
        if (manager == null) {
            throw new IllegalArgumentException("the demo fleet has no service " + key(machine, service));
        }
        return manager;
    }

    List<String> names() {
        return List.copyOf(managers.keySet());
    }

    /** Writes each service's env file from fleet.yaml and starts it; all at once, as machines boot in parallel. */
    void startAll() throws IOException, InterruptedException {
        inParallel("start", (key, manager) -> {
            manager.setEnvironment(specs.get(key).manager().env());
            manager.start();
            return null;
        });
    }

    /** Stops every service that runs; returns what could not be stopped, worded for the person. */
    List<String> stopAll() throws InterruptedException {
        List<String> problems = new ArrayList<>();
        try {
            inParallel("stop", (key, manager) -> {
                manager.stop();
                return null;
            });
        } catch (IOException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    @FunctionalInterface
    private interface Action {
        Void apply(String key, ProcessServiceManager manager) throws IOException;
    }

    /** Runs {@code action} on every service at once; throws naming every service it failed for. */
    private void inParallel(String what, Action action) throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, managers.size()), r -> {
            Thread t = new Thread(r, "homefleet-demo-" + what);
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, Future<Void>> running = new LinkedHashMap<>();
            managers.forEach((key, manager) -> running.put(key, pool.submit((Callable<Void>) () ->
                    action.apply(key, manager))));
            List<String> failed = new ArrayList<>();
            for (Map.Entry<String, Future<Void>> entry : running.entrySet()) {
                try {
                    entry.getValue().get();
                } catch (ExecutionException e) {
                    failed.add(entry.getKey() + ": " + e.getCause().getMessage());
                }
            }
            if (!failed.isEmpty()) {
                throw new IOException("could not " + what + " " + String.join("; ", failed));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
