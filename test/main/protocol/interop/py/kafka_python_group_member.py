"""kafka-python consumer group member: consumes GROUP/TOPIC, commits after every record,
prints 'assigned <partitions>' on each rebalance and 'record <partition> <value>' per record.
Runs until killed. Usage: python3 this.py BOOTSTRAP GROUP TOPIC"""
import sys

from kafka import ConsumerRebalanceListener, KafkaConsumer

bs, group, topic = sys.argv[1:4]


class Listener(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked):
        pass

    def on_partitions_assigned(self, assigned):
        print('assigned', ','.join(str(tp.partition) for tp in sorted(assigned)), flush=True)


consumer = KafkaConsumer(bootstrap_servers=bs, group_id=group, auto_offset_reset='earliest',
                         enable_auto_commit=False, session_timeout_ms=6000,
                         heartbeat_interval_ms=300, max_poll_interval_ms=10000)
consumer.subscribe([topic], listener=Listener())
while True:
    for tp, records in consumer.poll(timeout_ms=200).items():
        for r in records:
            print('record', r.partition, r.value.decode(), flush=True)
        consumer.commit()
