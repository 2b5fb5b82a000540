-- Privileges of Nyx's serving role (db.app_user; nyx_app in the embedded database).
-- Nyx runs this itself after every migration, as the owner of the schema objects, with
-- ${app_user} replaced by the quoted role name. Every statement is idempotent.
-- The role may use the tables and functions; it owns nothing, so it cannot DROP, ALTER or
-- TRUNCATE them, and it has no CREATE on the schema (PostgreSQL 15+ default; see
-- least-privilege.sql for older servers).
GRANT USAGE ON SCHEMA public TO ${app_user};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app_user};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${app_user};
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${app_user};
-- Migration bookkeeping and partition creation (DDL) stay with the owner.
REVOKE ALL ON TABLE flyway_schema_history FROM ${app_user};
REVOKE EXECUTE ON FUNCTION nyx_ensure_partitions(timestamptz, int) FROM PUBLIC, ${app_user};
REVOKE EXECUTE ON FUNCTION nyx_ensure_partitions(int) FROM PUBLIC, ${app_user};
-- No temporary tables for anyone but the owner, when this role owns the database.
DO $$
BEGIN
    IF pg_has_role(current_user,
                   (SELECT datdba FROM pg_database WHERE datname = current_database()),
                   'USAGE') THEN
        EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    END IF;
END $$;
