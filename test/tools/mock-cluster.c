/*
 * mock-cluster: a Kafka cluster of several brokers for Logdock's remote-cluster tests.
 *
 * librdkafka's mock cluster (rdkafka_mock.h) runs real brokers speaking the Kafka protocol on
 * loopback ports, with leaders, followers and brokers that can be taken down, all in this one
 * process. This tool starts one, prints where it listens, and then obeys commands read line
 * by line from stdin so that a test can move a leader or take a broker down while a client
 * works against the cluster.
 *
 * Usage: mock-cluster [BROKERS]            (default 3 brokers, ids 1..BROKERS)
 *
 * First line printed: "bootstrap HOST:PORT,HOST:PORT,..."
 * Commands (one per line; each answered by one line "ok" or "error <reason>"):
 *   create TOPIC PARTITIONS REPLICATION   create a topic (leaders spread over the brokers)
 *   leader TOPIC PARTITION BROKER         make BROKER the partition's leader
 *   leader TOPIC PARTITION none           leave the partition without a leader (offline)
 *   follower TOPIC PARTITION BROKER       make clients fetch from BROKER (KIP-392)
 *   down BROKER                           close the broker's connections, refuse new ones;
 *                                         its replicas leave every ISR and show as offline
 *                                         replicas (librdkafka-mock.patch), so partitions
 *                                         it holds are under-replicated
 *   up BROKER                             accept connections again
 *   rtt BROKER MS                         delay every response of BROKER by MS
 *   apiversion APIKEY MIN MAX             advertise (and accept) only MIN..MAX of an API,
 *                                         e.g. "apiversion 18 0 2" for a pre-2.4 Kafka
 *   quit                                  stop the cluster and exit 0 (so does end of input)
 * The process exits when stdin closes, so a test that dies leaves no cluster behind.
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 1024

static void reply(rd_kafka_resp_err_t err) {
  if (err)
    printf("error %s\n", rd_kafka_err2str(err));
  else
    printf("ok\n");
  fflush(stdout);
}

/* Parses a non-negative integer argument; returns -1 when it is not one. */
static long number(const char *text) {
  char *end;
  long value;
  if (!text) return -1;
  value = strtol(text, &end, 10);
  return *end == '\0' && value >= 0 ? value : -1;
}

/* Runs one command line against the cluster and prints its answer. Returns 0 on "quit". */
static int command(rd_kafka_mock_cluster_t *mc, char *line) {
  char *verb = strtok(line, " \t\r\n");
  char *a = strtok(NULL, " \t\r\n");
  char *b = strtok(NULL, " \t\r\n");
  char *c = strtok(NULL, " \t\r\n");
  if (!verb) return 1;
  if (!strcmp(verb, "quit")) return 0;
  if (!strcmp(verb, "create") && a && number(b) > 0 && number(c) > 0)
    reply(rd_kafka_mock_topic_create(mc, a, (int)number(b), (int)number(c)));
  else if (!strcmp(verb, "leader") && a && number(b) >= 0 && c && !strcmp(c, "none"))
    reply(rd_kafka_mock_partition_set_leader(mc, a, (int32_t)number(b), -1));
  else if (!strcmp(verb, "leader") && a && number(b) >= 0 && number(c) >= 0)
    reply(rd_kafka_mock_partition_set_leader(mc, a, (int32_t)number(b), (int32_t)number(c)));
  else if (!strcmp(verb, "follower") && a && number(b) >= 0 && number(c) >= 0)
    reply(rd_kafka_mock_partition_set_follower(mc, a, (int32_t)number(b), (int32_t)number(c)));
  else if (!strcmp(verb, "down") && number(a) >= 0)
    reply(rd_kafka_mock_broker_set_down(mc, (int32_t)number(a)));
  else if (!strcmp(verb, "up") && number(a) >= 0)
    reply(rd_kafka_mock_broker_set_up(mc, (int32_t)number(a)));
  else if (!strcmp(verb, "rtt") && number(a) >= 0 && number(b) >= 0)
    reply(rd_kafka_mock_broker_set_rtt(mc, (int32_t)number(a), (int)number(b)));
  else if (!strcmp(verb, "apiversion") && number(a) >= 0 && number(b) >= 0 && number(c) >= 0)
    reply(rd_kafka_mock_set_apiversion(mc, (int16_t)number(a), (int16_t)number(b),
                                       (int16_t)number(c)));
  else {
    printf("error unknown command or bad arguments: %s\n", verb);
    fflush(stdout);
  }
  return 1;
}

int main(int argc, char **argv) {
  char errstr[512];
  char line[MAX_LINE];
  long brokers = argc > 1 ? number(argv[1]) : 3;
  rd_kafka_conf_t *conf;
  rd_kafka_t *rk;
  rd_kafka_mock_cluster_t *mc;

  if (brokers < 1 || brokers > 32) {
    fprintf(stderr, "mock-cluster: BROKERS must be 1..32\n");
    return 2;
  }
  /* The mock cluster needs a client handle to live in; a producer that never produces. */
  conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "mock-cluster: %s\n", errstr);
    return 1;
  }
  rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    fprintf(stderr, "mock-cluster: %s\n", errstr);
    return 1;
  }
  mc = rd_kafka_mock_cluster_new(rk, (int)brokers);
  if (!mc) {
    fprintf(stderr, "mock-cluster: could not start the mock cluster\n");
    rd_kafka_destroy(rk);
    return 1;
  }
  printf("bootstrap %s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);

  while (fgets(line, sizeof line, stdin))
    if (!command(mc, line)) break;

  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
