import { S3_CAPABILITIES, type BooleanCapability, type Capabilities } from '@stowage/core';

export type { BooleanCapability };

/**
 * What an S3-compatible server lacks, as data with reasons, in the one vocabulary of
 * `Capabilities`. The S3 storage under test declares it (`capabilities: profile.capabilities`), so
 * the contract suite, the S3-only tests and the differential test read `storage.capabilities`
 * alone; the reasons only explain, in the titles of the skipped cases (`reasons: profile.lacks`).
 */
export interface ServerProfile {
  /** The server and its version, for titles and skip reasons. */
  readonly name: string;
  /** Capability → why the server lacks it. Every capability not named is S3's. */
  readonly lacks: Readonly<Partial<Record<BooleanCapability, string>>>;
  /** The S3 driver's `capabilities` option for this server: `false` for each capability in `lacks`. */
  readonly capabilities: Readonly<Partial<Capabilities>>;
  /**
   * Whether the server checks SigV4 signatures, so a wrong secret is refused (s3rver checks only
   * that the access key exists). A fact about the server's authentication, not about what a store
   * does for a client that holds the right credentials, so it is no capability; only the S3-only
   * test of a wrong secret depends on it.
   */
  readonly verifiesSignatures: boolean;
}

/** A {@link ServerProfile} from what the server lacks (capability → reason). */
export function serverProfile(
  name: string,
  lacks: Partial<Record<BooleanCapability, string>>,
  options: { verifiesSignatures: boolean },
): ServerProfile {
  const capabilities: Partial<Record<BooleanCapability, boolean>> = {};
  for (const capability of Object.keys(lacks)) {
    if (!isBooleanCapability(capability)) throw new Error(`${name}: ${JSON.stringify(capability)} is not a boolean capability`);
    capabilities[capability] = false;
  }
  return Object.freeze({
    name,
    lacks: Object.freeze({ ...lacks }),
    capabilities: Object.freeze(capabilities),
    verifiesSignatures: options.verifiesSignatures,
  });
}

/** Whether `name` names a boolean flag of `Capabilities`. */
export function isBooleanCapability(name: string): name is BooleanCapability {
  return Object.hasOwn(S3_CAPABILITIES, name) && typeof S3_CAPABILITIES[name as keyof Capabilities] === 'boolean';
}
