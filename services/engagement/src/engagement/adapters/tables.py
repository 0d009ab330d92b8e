"""The engagement schema: tables owned by this service only."""

from sqlalchemy import MetaData

from chassis.inbox import inbox_table
from chassis.outbox import outbox_table

SCHEMA = "engagement"
metadata = MetaData(schema=SCHEMA)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
