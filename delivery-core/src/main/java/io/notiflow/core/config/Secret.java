package io.notiflow.core.config;

/**
 * A setting that holds a secret: its property, the environment variable an operator sets it with, and whether it
 * is a comma-separated list of secrets (API keys). {@code minLength} 0 checks for placeholders only: a password an
 * outside provider issued (SMTP) is what it is.
 */
public record Secret(String property, String variable, boolean list, int minLength) {
}
