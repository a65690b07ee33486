import type { ProgressStream } from '@stowage/progress';

/**
 * A stand-in for `process.stderr` that records what is written and replays it the way a terminal
 * shows it: `\r` returns to the start of the line, `ESC[K` clears to its end, `\n` starts a new one.
 */
export class FakeTerminal implements ProgressStream {
  readonly writes: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns = 80,
  ) {}

  write(chunk: string): boolean {
    this.writes.push(chunk);
    return true;
  }

  /** The lines on screen, the last one being the cursor's (possibly empty). */
  screen(): string[] {
    const lines: string[] = [''];
    let col = 0;
    const text = this.writes.join('');
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      const row = lines.length - 1;
      const line = lines[row] as string;
      if (ch === '\r') col = 0;
      else if (ch === '\n') {
        lines.push('');
        col = 0;
      } else if (text.startsWith('\x1b[K', i)) {
        lines[row] = line.slice(0, col);
        i += 2;
      } else {
        lines[row] = line.slice(0, col).padEnd(col, ' ') + ch + line.slice(col + 1);
        col++;
      }
    }
    return lines;
  }
}

/** A clock that moves only when told. */
export class FakeClock {
  time = 1_000_000;
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}
