package dev.homefleet.core.probe;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a response body up to a limit and stops there, so a check URL that streams or sends a huge page cannot fill
 * the controller's memory. What it read is kept, marked as cut.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<LimitedBody.Body> {

    record Body(byte[] bytes, boolean cut) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private final int limit;
    private final ByteArrayOutputStream read = new ByteArrayOutputStream();
    private final CompletableFuture<Body> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    private LimitedBody(int limit) {
        this.limit = limit;
    }

    static HttpResponse.BodyHandler<Body> handler(int limit) {
        return info -> new LimitedBody(limit);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            int room = limit - read.size();
            int take = Math.min(room, buffer.remaining());
            byte[] chunk = new byte[take];
            buffer.get(chunk);
            read.write(chunk, 0, take);
            if (buffer.hasRemaining()) {
                body.complete(new Body(read.toByteArray(), true));
                subscription.cancel();
                return;
            }
        }
    }

    @Override
    public void onError(Throwable error) {
        body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        body.complete(new Body(read.toByteArray(), false));
    }

    @Override
    public CompletionStage<Body> getBody() {
        return body;
    }
}
