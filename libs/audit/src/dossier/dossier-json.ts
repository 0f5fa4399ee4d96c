import { canonicalJson } from '@piao/lifecycle';
import { type DossierObjective } from './dossier-content';
import { HashingOutput, NO_OUTPUT, type FileOutput } from './dossier-output';
import { contentMembers, type DossierHead, type DossierParts } from './dossier-parts';

/**
 * The dossier's content as RFC 8785 canonical JSON (fascicolo.json), written objective by objective; returns its
 * SHA-256, the dossier's content hash. The canonical JSON of an object is its members in key order, each in canonical
 * form: so it is written member by member and the objectives one at a time, giving the same bytes as
 * `canonicalJson(content)` in one string without ever holding the whole text, or the event loop for a second.
 */
export async function writeDossierJson(parts: DossierParts, output: FileOutput): Promise<Buffer> {
  const writer = new DossierJsonWriter(parts.head, output);
  for await (const objective of parts.objectives()) await writer.objective(objective);
  return writer.end();
}

/** fascicolo.json, written as the objectives come: the members before them at once, those after them at the end. */
export class DossierJsonWriter {
  private readonly out: HashingOutput;
  private readonly after: [string, unknown][];
  private count = 0;

  constructor(head: DossierHead, output: FileOutput) {
    this.out = new HashingOutput(output);
    const members = Object.entries(contentMembers(head))
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const before = members.filter(([key]) => key < 'objectives');
    this.after = members.filter(([key]) => key > 'objectives');
    this.out.write('{');
    for (const [key, value] of before) this.out.write(`${JSON.stringify(key)}:${canonicalJson(value)},`);
    this.out.write('"objectives":[');
  }

  async objective(objective: DossierObjective): Promise<void> {
    this.out.write(`${this.count++ > 0 ? ',' : ''}${canonicalJson(objective)}`);
    await this.out.drain();
  }

  /** The rest of the file; returns the SHA-256 of the whole. */
  async end(): Promise<Buffer> {
    this.out.write(']');
    for (const [key, value] of this.after) this.out.write(`,${JSON.stringify(key)}:${canonicalJson(value)}`);
    this.out.write('}');
    await this.out.end();
    return this.out.digest();
  }
}

/** The content hash alone (the PDF's /ID of a content held in memory). */
export function dossierDigest(parts: DossierParts): Promise<Buffer> {
  return writeDossierJson(parts, NO_OUTPUT);
}
