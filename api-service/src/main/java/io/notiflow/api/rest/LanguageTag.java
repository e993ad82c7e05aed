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

/** A language tag such as en or pt-BR ({@link FieldRules#localeProblem}); null is absent. */
@Target({FIELD, PARAMETER, TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = LanguageTag.Check.class)
public @interface LanguageTag {

    String message() default "is not a language tag";

    /** A blank value counts as absent (a user without a locale). */
    boolean blankIsAbsent() default false;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<LanguageTag, String> {

        private boolean blankIsAbsent;

        @Override
        public void initialize(LanguageTag annotation) {
            blankIsAbsent = annotation.blankIsAbsent();
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null || (blankIsAbsent && value.isBlank())) {
                return true;
            }
            String problem = FieldRules.localeProblem(value);
            return problem == null || Violations.report(context, problem);
        }
    }
}
