package dev.homefleet.core.config;

import static dev.homefleet.core.config.Defaults.list;
import static dev.homefleet.core.config.Defaults.or;

import java.util.List;

public record AlertsSpec(Telegram telegram) {

    public enum Severity { INFO, WARNING, CRITICAL }

    /**
     * @param chatIds  the chats alerts go to and the bot answers in; nothing else is ever answered
     * @param adminIds Telegram user ids allowed to act (restart) through the bot
     * @param apiUrl   the Bot API base URL; tests point it at a local server
     */
    public record Telegram(
            @Required Secret botToken,
            List<Long> chatIds,
            List<Long> adminIds,
            Severity minSeverity,
            String apiUrl) {

        public static final String DEFAULT_API_URL = "https://api.telegram.org";

        public Telegram {
            chatIds = list(chatIds);
            adminIds = list(adminIds);
            minSeverity = or(minSeverity, Severity.WARNING);
            apiUrl = or(apiUrl, DEFAULT_API_URL);
        }
    }
}
