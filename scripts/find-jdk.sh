# Sourced by ./nyx, scripts/test and .ci/run: sets JAVA_HOME to a JDK >= 21 or exits with advice.

nyx_java_major() {  # the major version of the given java binary, or 0
  local v
  v="$("$1" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')" || { echo 0; return; }
  v="${v#1.}"
  v="${v%%[.+-]*}"
  echo "${v:-0}"
}

nyx_find_java_home() {
  local candidates=() home d
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  for d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do [[ -d "$d" ]] && candidates+=("$d"); done
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for home in "${candidates[@]}"; do
    if [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] && (( $(nyx_java_major "$home/bin/java") >= 21 )); then
      echo "$home"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME="$(nyx_find_java_home)"; then
  echo "nyx: no JDK 21 or newer found. Install one (e.g. Temurin 21+ or 'apt-get install openjdk-21-jdk')" >&2
  echo "     and point JAVA_HOME at it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
