"""confluent-kafka (librdkafka): admin create topic, idempotent producer with keys, consumer
group with manual commit. Prints one JSON document. Usage: python3 this.py BOOTSTRAP"""
import json
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

bs = sys.argv[1]
admin = AdminClient({'bootstrap.servers': bs})
for f in admin.create_topics([NewTopic('ck-topic', num_partitions=2, replication_factor=1,
                                       config={'cleanup.policy': 'compact'})]).values():
    f.result()
configs = {}
for f in admin.describe_configs([ConfigResource('topic', 'ck-topic')]).values():
    configs = {k: v.value for k, v in f.result().items()}

producer = Producer({'bootstrap.servers': bs, 'enable.idempotence': True, 'linger.ms': 5,
                     'partitioner': 'murmur2_random'})
delivered = []
for i in range(200):
    producer.produce('ck-topic', key=b'key%d' % (i % 11), value=b'val%d' % i,
                     on_delivery=lambda err, m: delivered.append(
                         [None if err is None else str(err), m.key().decode(), m.partition(), m.offset()]))
producer.flush(30)

consumer = Consumer({'bootstrap.servers': bs, 'group.id': 'ck-group', 'auto.offset.reset': 'earliest',
                     'enable.auto.commit': False})
consumer.subscribe(['ck-topic'])
values = []
deadline = time.time() + 30
while len(values) < 200 and time.time() < deadline:
    m = consumer.poll(0.5)
    if m is None or m.error():
        continue
    values.append(m.value().decode())
consumer.commit(asynchronous=False)
committed = [tp.offset for tp in consumer.committed([TopicPartition('ck-topic', 0), TopicPartition('ck-topic', 1)])]
consumer.close()
print(json.dumps({'configs': configs, 'delivered': delivered, 'values': values, 'committed': committed}))
