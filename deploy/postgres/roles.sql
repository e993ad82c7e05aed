-- notiflow's least-privilege database roles. Run as a superuser with psql (docker-compose.prod.yml's
-- database-roles container does, on every start; running it again changes nothing but the passwords):
--   psql -v ON_ERROR_STOP=1 -v database=notification_db -v migration_user=notiflow_migrator \
--        -v migration_password=... -v app_user=notiflow_app -v app_password=... -f deploy/postgres/roles.sql
-- The migration role owns the database and its schema; api-service's Flyway connects with it
-- (QUARKUS_FLYWAY_USERNAME/PASSWORD). The runtime role, every service's datasource, may only read and write rows.
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I', :'migration_user')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'migration_user') \gexec
SELECT format('CREATE ROLE %I', :'app_user')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_user') \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
              :'migration_user', :'migration_password') \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
              :'app_user', :'app_password') \gexec

-- Owning the database makes the migration role the owner of its public schema (pg_database_owner, PostgreSQL 15+).
SELECT format('ALTER DATABASE %I OWNER TO %I', :'database', :'migration_user') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'database') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'database', :'app_user') \gexec

\connect :database
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SELECT format('GRANT USAGE ON SCHEMA public TO %I', :'app_user') \gexec
-- Tables a superuser migrated before these roles existed pass to the migration role (their sequences follow).
SELECT format('ALTER TABLE public.%I OWNER TO %I', tablename, :'migration_user')
FROM pg_tables WHERE schemaname = 'public' AND tableowner <> :'migration_user' \gexec
-- Rows only: no DDL, no TRUNCATE, no REFERENCES or TRIGGER, on the tables there now and those migrations add.
SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', :'app_user') \gexec
SELECT format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', :'app_user') \gexec
SELECT format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I',
              :'migration_user', :'app_user') \gexec
SELECT format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO %I',
              :'migration_user', :'app_user') \gexec
