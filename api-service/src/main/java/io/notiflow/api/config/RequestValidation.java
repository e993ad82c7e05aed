package io.notiflow.api.config;

import io.notiflow.api.rest.JsonFieldNames;
import io.quarkus.hibernate.validator.ValidatorFactoryCustomizer;
import jakarta.inject.Singleton;
import jakarta.validation.Path;
import jakarta.validation.TraversableResolver;
import org.hibernate.validator.BaseHibernateValidatorConfiguration;

import java.lang.annotation.ElementType;

/**
 * Bean Validation as the request records need it: violations name fields by their JSON names
 * ({@link JsonFieldNames}), and every property is reachable. The default resolver asks JPA whether each property
 * of each validated object is loaded; the validated objects are request records, never entities, and that question
 * cost more than all their constraints together (tens of microseconds per POST /api/notify).
 */
@Singleton
public class RequestValidation implements ValidatorFactoryCustomizer {

    @Override
    public void customize(BaseHibernateValidatorConfiguration<?> configuration) {
        configuration.propertyNodeNameProvider(new JsonFieldNames());
        configuration.traversableResolver(new TraversableResolver() {
            @Override
            public boolean isReachable(Object traversableObject, Path.Node traversableProperty, Class<?> rootBeanType,
                                       Path pathToTraversableObject, ElementType elementType) {
                return true;
            }

            @Override
            public boolean isCascadable(Object traversableObject, Path.Node traversableProperty,
                                        Class<?> rootBeanType, Path pathToTraversableObject,
                                        ElementType elementType) {
                return true;
            }
        });
    }
}
