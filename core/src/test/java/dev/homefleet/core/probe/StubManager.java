package dev.homefleet.core.probe;

import dev.homefleet.core.service.ServiceManager;
import dev.homefleet.core.service.ServiceState;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A service manager whose status is given by the test: for a manager that hangs or fails, which no real manager does
 * on demand. Every other action is refused.
 */
abstract class StubManager implements ServiceManager {

    @Override
    public abstract ServiceState status() throws IOException;

    @Override
    public void start() throws IOException {
        throw new IOException("not in this test");
    }

    @Override
    public void stop() throws IOException {
        throw new IOException("not in this test");
    }

    @Override
    public void restart() throws IOException {
        throw new IOException("not in this test");
    }

    @Override
    public List<String> logs(int lines) throws IOException {
        throw new IOException("not in this test");
    }

    @Override
    public Map<String, String> environment() throws IOException {
        throw new IOException("not in this test");
    }

    @Override
    public void setEnvironment(Map<String, String> environment) throws IOException {
        throw new IOException("not in this test");
    }

    /** Never answers until interrupted. */
    static final class Hanging extends StubManager {
        final CountDownLatch interrupted = new CountDownLatch(1);

        @Override
        public ServiceState status() throws IOException {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw new java.io.InterruptedIOException("interrupted");
            }
            throw new IOException("not interrupted in time");
        }
    }
}
