package dev.homefleet.controller.demo;

import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ctrl-C stops the demo with the demo's own exit status. A process started with SIGINT ignored (the background jobs of
 * a script) cannot change that: HotSpot leaves an ignored SIGINT ignored, and {@link #exitOnSigint} says so, so the
 * caller can tell the user to stop it with SIGTERM. The JDK's signal API ({@code sun.misc.Signal}, in
 * jdk.unsupported) is reached reflectively: it has no supported replacement, and a direct use is a compiler warning
 * that cannot be suppressed.
 */
public final class Interrupts {
    private static final Logger log = LoggerFactory.getLogger(Interrupts.class);

    private Interrupts() {}

    /**
     * On SIGINT, exits with {@code status}, running the shutdown hooks, as the JVM does when it handles SIGINT.
     *
     * @return false when SIGINT is ignored in this process (it was started so) and Ctrl-C will not reach it
     */
    public static boolean exitOnSigint(int status) {
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
            Object previous = signal.getMethod("handle", signal, handler).invoke(null,
                    signal.getConstructor(String.class).newInstance("INT"), onInterrupt);
            // HotSpot answers SIG_IGN, and installs nothing, when SIGINT was ignored at start.
            return previous != handler.getField("SIG_IGN").get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("SIGINT is left to the JVM: {}", e.toString());
            return true;
        }
    }
}
