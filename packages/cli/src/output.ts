/** A stream the CLI writes to: `process.stdout`/`process.stderr`, or a test double. */
export interface OutStream {
  write(chunk: string | Uint8Array): boolean;
  once(event: 'drain', listener: () => void): unknown;
  isTTY?: boolean;
  columns?: number;
}

const CLEAR_LINE = '\r\x1b[K';

/**
 * Everything the CLI prints goes through here: results on stdout (waiting for the reader when the
 * pipe is full, so a huge listing never piles up in memory), status lines unless `--quiet`, and
 * error lines on stderr. When a progress bar is drawn on a terminal, a line printed to the same
 * terminal first clears the bar; the bar redraws itself on its next update.
 */
export class Output {
  /** The progress bar being drawn, if any; while it is not done it owns the terminal's last line. */
  bar: { readonly done: boolean } | undefined;

  constructor(
    readonly stdout: OutStream,
    readonly stderr: OutStream,
    readonly quiet: boolean,
  ) {}

  /** Prints a result line (listings, attributes, URLs): always, even with `--quiet`. */
  async line(text: string): Promise<void> {
    await this.write(`${text}\n`);
  }

  /** Writes raw text to stdout, waiting for `drain` when the stream asks to. */
  async write(text: string): Promise<void> {
    this.clearBar(this.stdout);
    await this.writeBytes(text);
  }

  /** Writes bytes (an object's body) to stdout, waiting for `drain` when the stream asks to. */
  async writeBytes(chunk: string | Uint8Array): Promise<void> {
    if (!this.stdout.write(chunk)) await new Promise<void>((resolve) => this.stdout.once('drain', resolve));
  }

  /** Prints a status line (`upload: a to b`), unless `--quiet`. */
  async status(text: string): Promise<void> {
    if (!this.quiet) await this.line(text);
  }

  /** Prints a value as pretty JSON. */
  async json(value: unknown): Promise<void> {
    await this.line(JSON.stringify(value, null, 2));
  }

  /** Starts a JSON array written item by item, so a long listing streams. */
  jsonArray(): { item(value: unknown): Promise<void>; end(): Promise<void> } {
    let count = 0;
    return {
      item: async (value) => {
        await this.write(`${count++ === 0 ? '[\n' : ',\n'}  ${JSON.stringify(value)}`);
      },
      end: async () => {
        await this.write(count === 0 ? '[]\n' : '\n]\n');
      },
    };
  }

  /** Prints an error or warning line on stderr. */
  error(text: string): void {
    this.clearBar(this.stderr);
    this.stderr.write(`${text}\n`);
  }

  private clearBar(target: OutStream): void {
    // The bar lives on stderr; clear it only if the text goes to the same terminal.
    if (this.bar && !this.bar.done && this.stderr.isTTY && target.isTTY) this.stderr.write(CLEAR_LINE);
  }
}
