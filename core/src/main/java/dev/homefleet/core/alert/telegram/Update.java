package dev.homefleet.core.alert.telegram;

/**
 * One entry of {@code getUpdates}, reduced to what the bot reads: text messages. Other kinds of update (an edited
 * message, a channel post) arrive with a null {@code message} and only move the offset on.
 */
public record Update(long updateId, Message message) {

    /** @param date seconds since the epoch, as Telegram sends it */
    public record Message(long messageId, User from, Chat chat, long date, String text) {}

    public record Chat(long id, String type, String title, String username) {}

    public record User(long id, boolean isBot, String firstName, String username) {

        /** "@name" or the first name, for a log line. */
        public String shown() {
            return username != null ? "@" + username : firstName != null ? firstName : "user " + id;
        }
    }
}
