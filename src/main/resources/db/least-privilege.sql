-- Least privilege for Nyx on an external PostgreSQL (run once, by a superuser or a role with
-- CREATEROLE that owns the database), e.g.:
--   psql -v app_user=nyx_app -v app_password='...' -v db=nyx -f least-privilege.sql
--
-- Two roles:
--   the owner (db.user / db.password): owns the schema objects, runs the Flyway migrations and
--     creates the monthly partitions at start;
--   the serving role (db.app_user / db.app_password): what Nyx's connection pool uses. It can
--     read and write the nyx tables and call the nyx functions, nothing else.
-- Nyx grants the serving role its table and function privileges itself at every start (after
-- migrating, as the owner): see db/app-grants.sql. This file does what the owner cannot.

CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;

-- Before PostgreSQL 15 every role may create tables in schema public.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- No temporary tables either; connecting stays allowed.
REVOKE TEMPORARY ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"app_user";

-- Then start Nyx with:
--   db.url: jdbc:postgresql://host:5432/nyx   (no user/password in the URL)
--   db.user / db.password:         the owner
--   db.app_user / db.app_password: the serving role created above
