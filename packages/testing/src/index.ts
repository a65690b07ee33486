/**
 * What the tests of several stowage packages share (private, never published): real S3 servers
 * started on 127.0.0.1 (s3rver) or named by the environment (Ceph RGW, any S3 endpoint), proxies
 * that drop, stall or corrupt traffic between a client and a server, and hostile inputs.
 * @packageDocumentation
 */
export { S3RVER_PROFILE, freePort, startS3rver, type S3rver } from './s3rver.js';
export { CEPH_PROFILE, abortOpenUploads, cephTarget, envTarget, openUploads, type EnvTarget, type S3Endpoint } from './s3-targets.js';
export { isBooleanCapability, serverProfile, type BooleanCapability, type ServerProfile } from './server-profile.js';
export { countCommands } from './count-commands.js';
export { codeOf } from './error-code.js';
export { flipFirstByte } from './corrupt-file.js';
export { hostileAnswer } from './echo-server.js';
export { FAULT_KINDS, startFaultProxy, type FaultKind, type FaultProxy, type FaultProxyOptions } from './fault-proxy.js';
export { DroppingProxy, type DropRule, type SeenRequest } from './dropping-proxy.js';
export { startStallProxy, type StallProxy } from './stall-proxy.js';
export { startSlowProxy, type SlowProxy } from './slow-proxy.js';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
export { httpForwarder } from './http-forward.js';
export { hostileBucket, hostileKey, roundTripsOrIsRefused } from './hostile-input.js';
/** The seeded generator the fault proxy and the faults layer draw from (`seededRandom` of @stowage/core). */
export { seededRandom as prng } from '@stowage/core';
