"""confluent-kafka (librdkafka) consumers for Fetch edge cases. Prints one JSON document.

Usage: python3 this.py BOOTSTRAP TOPIC MODE EXPECTED
  reset:  one consumer assigned partition 0 at offset 0, below the log start (deleted
          records); auto.offset.reset=earliest must move it to the log start.
  limits: one consumer of every partition with fetch.max.bytes=1000000 and
          receive.message.max.bytes=1000512 (librdkafka rejects larger responses).
Reads until EXPECTED records arrived or 25 s passed; reports offsets and client errors."""
import json
import sys
import time

from confluent_kafka import Consumer, TopicPartition

bs, topic, mode, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
errors = []
conf = {'bootstrap.servers': bs, 'group.id': 'ck-fetch-' + mode, 'auto.offset.reset': 'earliest',
        'enable.auto.commit': False, 'error_cb': lambda e: errors.append(str(e))}
if mode == 'limits':
    conf.update({'fetch.max.bytes': 1000000, 'receive.message.max.bytes': 1000512,
                 'max.partition.fetch.bytes': 500000})
consumer = Consumer(conf)
if mode == 'reset':
    consumer.assign([TopicPartition(topic, 0, 0)])
else:
    partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
received = []
deadline = time.time() + 25
while len(received) < expected and time.time() < deadline:
    m = consumer.poll(0.5)
    if m is None:
        continue
    if m.error():
        errors.append(str(m.error()))
        continue
    received.append([m.partition(), m.offset()])
consumer.close()
print(json.dumps({'received': received, 'errors': errors[:20]}))
