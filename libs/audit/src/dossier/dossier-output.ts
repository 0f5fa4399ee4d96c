import { createHash, type Hash } from 'node:crypto';

/**
 * Where a rendered file goes, a piece at a time. `write` takes bytes at once (pdfkit hands them over in events);
 * `drain` lets the destination take what has gathered (the renderers call it between objectives), `end` the rest.
 */
export interface FileOutput {
  write(chunk: Uint8Array | string): void;
  drain(): Promise<void>;
  end(): Promise<void>;
}

/**
 * Gathers the small pieces a renderer writes (pdfkit writes a line at a time: many thousands of small arrays, each
 * with its own overhead) into pieces of about `pieceBytes`, handed to `take` on drain and end.
 */
export class PiecedOutput implements FileOutput {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly full: Buffer[] = [];

  constructor(
    private readonly take: (piece: Buffer) => Promise<void>,
    private readonly pieceBytes = 1 << 20,
  ) {}

  write(chunk: Uint8Array | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= this.pieceBytes) this.join();
  }

  async drain(): Promise<void> {
    while (this.full.length > 0) await this.take(this.full.shift()!);
  }

  async end(): Promise<void> {
    if (this.pendingBytes > 0) this.join();
    await this.drain();
  }

  private join(): void {
    this.full.push(Buffer.concat(this.pending, this.pendingBytes));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** A file kept in memory whole: a small dossier, a test, a rendering on demand. */
export class MemoryOutput implements FileOutput {
  private readonly pieces: Buffer[] = [];
  private readonly output = new PiecedOutput(async (piece) => {
    this.pieces.push(piece);
  });

  write(chunk: Uint8Array | string): void {
    this.output.write(chunk);
  }

  drain(): Promise<void> {
    return this.output.drain();
  }

  end(): Promise<void> {
    return this.output.end();
  }

  /** The bytes written, once ended. */
  bytes(): Buffer {
    return Buffer.concat(this.pieces);
  }
}

/** Passes everything on, and hashes it (SHA-256) on the way. */
export class HashingOutput implements FileOutput {
  private readonly hash: Hash = createHash('sha256');

  constructor(private readonly output: FileOutput) {}

  write(chunk: Uint8Array | string): void {
    this.hash.update(chunk);
    this.output.write(chunk);
  }

  drain(): Promise<void> {
    return this.output.drain();
  }

  end(): Promise<void> {
    return this.output.end();
  }

  /** The SHA-256 of everything written; once only. */
  digest(): Buffer {
    return this.hash.digest();
  }
}

/** A sink that keeps nothing: for the digest alone. */
export const NO_OUTPUT: FileOutput = {
  write: () => undefined,
  drain: async () => undefined,
  end: async () => undefined,
};
