package io.notiflow.api.rest;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Map;

import static java.lang.annotation.ElementType.FIELD;

/**
 * A request field the database can store, however deep: no text or map key holds U+0000 (PostgreSQL cannot store
 * it, and the insert would fail as if the database were down) and no number is beyond a double (1e400 reads as
 * infinity, which no JSON nor jsonb column holds). The violation names the exact place, e.g. {@code data.k} or
 * {@code to[2]}.
 */
@Target(FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = Storable.Check.class)
public @interface Storable {

    String message() default "cannot be stored";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<Storable, Object> {

        private static final String NUL = "must not contain the NUL character";

        @Override
        public boolean isValid(Object value, ConstraintValidatorContext context) {
            return value == null || check(value, "", context);
        }

        private static boolean check(Object value, String path, ConstraintValidatorContext context) {
            if (value instanceof String text) {
                return text.indexOf('\u0000') < 0 || fail(context, path, NUL);
            }
            if (value instanceof Double number) {
                return Double.isFinite(number) || fail(context, path, "is a number too large to store");
            }
            if (value instanceof Recipients recipients) {
                return recipients.listed() ? check(recipients.addresses(), path, context)
                        : check(recipients.address(), path, context);
            }
            if (value instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    if (!check(list.get(i), path + "[" + i + "]", context)) {
                        return false;
                    }
                }
            } else if (value instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    String key = String.valueOf(entry.getKey());
                    String name = path.isEmpty() ? key : path + "." + key;
                    if (key.indexOf('\u0000') >= 0) {
                        return fail(context, name, NUL);
                    }
                    if (!check(entry.getValue(), name, context)) {
                        return false;
                    }
                }
            }
            return true;
        }

        private static boolean fail(ConstraintValidatorContext context, String path, String message) {
            if (path.isEmpty()) {
                return Violations.report(context, message);
            }
            Violations.report(context, path, message);
            return false;
        }
    }
}
