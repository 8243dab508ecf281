package dev.homefleet.core.alert.telegram;

import java.time.Duration;

/**
 * A Bot API call that did not succeed, sorted by what the caller should do about it. The message never holds the
 * bot token, and there is deliberately no cause: OkHttp's exceptions can carry the request URL, token included.
 */
public final class BotApiException extends Exception {

    /** What went wrong, by what to do next. */
    public enum Kind {
        /** No answer (connection refused, timeout, DNS): retry with backoff. */
        NETWORK,
        /** A 5xx, or an answer that is not the Bot API's: retry with backoff. */
        SERVER,
        /** 429: wait exactly {@link #retryAfter()}, then retry. */
        RATE_LIMITED,
        /** 409 from getUpdates: another program polls this token (or a webhook is set). */
        CONFLICT,
        /** 401 or 404: the token is wrong (or the api_url); nothing works until it is fixed. */
        UNAUTHORIZED,
        /** Any other 4xx (chat not found, bot blocked, bad request): this request will never succeed. */
        REJECTED
    }

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;

    BotApiException(Kind kind, int status, Duration retryAfter, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** The Bot API's {@code error_code} (or the HTTP status); 0 when there was no answer. */
    public int status() {
        return status;
    }

    /** For {@link Kind#RATE_LIMITED}: Telegram's {@code parameters.retry_after}; otherwise null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Worth trying again later as it is: the network, the server, or a rate limit. */
    public boolean transientFailure() {
        return kind == Kind.NETWORK || kind == Kind.SERVER || kind == Kind.RATE_LIMITED;
    }
}
