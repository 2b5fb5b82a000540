#!/bin/sh
# Runs once, when the postgres container initialises an empty data directory: creates Nyx's
# least-privileged serving role (db.app_user) with src/main/resources/db/least-privilege.sql.
# POSTGRES_USER (nyx) owns the database and runs the migrations (db.user).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_user=nyx_app \
  -v app_password="$(cat /secrets/db_app_password)" \
  -v db="$POSTGRES_DB" \
  -f /nyx/least-privilege.sql
