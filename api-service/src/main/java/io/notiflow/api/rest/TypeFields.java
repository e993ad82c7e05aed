package io.notiflow.api.rest;

import io.notiflow.api.service.NotifyValidator;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.TYPE;

/** A notification request gives only fields its type uses ({@link NotifyValidator#unusedFields}). */
@Target(TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = TypeFields.Check.class)
public @interface TypeFields {

    String message() default "has fields its type does not use";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<TypeFields, NotifyRequest> {

        @Override
        public boolean isValid(NotifyRequest value, ConstraintValidatorContext context) {
            return value == null || Violations.reportAll(context, NotifyValidator.unusedFields(value));
        }
    }
}
