#!/usr/bin/env bash
# Installs what `make up` and `make test` need on a fresh Debian 12 machine with Python 3.11;
# `make install` (and so `make up` and `make test`) runs it first. Idempotent: when everything is
# present it changes nothing and never calls apt. Debian packages need root: it runs apt-get
# directly as root, through sudo otherwise.
#
#   postgresql                server binaries (initdb, pg_ctl) + psql; stack.sh runs its own cluster
#                             on its own port, so the `main` cluster Debian may create on 5432
#                             is unrelated and can be left alone
#   chromium                  /usr/bin/chromium for Playwright (never `playwright install`)
#   nginx, curl
#   openjdk-17-jre-headless   Kafka 4.1 needs Java 17+
#   maven                     fetches the Kafka jars and the Keycloak distribution once
#                             (deploy/local/kafka/pom.xml, deploy/local/keycloak/pom.xml)
#   python3-pip               only when neither uv nor pip is there: pip fetches uv
#   uv                        from PyPI into .local/uv/ when it is not on PATH (pip --target,
#                             so Debian's externally managed Python is left alone)
#
# Keycloak 26 needs a Java 21+ JDK, which Debian 12 does not package: it must already be there
# (the Temurin 25 JDK at /usr/lib/jvm/temurin-25-jdk-amd64 on our machines and CI, or any JDK
# named by RAPPORT_KEYCLOAK_JAVA_HOME). This script checks it and says so when it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

UV_VERSION=0.13.9
LOCAL_UV=.local/uv

log() { echo "[prereqs] $*" >&2; }
die() { echo "[prereqs] ERROR: $*" >&2; exit 1; }

missing=()

have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg -s "$1" >/dev/null 2>&1; }

# Major Java version of `java` on PATH (or of the java binary $1), 0 when absent
# ("1.8.0_x" -> 8, "17.0.15" -> 17).
java_major() {
    local v java="${1:-java}"
    have_cmd "$java" || { echo 0; return; }
    v="$("$java" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
    if [[ "$v" == 1.* ]]; then
        v="${v#1.}"
    fi
    v="${v%%[.+-]*}"
    [[ "$v" =~ ^[0-9]+$ ]] && echo "$v" || echo 0
}

# Server binaries are what matter; a lone libpq-dev/postgresql-client does not count.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! have_cmd psql; then
    missing+=(postgresql)
fi
have_cmd chromium || have_pkg chromium || missing+=(chromium)
have_cmd nginx || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
have_cmd curl || missing+=(curl)
(( $(java_major) >= 17 )) || missing+=(openjdk-17-jre-headless)
have_cmd mvn || missing+=(maven)
have_uv() { have_cmd uv || [[ -x $LOCAL_UV/bin/uv ]]; }
have_uv || python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)

as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif have_cmd sudo; then
        sudo "$@"
    else
        die "missing ${missing[*]}: run this script as root, or install sudo"
    fi
}

if (( ${#missing[@]} == 0 )); then
    log "all Debian packages present"
else
    log "installing: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

if ! have_uv; then
    log "installing uv $UV_VERSION into $LOCAL_UV"
    python3 -m pip install --quiet --disable-pip-version-check --target "$LOCAL_UV" "uv==$UV_VERSION"
fi

# Verify, so a broken install is reported here and not later by stack.sh.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || die "PostgreSQL server binaries still missing"
(( $(java_major) >= 17 )) || die "java 17+ still missing (java on PATH: $(command -v java || echo none))"
have_cmd mvn || die "maven still missing"
have_cmd chromium || die "chromium still missing"
have_uv || die "uv still missing"
# The same choice as deploy/local/stack.sh makes.
keycloak_jdk="${RAPPORT_KEYCLOAK_JAVA_HOME:-}"
if [[ -z "$keycloak_jdk" && -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
    keycloak_jdk=/usr/lib/jvm/temurin-25-jdk-amd64
fi
keycloak_jdk="${keycloak_jdk:-${JAVA_HOME:-}}"
(( $(java_major "$keycloak_jdk/bin/java") >= 21 )) \
    || die "no Java 21+ JDK for Keycloak (looked at '${keycloak_jdk:-nothing}'): install one and set RAPPORT_KEYCLOAK_JAVA_HOME"
log "java $(java_major) (Keycloak: $(java_major "$keycloak_jdk/bin/java") at $keycloak_jdk), $(mvn -v 2>/dev/null | head -n1 | sed 's/\x1b\[[0-9;]*m//g'), postgres $(ls -d /usr/lib/postgresql/*/ | xargs -n1 basename | sort -V | tail -n1), chromium $(chromium --version 2>/dev/null | awk '{print $2}')"
