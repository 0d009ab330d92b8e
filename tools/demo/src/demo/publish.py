"""Publish demo data to Kafka the way the ERP does: CloudEvents keyed by customer id."""

import asyncio
import sys
from collections.abc import Mapping
from typing import Any

from aiokafka import AIOKafkaProducer
from tqdm import tqdm

from contracts.envelope import CLOUDEVENTS_CONTENT_TYPE
from demo.generator import DemoData

HEADERS = [("content-type", CLOUDEVENTS_CONTENT_TYPE.encode())]
# Wait for acknowledgements now and then so errors surface early and memory stays bounded.
CHECKPOINT = 1000


def erp_connection(bootstrap_servers: str, username: str, password: str) -> dict[str, Any]:
    """The ERP's aiokafka settings: SASL/SCRAM-SHA-512 as its own principal, which may write
    only `erp.*` (decision 0019). The ERP is not a Rapport service, so not `chassis.kafka`'s."""
    return {
        "bootstrap_servers": bootstrap_servers,
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": username,
        "sasl_plain_password": password,
    }


async def publish(data: DemoData, kafka: Mapping[str, Any], *, progress: bool = True) -> int:
    """Send customers first, then order events in time order, with the aiokafka settings
    `kafka` (`erp_connection`). Returns the number published."""
    events = data.events()
    producer = AIOKafkaProducer(
        **kafka,
        enable_idempotence=True,
        acks="all",
        linger_ms=20,
    )
    await producer.start()
    try:
        with tqdm(
            total=len(events),
            unit="event",
            desc="publishing",
            disable=not progress or not sys.stderr.isatty(),
        ) as bar:
            pending: list[asyncio.Future[object]] = []
            for event in events:
                # send() only enqueues (it waits only when the buffer is full); the returned
                # future resolves on the broker's acknowledgement.
                pending.append(
                    await producer.send(
                        event.topic,
                        value=data.cloud_event(event).to_json_bytes(),
                        key=event.subject().encode(),
                        headers=HEADERS,
                    )
                )
                if len(pending) >= CHECKPOINT:
                    await asyncio.gather(*pending)
                    bar.update(len(pending))
                    pending = []
            await producer.flush()
            await asyncio.gather(*pending)
            bar.update(len(pending))
    finally:
        await producer.stop()
    return len(events)
