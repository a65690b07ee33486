// The `--json` output of the commands that act (cp, mv, sync, rm, mb, rb, presign): one JSON object
// per line (NDJSON). Its shape is documented in docs/cli.md ("--json") and kept stable: fields may
// be added, none renamed or removed.

/** What an action line's `op` says: the same words as the text status lines. */
export type JsonOp = 'upload' | 'download' | 'copy' | 'move' | 'delete' | 'make_bucket' | 'remove_bucket';

/** One action, printed as it completes (or, with `--dry-run`, as it is planned). */
export interface JsonAction {
  type: 'action';
  op: JsonOp;
  /** `done`, `dryrun` (planned, not done) or `failed` (with `error`). */
  status: 'done' | 'dryrun' | 'failed';
  /** Transfers: where the bytes come from and go to, as the text lines write them. */
  source?: string;
  destination?: string;
  /** Deletions and buckets: what is acted on. */
  location?: string;
  /** Transfers: the bytes. */
  size?: number;
  /** A failed action: the StorageError code and its one-line message (secrets redacted). */
  error?: { code: string; message: string };
}

/** The last line of a `cp`, `mv`, `sync` or `rm`: what the whole command did. */
export interface JsonSummary {
  type: 'summary';
  command: string;
  dryRun: boolean;
  /** Actions done (or planned, with `--dry-run`). */
  done: number;
  failed: number;
  /** Bytes of the transfers done (or planned). */
  bytes: number;
}

/** `presign --json`. */
export interface JsonPresigned {
  type: 'url';
  url: string;
  location: string;
  method: 'GET' | 'PUT';
  expiresIn: number;
  /** When the URL stops working (ISO 8601). */
  expiresAt: string;
}

/** The `code` of an error (`StorageError`'s, else a generic one), for {@link JsonAction.error}. */
export function errorCode(error: unknown): string {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return error instanceof Error && error.name === 'StorageError' && typeof code === 'string' ? code : 'Unknown';
}
