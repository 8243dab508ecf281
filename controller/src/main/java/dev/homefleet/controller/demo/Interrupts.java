package dev.homefleet.controller.demo;

import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ctrl-C stops the demo even when it was started with SIGINT ignored, as a shell does for the background jobs of a
 * script: the JVM then leaves SIGINT ignored, and {@code kill -INT} would do nothing. The JDK's signal API
 * ({@code sun.misc.Signal}, in jdk.unsupported) is reached reflectively: it has no supported replacement, and a
 * direct use is a compiler warning that cannot be suppressed.
 */
public final class Interrupts {
    private static final Logger log = LoggerFactory.getLogger(Interrupts.class);

    private Interrupts() {}

    /** On SIGINT, exits with {@code status}, running the shutdown hooks, as the JVM does when it handles SIGINT. */
    public static void exitOnSigint(int status) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object onInterrupt = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            System.exit(status);
                            yield null;
                        }
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        default -> "the demo's SIGINT handler";
                    });
            signal.getMethod("handle", signal, handler).invoke(null,
                    signal.getConstructor(String.class).newInstance("INT"), onInterrupt);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("SIGINT is left to the JVM: {}", e.toString());
        }
    }
}
