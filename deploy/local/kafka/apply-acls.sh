#!/usr/bin/env bash
# Adds the ACLs of deploy/local/kafka/acls.txt to a running broker, one kafka-acls call a line.
#
# Usage: apply-acls.sh ACLS_FILE BOOTSTRAP COMMAND_CONFIG KAFKA_ACLS...
#   KAFKA_ACLS is the kafka-acls command: `/opt/kafka/bin/kafka-acls.sh` in the broker's image,
#   `java -cp 'libs/*' org.apache.kafka.tools.AclCommand` on the local stack. COMMAND_CONFIG is
#   the admin principal's client properties (SASL/SCRAM). Adding an ACL that exists is a no-op;
#   a line removed from the table is not removed from the broker (kafka-acls --remove does).
set -euo pipefail
acls_file="$1" bootstrap="$2" command_config="$3"
shift 3

while read -r principal resource pattern operations names; do
    [[ -z "$principal" || "$principal" == \#* ]] && continue
    args=(--bootstrap-server "$bootstrap" --command-config "$command_config" --add
          --allow-principal "User:$principal" --resource-pattern-type "$pattern")
    for operation in ${operations//,/ }; do args+=(--operation "$operation"); done
    for name in ${names//,/ }; do args+=("--$resource" "$name"); done
    "$@" "${args[@]}" >/dev/null
done <"$acls_file"
