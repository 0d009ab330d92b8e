#!/usr/bin/env bash
# The broker of docker-compose.yml, configured as deploy/local/stack.sh configures the local one
# (decision 0019), inside the official apache/kafka image (this folder is mounted at /rapport).
#
# Usage: compose.sh broker   format the storage once with the SCRAM users, then run the broker
#        compose.sh acls     apply acls.txt as the admin (once the broker answers)
# The passwords come from RAPPORT_KAFKA_<NAME>_PASSWORD (default `<name>-secret`).
set -euo pipefail
KAFKA=/opt/kafka
# The super user and every principal of the ACL table, as on the local stack.
mapfile -t PRINCIPALS < <(echo admin; awk '!/^#/ && NF { print $1 }' /rapport/acls.txt | sort -u)

password() {
    local variable="RAPPORT_KAFKA_${1^^}_PASSWORD"
    echo "${!variable:-$1-secret}"
}

admin_jaas="org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$(password admin)\";"
cat >/tmp/admin.properties <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=${admin_jaas}
PROPS

case "${1:-}" in
    broker)
        cat >/tmp/server.properties <<PROPS
node.id=1
process.roles=broker,controller
listeners=SASL_PLAINTEXT://:9092,CONTROLLER://:9093
advertised.listeners=SASL_PLAINTEXT://kafka:9092
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=SASL_PLAINTEXT
controller.listener.names=CONTROLLER
controller.quorum.bootstrap.servers=localhost:9093
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=${admin_jaas}
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin;User:ANONYMOUS
log.dirs=/var/lib/kafka/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
num.partitions=3
group.initial.rebalance.delay.ms=0
log.retention.hours=-1
PROPS
        scram=()
        for name in "${PRINCIPALS[@]}"; do
            scram+=(--add-scram "SCRAM-SHA-512=[name=$name,password=$(password "$name")]")
        done
        "$KAFKA/bin/kafka-storage.sh" format --ignore-formatted --standalone \
            -t "$("$KAFKA/bin/kafka-storage.sh" random-uuid)" -c /tmp/server.properties "${scram[@]}"
        exec "$KAFKA/bin/kafka-server-start.sh" /tmp/server.properties
        ;;
    acls)
        exec /rapport/apply-acls.sh /rapport/acls.txt kafka:9092 /tmp/admin.properties \
            "$KAFKA/bin/kafka-acls.sh"
        ;;
    *) echo "usage: $0 broker|acls" >&2; exit 2 ;;
esac
