package io.notiflow.api.rest;

import io.notiflow.api.service.FieldRules;
import io.notiflow.core.job.Channel;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;

/** A channel's key (email, sms, push, inapp): a notification's type, a template's or a queue's channel. */
@Target({FIELD, PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ChannelName.Check.class)
public @interface ChannelName {

    String message() default "is not a channel";

    /** Null or blank is a 400 ("is required"); otherwise it means no channel given. */
    boolean required() default false;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<ChannelName, String> {

        private boolean required;

        @Override
        public void initialize(ChannelName annotation) {
            required = annotation.required();
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null || (required && value.isBlank())) {
                return !required || Violations.report(context, "is required (one of " + Channel.keys() + ")");
            }
            return Channel.fromKey(value).isPresent() || Violations.report(context,
                    "'" + FieldRules.printable(value) + "' is not one of " + Channel.keys());
        }
    }
}
