package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.hibernate.validator.spi.nodenameprovider.JavaBeanProperty;
import org.hibernate.validator.spi.nodenameprovider.Property;
import org.hibernate.validator.spi.nodenameprovider.PropertyNodeNameProvider;

import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A constraint violation names the field as the caller spells it ({@code user_ids}, not {@code userIds}): a
 * record component's {@code @JsonProperty} name. The validator asks on every property it visits, so each record's
 * names are read once and kept.
 */
public class JsonFieldNames implements PropertyNodeNameProvider {

    private final Map<Class<?>, Map<String, String>> renamed = new ConcurrentHashMap<>();

    @Override
    public String getName(Property property) {
        if (property instanceof JavaBeanProperty bean && bean.getDeclaringClass().isRecord()) {
            return renamed.computeIfAbsent(bean.getDeclaringClass(), JsonFieldNames::jsonNames)
                    .getOrDefault(property.getName(), property.getName());
        }
        return property.getName();
    }

    /** The components a {@code @JsonProperty} renames, by Java name. */
    private static Map<String, String> jsonNames(Class<?> record) {
        Map<String, String> names = new HashMap<>();
        for (RecordComponent component : record.getRecordComponents()) {
            JsonProperty json = component.getAccessor().getAnnotation(JsonProperty.class);
            if (json != null && !json.value().isEmpty()) {
                names.put(component.getName(), json.value());
            }
        }
        return Map.copyOf(names);
    }
}
