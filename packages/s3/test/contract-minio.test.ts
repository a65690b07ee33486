// The shared contract suite against MinIO in a container (testcontainers 11.14), when a container
// runtime exists (Docker, Podman, rootless; DOCKER_HOST is honoured). Without one the suite is
// skipped with the reason; finding that out takes milliseconds. STOWAGE_MINIO_IMAGE overrides
// the image.
import { describeStorageContract } from '@stowage/contract';
import { MinioContainer, type StartedMinioContainer } from '@testcontainers/minio';
import { getContainerRuntimeClient } from 'testcontainers';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTRACT_TRANSFER, UNKNOWN_CREDENTIALS } from './servers/contract-options.ts';
import { LeakCheckingS3Storage, leakedUploads } from './servers/leak-check.ts';

const IMAGE = process.env.STOWAGE_MINIO_IMAGE ?? 'minio/minio:RELEASE.2025-02-28T09-55-16Z';

async function runtimeProblem(): Promise<string | undefined> {
  try {
    await getContainerRuntimeClient();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const problem = await runtimeProblem();

if (problem !== undefined) {
  describe('stowage contract: s3 on MinIO', () => {
    it.skip(`skipped: no container runtime for MinIO via testcontainers (${problem})`, () => undefined);
  });
} else {
  let container: StartedMinioContainer | undefined;
  const storages: LeakCheckingS3Storage[] = [];
  afterAll(async () => {
    for (const s of storages) s.destroy();
    await container?.stop();
    expect(leakedUploads).toEqual([]);
  });
  const endpoint = () => `http://${(container as StartedMinioContainer).getHost()}:${(container as StartedMinioContainer).getPort()}`;
  const make = (credentials: { accessKeyId: string; secretAccessKey: string }) => {
    const s = new LeakCheckingS3Storage({ endpoint: endpoint(), credentials, ...CONTRACT_TRANSFER });
    storages.push(s);
    return s;
  };

  describeStorageContract(
    `s3 on MinIO (${IMAGE})`,
    async () => {
      container = await new MinioContainer(IMAGE).start();
      return make({ accessKeyId: container.getUsername(), secretAccessKey: container.getPassword() });
    },
    {
      bucketPrefix: 'stowage-minio',
      deniedStorage: () => make(UNKNOWN_CREDENTIALS),
    },
  );
}
