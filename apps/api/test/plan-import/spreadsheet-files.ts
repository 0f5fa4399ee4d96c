import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Workbook, type CellValue, type Worksheet } from 'exceljs';

/** Test files built in memory: workbooks written by exceljs itself, CSV texts, zip archives made byte by byte. */

/** A workbook with one sheet per entry, each row a list of cell values (null for a blank); `shape` adds formats, merges… */
export async function workbookOf(sheets: Record<string, CellValue[][]>, shape: (sheet: Worksheet, name: string) => void = () => undefined): Promise<Buffer> {
  const workbook = new Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = workbook.addWorksheet(name);
    rows.forEach((cells, index) => {
      cells.forEach((value, column) => {
        if (value !== null && value !== undefined) sheet.getCell(index + 1, column + 1).value = value;
      });
    });
    shape(sheet, name);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A CSV file of these lines, joined by CRLF, UTF-8 (with a BOM when asked). */
export function csvOf(lines: string[], options: { bom?: boolean } = {}): Buffer {
  return Buffer.from(`${options.bom ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`, 'utf8');
}

export interface ZipEntrySpec {
  name: string;
  data: Buffer;
  /** 0 stored, 8 deflated (default), or any other number to test a method Excel does not write. */
  method?: number;
  flags?: number;
  /** The uncompressed size the directory claims (default: the real one). */
  claimedSize?: number;
}

/** A zip archive built byte by byte, so that a test can make it lie. */
export function zipOf(entries: ZipEntrySpec[], options: { zip64?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const method = entry.method ?? 8;
    const data = method === 8 ? deflateRawSync(entry.data) : entry.data;
    const name = Buffer.from(entry.name, 'utf8');
    const size = entry.claimedSize ?? entry.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.flags ?? 0, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(entry.flags ?? 0, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(options.zip64 ? 0xffff : entries.length, 8);
  end.writeUInt16LE(options.zip64 ? 0xffff : entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The parts of a zip archive as zipOf takes them (deflated or stored, as they were). */
export function partsOf(zip: Buffer): ZipEntrySpec[] {
  let end = zip.length - 22;
  while (zip.readUInt32LE(end) !== 0x06054b50) end -= 1;
  const parts: ZipEntrySpec[] = [];
  let at = zip.readUInt32LE(end + 16);
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const stored = zip.subarray(start, start + size);
    parts.push({ name, data: method === 8 ? inflateRawSync(stored) : Buffer.from(stored), method: method === 8 ? 8 : 0 });
  }
  return parts;
}

/** The workbook with one of its parts' text changed. */
export function withPart(zip: Buffer, name: string, edit: (text: string) => string): Buffer {
  return zipOf(partsOf(zip).map((part) => (part.name === name ? { ...part, data: Buffer.from(edit(part.data.toString('utf8'))) } : part)));
}
