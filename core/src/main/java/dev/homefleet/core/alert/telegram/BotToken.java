package dev.homefleet.core.alert.telegram;

import dev.homefleet.core.config.Secret;
import dev.homefleet.core.config.Secrets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A bot token, resolved from its {@code ${ENV}} or {@code file:} reference. The Bot API puts it in every URL
 * ({@code /bot<TOKEN>/sendMessage}), so any text that may hold a URL (an OkHttp exception, a Telegram description)
 * passes through {@link #redact} before it is logged or thrown. Printing the token prints {@code <redacted>}.
 */
public final class BotToken {
    private final String value;

    public BotToken(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("the bot token is empty; set the variable alerts.telegram.bot_token "
                    + "names to the token @BotFather gave you");
        }
        this.value = value.strip();
    }

    /**
     * The token {@code reference} ({@code alerts.telegram.bot_token}) points at.
     *
     * @throws IllegalStateException when it is not set or cannot be read, saying what to do
     */
    public static BotToken resolve(Secret reference, Map<String, String> environment, Path home) {
        try {
            return new BotToken(reference.resolve(environment, home).orElseThrow(() -> new IllegalStateException(
                    "alerts.telegram.bot_token " + reference + " is not set, so no Telegram alert can be sent; "
                            + "set it to the token @BotFather gave your bot")));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read alerts.telegram.bot_token " + reference + ": "
                    + e.getMessage());
        }
    }

    /** The token itself, for the request URL only. */
    String value() {
        return value;
    }

    /** {@code text} with every occurrence of the token replaced by {@code <redacted>}; null stays null. */
    public String redact(String text) {
        return text == null ? null : text.replace(value, Secrets.REDACTED);
    }

    @Override
    public String toString() {
        return Secrets.REDACTED;
    }
}
