package io.notiflow.core.store;

import io.notiflow.core.testing.LocalServices;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/** A store test's own database on the local PostgreSQL, made anew and migrated with the product's migrations. */
final class StoreDatabase {

    private StoreDatabase() {
    }

    static PGSimpleDataSource migrated(String name) {
        LocalServices.recreateDatabase(name);
        PGSimpleDataSource database = new PGSimpleDataSource();
        database.setURL(LocalServices.jdbcUrl(name));
        database.setUser(LocalServices.PG_USER);
        database.setPassword("postgres");
        Flyway.configure().dataSource(database).locations("classpath:db/migration").load().migrate();
        return database;
    }
}
