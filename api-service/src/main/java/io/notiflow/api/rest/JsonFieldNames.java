package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.hibernate.validator.ValidatorFactoryCustomizer;
import jakarta.inject.Singleton;
import org.hibernate.validator.BaseHibernateValidatorConfiguration;
import org.hibernate.validator.spi.nodenameprovider.JavaBeanProperty;
import org.hibernate.validator.spi.nodenameprovider.Property;
import org.hibernate.validator.spi.nodenameprovider.PropertyNodeNameProvider;

import java.lang.reflect.RecordComponent;

/**
 * A constraint violation names the field as the caller spells it ({@code user_ids}, not {@code userIds}): a
 * record component's {@code @JsonProperty} name.
 */
@Singleton
public class JsonFieldNames implements ValidatorFactoryCustomizer, PropertyNodeNameProvider {

    @Override
    public void customize(BaseHibernateValidatorConfiguration<?> configuration) {
        configuration.propertyNodeNameProvider(this);
    }

    @Override
    public String getName(Property property) {
        if (property instanceof JavaBeanProperty bean && bean.getDeclaringClass().isRecord()) {
            for (RecordComponent component : bean.getDeclaringClass().getRecordComponents()) {
                JsonProperty renamed = component.getAccessor().getAnnotation(JsonProperty.class);
                if (component.getName().equals(property.getName()) && renamed != null && !renamed.value().isEmpty()) {
                    return renamed.value();
                }
            }
        }
        return property.getName();
    }
}
