package io.notiflow.core.store;

import io.notiflow.core.job.Channel;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code suppressions}: who adds an address (an operator, a bounce, FCM's UNREGISTERED), lists and removes it.
 * Addresses go in and are looked up as {@link Suppression#normalised}. Callers own the transactions.
 */
@ApplicationScoped
public class SuppressionRepository implements PanacheRepositoryBase<Suppression, Suppression.Key> {

    public Optional<Suppression> find(Channel channel, String address) {
        return findByIdOptional(new Suppression.Key(channel.key(), Suppression.normalised(channel, address)));
    }

    /**
     * Suppresses {@code address}; returns false, changing nothing, when it is suppressed already (the first entry
     * and its reason stay, also when two writers find out at once).
     */
    public boolean add(Channel channel, String address, String reason, Suppression.Source source,
                       UUID notificationId) {
        return getEntityManager().createNativeQuery("""
                        insert into suppressions (channel, address, reason, source, notification_id)
                        values (?1, ?2, ?3, ?4, ?5) on conflict (channel, address) do nothing""")
                .setParameter(1, channel.key())
                .setParameter(2, Suppression.normalised(channel, address))
                .setParameter(3, reason)
                .setParameter(4, source.key())
                .setParameter(5, notificationId)
                .executeUpdate() == 1;
    }

    /** Lifts the suppression; false when there was none. */
    public boolean remove(Channel channel, String address) {
        return delete("channel = ?1 and address = ?2", channel.key(), Suppression.normalised(channel, address)) == 1;
    }

    /** Newest first, optionally of one channel or one address. */
    public List<Suppression> list(Channel channel, String address, int limit) {
        StringBuilder query = new StringBuilder("1 = 1");
        Parameters params = new Parameters();
        if (channel != null) {
            query.append(" and channel = :channel");
            params.and("channel", channel.key());
        }
        if (address != null) {
            query.append(" and address = :address");
            params.and("address", channel == null ? address : Suppression.normalised(channel, address));
        }
        return find(query.toString(), Sort.descending("createdAt").and("address"), params)
                .page(Page.ofSize(limit)).list();
    }

    /** Of {@code addresses} (of one channel), the suppressed ones, as given. */
    public Set<String> suppressed(Channel channel, Collection<String> addresses) {
        if (addresses.isEmpty()) {
            return Set.of();
        }
        Set<String> found = new HashSet<>(getEntityManager().createQuery(
                        "select s.address from Suppression s where s.channel = :channel and s.address in :addresses",
                        String.class)
                .setParameter("channel", channel.key())
                .setParameter("addresses", addresses.stream().map(a -> Suppression.normalised(channel, a)).toList())
                .getResultList());
        Set<String> given = new HashSet<>();
        for (String a : addresses) {
            if (found.contains(Suppression.normalised(channel, a))) {
                given.add(a);
            }
        }
        return given;
    }
}
