package io.notiflow.api.repository;

import io.notiflow.core.job.Channel;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Queries on {@code templates}; callers own the transactions. */
@ApplicationScoped
public class TemplateRepository implements PanacheRepositoryBase<Template, Long> {

    /** The newest version of every variant (code, channel, locale), optionally of one code only. */
    @SuppressWarnings("unchecked")
    public List<Template> latestVariants(String code) {
        String select = "SELECT DISTINCT ON (code, channel, locale) * FROM templates";
        String order = " ORDER BY code, channel, locale NULLS FIRST, version DESC";
        if (code == null) {
            return getEntityManager().createNativeQuery(select + order, Template.class).getResultList();
        }
        return getEntityManager().createNativeQuery(select + " WHERE code = :code" + order, Template.class)
                .setParameter("code", code)
                .getResultList();
    }

    /** Every version of a code, newest first within each variant. */
    public List<Template> versions(String code) {
        return list("code = ?1 order by channel, locale nulls first, version desc", code);
    }

    /** The newest version of each locale variant of a code for a channel. */
    public List<Template> latestVariants(String code, Channel channel) {
        return latestVariants(code).stream().filter(t -> t.channel == channel).toList();
    }

    public int nextVersion(String code, Channel channel, String locale) {
        String query = "select max(t.version) from Template t where t.code = :code and t.channel = :channel and "
                + (locale == null ? "t.locale is null" : "t.locale = :locale");
        var max = getEntityManager().createQuery(query, Integer.class)
                .setParameter("code", code)
                .setParameter("channel", channel);
        if (locale != null) {
            max.setParameter("locale", locale);
        }
        Integer current = max.getSingleResult();
        return current == null ? 1 : current + 1;
    }

    /** Deletes every version of a code, or of one channel and/or locale of it; returns how many rows went. */
    public long deleteVariants(String code, Channel channel, String locale) {
        StringBuilder query = new StringBuilder("code = :code");
        Map<String, Object> params = new HashMap<>(Map.of("code", code));
        if (channel != null) {
            query.append(" and channel = :channel");
            params.put("channel", channel);
        }
        if (locale != null) {
            query.append(" and locale = :locale");
            params.put("locale", locale);
        }
        return delete(query.toString(), params);
    }
}
