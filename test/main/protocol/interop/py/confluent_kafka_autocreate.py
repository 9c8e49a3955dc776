"""confluent-kafka (librdkafka) producer to a topic that does not exist yet, then the topic's
partition count as the broker reports it. Prints one JSON document.
Usage: python3 this.py BOOTSTRAP TOPIC"""
import json
import sys

from confluent_kafka import Producer

bs, topic = sys.argv[1], sys.argv[2]
errors = []
producer = Producer({'bootstrap.servers': bs, 'message.timeout.ms': 8000,
                     'topic.metadata.propagation.max.ms': 2000})
delivered = []
for i in range(20):
    producer.produce(topic, key=b'k%d' % i, value=b'v%d' % i,
                     on_delivery=lambda err, m: (errors if err else delivered).append(
                         str(err) if err else m.partition()))
producer.flush(15)
meta = producer.list_topics(topic, timeout=10).topics[topic]
print(json.dumps({'delivered': delivered, 'errors': errors[:5],
                  'partitions': len(meta.partitions),
                  'topicError': None if meta.error is None else meta.error.name()}))
