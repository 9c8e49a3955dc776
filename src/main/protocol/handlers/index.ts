/** The handler of every API the listener serves, by API key. */
import { API_KEYS } from '../codec/messages';
import type { AnyHandler } from '../context';
import { apiVersions } from './api-versions';
import { alterConfigs, describeConfigs, incrementalAlterConfigs } from './configs';
import { fetch } from './fetch';
import {
  deleteGroups,
  describeGroups,
  findCoordinator,
  heartbeat,
  joinGroup,
  leaveGroup,
  listGroups,
  offsetCommit,
  offsetDelete,
  offsetFetch,
  syncGroup,
} from './groups';
import { listOffsets } from './list-offsets';
import { describeLogDirs } from './log-dirs';
import { describeCluster, metadata } from './metadata';
import { produce } from './produce';
import { initProducerId } from './producer-id';
import { saslAuthenticate, saslHandshake } from './sasl';
import { createPartitions, createTopics, deleteRecords, deleteTopics } from './topics';

export const HANDLERS: ReadonlyMap<number, AnyHandler> = new Map<number, AnyHandler>([
  [API_KEYS.Produce, produce],
  [API_KEYS.Fetch, fetch],
  [API_KEYS.ListOffsets, listOffsets],
  [API_KEYS.Metadata, metadata],
  [API_KEYS.OffsetCommit, offsetCommit],
  [API_KEYS.OffsetFetch, offsetFetch],
  [API_KEYS.FindCoordinator, findCoordinator],
  [API_KEYS.JoinGroup, joinGroup],
  [API_KEYS.Heartbeat, heartbeat],
  [API_KEYS.LeaveGroup, leaveGroup],
  [API_KEYS.SyncGroup, syncGroup],
  [API_KEYS.DescribeGroups, describeGroups],
  [API_KEYS.ListGroups, listGroups],
  [API_KEYS.SaslHandshake, saslHandshake],
  [API_KEYS.ApiVersions, apiVersions],
  [API_KEYS.CreateTopics, createTopics],
  [API_KEYS.DeleteTopics, deleteTopics],
  [API_KEYS.DeleteRecords, deleteRecords],
  [API_KEYS.InitProducerId, initProducerId],
  [API_KEYS.DescribeConfigs, describeConfigs],
  [API_KEYS.AlterConfigs, alterConfigs],
  [API_KEYS.DescribeLogDirs, describeLogDirs],
  [API_KEYS.SaslAuthenticate, saslAuthenticate],
  [API_KEYS.CreatePartitions, createPartitions],
  [API_KEYS.DeleteGroups, deleteGroups],
  [API_KEYS.IncrementalAlterConfigs, incrementalAlterConfigs],
  [API_KEYS.OffsetDelete, offsetDelete],
  [API_KEYS.DescribeCluster, describeCluster],
]);
