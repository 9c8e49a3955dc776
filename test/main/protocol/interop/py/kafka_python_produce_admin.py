"""kafka-python: create a topic with configs, alter and describe them, produce keyed records.
Prints one JSON document on stdout. Usage: python3 this.py BOOTSTRAP"""
import json
import sys

from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType, NewPartitions, NewTopic

bs = sys.argv[1]
admin = KafkaAdminClient(bootstrap_servers=bs, client_id='py-admin')
admin.create_topics([NewTopic('py-keyed', num_partitions=3, replication_factor=1,
                              topic_configs={'retention.ms': '3600000'})])
admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, 'py-keyed', configs={'retention.ms': '7200000', 'cleanup.policy': 'compact'})])
admin.create_partitions({'py-keyed': NewPartitions(total_count=4)})
described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, 'py-keyed')])
configs = {e[0]: e[1] for e in described[0].resources[0][4]}

producer = KafkaProducer(bootstrap_servers=bs, acks='all')
futures = [(k, producer.send('py-keyed', key=k.encode(), value=('value-' + k).encode()))
           for k in ['k%d' % i for i in range(40)]]
producer.flush()
placed = {k: [f.get(timeout=30).partition, f.get(timeout=30).offset] for k, f in futures}
producer.close()
print(json.dumps({'topics': sorted(admin.list_topics()), 'configs': configs, 'placed': placed}))
admin.close()
