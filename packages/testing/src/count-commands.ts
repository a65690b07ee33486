import type { S3Client } from '@aws-sdk/client-s3';

/**
 * Counts the commands a real client sends, by name, through a middleware (instrumentation of the
 * real client, which still talks to the real server). `stop()` removes it.
 */
export function countCommands(client: S3Client): { counts: Map<string, number>; stop(): void } {
  const counts = new Map<string, number>();
  const name = `countCommands-${Math.random().toString(36).slice(2)}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName).replace(/Command$/, '');
      counts.set(command, (counts.get(command) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { counts, stop: () => void client.middlewareStack.remove(name) };
}
