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
import static java.lang.annotation.ElementType.TYPE_USE;

/** A push device token ({@link FieldRules#isDeviceToken}); null or blank is left to @NotNull / @NotBlank. */
@Target({FIELD, TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = DeviceToken.Check.class)
public @interface DeviceToken {

    String message() default FieldRules.NOT_A_DEVICE_TOKEN;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<DeviceToken, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || value.isBlank() || FieldRules.isDeviceToken(value);
        }
    }
}
