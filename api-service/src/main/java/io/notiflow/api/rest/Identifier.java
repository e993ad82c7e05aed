package io.notiflow.api.rest;

import io.notiflow.api.service.FieldRules;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;

/** A user id, room, template code or category ({@link FieldRules#isIdentifier}); null is left to @NotNull. */
@Target({FIELD, PARAMETER, TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = Identifier.Check.class)
public @interface Identifier {

    String message() default FieldRules.NOT_AN_IDENTIFIER;

    /** A blank value counts as absent (a draft's code not named yet). */
    boolean blankIsAbsent() default false;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<Identifier, String> {

        private boolean blankIsAbsent;

        @Override
        public void initialize(Identifier annotation) {
            blankIsAbsent = annotation.blankIsAbsent();
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || (blankIsAbsent && value.isBlank()) || FieldRules.isIdentifier(value);
        }
    }
}
