package io.notiflow.api.rest;

import jakarta.validation.ConstraintValidatorContext;

import java.util.Map;

/** What the constraints of the request records share: a violation whose text is built from the value. */
final class Violations {

    private Violations() {
    }

    /**
     * Replaces the constraint's message with {@code message}, which may quote the caller's value: its braces and
     * dollar signs are escaped, so nothing the caller sends is ever interpolated.
     */
    static boolean report(ConstraintValidatorContext context, String message) {
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate(escape(message)).addConstraintViolation();
        return false;
    }

    /** The same under {@code subPath} of the constrained field ({@code "k"} for data.k, {@code "[2]"}). */
    static void report(ConstraintValidatorContext context, String subPath, String message) {
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate(escape(message)).addPropertyNode(subPath)
                .addConstraintViolation();
    }

    /** Each of {@code problems} (sub-path → message) as a violation; true when there are none. */
    static boolean reportAll(ConstraintValidatorContext context, Map<String, String> problems) {
        problems.forEach((subPath, problem) -> report(context, subPath, problem));
        return problems.isEmpty();
    }

    private static String escape(String message) {
        return message.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
    }
}
