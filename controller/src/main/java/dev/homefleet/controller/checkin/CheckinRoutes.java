package dev.homefleet.controller.checkin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.homefleet.controller.store.Report;
import dev.homefleet.controller.store.StoreException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of check-ins. {@code POST /api/log} takes the seed's clawd-status body unchanged
 * ({@code {"jobId":"cleaner","message":"...","status":"ok"}}), so existing cron scripts keep working;
 * {@code POST /api/v1/checkins/NAME} takes {@code {"status":"ok","message":"..."}}, both keys optional, or no body at
 * all (a plain ping). Success answers {@code {"ok":true,"id":N}} only after the report is committed; failures answer
 * {@code {"error":{"code":"...","message":"..."}}} and store nothing: 400 for a body that is not a JSON object, a
 * key of the wrong type or an unknown status, 404 for a job fleet.yaml does not declare, 413 for a body over
 * {@value #MAX_BODY_BYTES} bytes, 503 when the store cannot write.
 *
 * <p>The Content-Type is not checked: {@code curl -d '{...}'} without {@code -H} sends a form type, and a report
 * from a cron script is worth more than a strict header. The body is always read as JSON, never as a form.
 */
public final class CheckinRoutes {

    public static final int MAX_BODY_BYTES = 64 * 1024;
    public static final String SEED_PATH = "/api/log";
    public static final String PATH = "/api/v1/checkins/{name}";

    private static final Logger log = LoggerFactory.getLogger(CheckinRoutes.class);

    private final CheckinTracker tracker;
    private final ObjectMapper json = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public CheckinRoutes(CheckinTracker tracker) {
        this.tracker = tracker;
    }

    /** Declares both routes on a Javalin 7 configuration (routes live in the config there). */
    public void register(JavalinConfig config) {
        config.routes.post(SEED_PATH, this::seedLog);
        config.routes.post(PATH, this::checkin);
    }

    private void seedLog(Context ctx) {
        answer(ctx, () -> {
            JsonNode body = body(ctx, false);
            String job = text(body, "jobId");
            if (job == null || job.isBlank()) {
                throw new Refused(400, "bad_request", "jobId is missing: send {\"jobId\":\"NAME\",\"message\":\"...\","
                        + "\"status\":\"ok\"} with NAME one of fleet.yaml's check-ins");
            }
            return tracker.report(job, status(body), text(body, "message"), "POST " + SEED_PATH + " from " + ctx.ip());
        });
    }

    private void checkin(Context ctx) {
        answer(ctx, () -> {
            JsonNode body = body(ctx, true);
            return tracker.report(ctx.pathParam("name"), status(body), text(body, "message"),
                    "POST /api/v1/checkins from " + ctx.ip());
        });
    }

    private interface Recording {
        Report record();
    }

    private void answer(Context ctx, Recording recording) {
        try {
            Report report = recording.record();
            send(ctx, 200, Map.of("ok", true, "id", report.id()));
        } catch (Refused e) {
            fail(ctx, e.status, e.code, e.getMessage());
        } catch (UnknownCheckinException e) {
            fail(ctx, 404, "not_found", e.getMessage());
        } catch (StoreException e) {
            log.error("a report to {} was not stored: {}", ctx.path(), e.getMessage());
            fail(ctx, 503, "store_unavailable", "the report was not stored: " + e.getMessage()
                    + "; the controller's log has the details, send it again later");
        }
    }

    /** The body as a JSON object; none at all is an empty object where {@code emptyIsPing}. */
    private JsonNode body(Context ctx, boolean emptyIsPing) {
        if (ctx.req().getContentLengthLong() > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        byte[] bytes;
        try {
            bytes = ctx.bodyAsBytes();
        } catch (HttpResponseException e) {
            if (e.getStatus() == 413) {
                throw tooLarge();
            }
            throw new Refused(400, "bad_request", "the body could not be read: " + e.getMessage());
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            if (emptyIsPing) {
                return json.createObjectNode();
            }
            throw new Refused(400, "bad_request", "the body is empty: send {\"jobId\":\"NAME\",\"message\":\"...\","
                    + "\"status\":\"ok\"}");
        }
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new Refused(400, "bad_request", "the body is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (java.io.IOException e) {
            throw new Refused(400, "bad_request", "the body could not be read: " + e.getMessage());
        }
        if (!node.isObject()) {
            throw new Refused(400, "bad_request", "the body must be a JSON object, not " + kind(node)
                    + ", e.g. {\"status\":\"ok\",\"message\":\"...\"}");
        }
        return node;
    }

    private static ReportStatus status(JsonNode body) {
        String text = text(body, "status");
        if (text == null) {
            return ReportStatus.OK;
        }
        try {
            return ReportStatus.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, "bad_request", "status " + e.getMessage());
        }
    }

    /** A text key's value; absent or null is null, any other type is refused. */
    private static String text(JsonNode body, String key) {
        JsonNode value = body.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new Refused(400, "bad_request", key + " must be text, not " + kind(value));
        }
        return value.textValue();
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NUMBER -> "a number";
            case BOOLEAN -> "true/false";
            case NULL -> "null";
            default -> "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static Refused tooLarge() {
        return new Refused(413, "payload_too_large", "the body is over " + MAX_BODY_BYTES / 1024
                + " KiB; a report's message should be a summary, with the details left in the job's log");
    }

    private void fail(Context ctx, int status, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        send(ctx, status, Map.of("error", error));
    }

    private void send(Context ctx, int status, Map<String, Object> body) {
        try {
            ctx.status(status).contentType("application/json").result(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of text and numbers is always JSON", e);
        }
    }

    /** A request refused before anything was stored. */
    private static final class Refused extends RuntimeException {
        final int status;
        final String code;

        Refused(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }
}
