package io.notiflow.api.rest;

import io.notiflow.api.service.TemplateValidator;
import jakarta.inject.Inject;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.TYPE;

/**
 * A template's parts fit its channel ({@link TemplateValidator#problems}): which parts the channel takes, their
 * sizes, Mustache that compiles. A class constraint, so one 400 names these and the field constraints together.
 */
@Target(TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = {TemplateParts.OfTemplate.class, TemplateParts.OfDraft.class})
public @interface TemplateParts {

    String message() default "is not a template of its channel";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class OfTemplate implements ConstraintValidator<TemplateParts, TemplateRequest> {

        @Inject
        TemplateValidator rules;

        @Override
        public boolean isValid(TemplateRequest value, ConstraintValidatorContext context) {
            return value == null || Violations.reportAll(context, rules.problems(value, true));
        }
    }

    /** A draft to preview may lack its code. */
    class OfDraft implements ConstraintValidator<TemplateParts, DraftPreviewRequest> {

        @Inject
        TemplateValidator rules;

        @Override
        public boolean isValid(DraftPreviewRequest value, ConstraintValidatorContext context) {
            return value == null || Violations.reportAll(context, rules.problems(value.template(), false));
        }
    }
}
