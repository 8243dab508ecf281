package dev.homefleet.agent.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.agent.api.ErrorCode;
import dev.homefleet.agent.api.ErrorEnvelope;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a request it cannot parse, a header too large) in the agent's envelope, never an HTML
 * page or a stack trace.
 */
final class EnvelopeErrorHandler extends ErrorHandler {

    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

    private final ObjectMapper mapper;

    EnvelopeErrorHandler(ObjectMapper mapper) {
        this.mapper = mapper;
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        response.getHeaders().put(JSON);
        response.write(true, body(code, message), callback);
    }

    private ByteBuffer body(int status, String reason) {
        String message = "the request was refused by the HTTP layer: " + status + " "
                + (reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason);
        try {
            return ByteBuffer.wrap(mapper.writeValueAsBytes(ErrorEnvelope.of(ErrorCode.forStatus(status), message)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error envelope is always serializable", e);
        }
    }
}
