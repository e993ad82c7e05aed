package io.notiflow.api.rest;

import io.notiflow.api.service.ChannelPreferences;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.lang.annotation.ElementType.FIELD;

/** A user's channel preferences of the shape {@link ChannelPreferences} reads; each bad entry named. */
@Target(FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = Preferences.Check.class)
public @interface Preferences {

    String message() default "are not channel preferences";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<Preferences, Map<String, Object>> {

        private static final String PREFIX = "preferences.";

        @Override
        public boolean isValid(Map<String, Object> value, ConstraintValidatorContext context) {
            Map<String, String> problems = new LinkedHashMap<>();
            ChannelPreferences.problems(value).forEach((field, problem) -> problems.put(
                    field.startsWith(PREFIX) ? field.substring(PREFIX.length()) : field, problem));
            return Violations.reportAll(context, problems);
        }
    }
}
