import { inflateRawSync } from 'node:zlib';

/**
 * A check of an XLSX file's zip container before any spreadsheet library opens it: the library inflates every part
 * in memory, so a small hostile file (a "zip bomb", parts that claim one size and inflate to another) could take the
 * server's memory. Each part is inflated here with a ceiling on its output, and the file is refused before the
 * library sees it when a part or the whole goes past the limits, or when the container is not a plain zip.
 */
export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
}

/** Far above what a plan of 20,000 rows needs (a few MB of XML), far below what would strain the server. */
export const XLSX_ZIP_LIMITS: ZipLimits = { maxEntries: 1_000, maxEntryBytes: 100 * 1024 * 1024, maxTotalBytes: 200 * 1024 * 1024 };

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Undefined when `content` is a zip whose parts all inflate within the limits; otherwise why it is refused, in English. */
export function zipProblem(content: Buffer, limits: ZipLimits = XLSX_ZIP_LIMITS): string | undefined {
  if (content.subarray(0, 8).equals(OLE_SIGNATURE)) {
    return 'it is an old Excel .xls file or a password-protected workbook: save it as an .xlsx workbook without a password';
  }
  if (content.length < 22 || content.readUInt32LE(0) !== LOCAL_HEADER) return 'it is not an .xlsx workbook (an .xlsx file is a zip archive)';
  const end = findEndOfCentralDirectory(content);
  if (end === undefined) return 'the .xlsx file is damaged: its zip directory is missing';
  const entries = content.readUInt16LE(end + 10);
  const directorySize = content.readUInt32LE(end + 12);
  const directoryOffset = content.readUInt32LE(end + 16);
  if (entries === 0xffff || directoryOffset === 0xffffffff) return 'the .xlsx file is too large (a ZIP64 archive)';
  if (entries > limits.maxEntries) return `the .xlsx file has ${entries} parts, more than the ${limits.maxEntries} allowed`;
  if (directoryOffset + directorySize > end) return 'the .xlsx file is damaged: its zip directory is out of place';
  let total = 0;
  let at = directoryOffset;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > end || content.readUInt32LE(at) !== CENTRAL_HEADER) return 'the .xlsx file is damaged: its zip directory is cut short';
    const flags = content.readUInt16LE(at + 8);
    const method = content.readUInt16LE(at + 10);
    const compressedSize = content.readUInt32LE(at + 20);
    const nameLength = content.readUInt16LE(at + 28);
    const extraLength = content.readUInt16LE(at + 30);
    const commentLength = content.readUInt16LE(at + 32);
    const localOffset = content.readUInt32LE(at + 42);
    at += 46 + nameLength + extraLength + commentLength;
    if (flags & 1) return 'the .xlsx file is encrypted: save it without a password';
    if (localOffset + 30 > content.length || content.readUInt32LE(localOffset) !== LOCAL_HEADER) return 'the .xlsx file is damaged: a part is missing';
    const dataStart = localOffset + 30 + content.readUInt16LE(localOffset + 26) + content.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > content.length) return 'the .xlsx file is damaged: a part is cut short';
    const room = Math.min(limits.maxEntryBytes, limits.maxTotalBytes - total);
    let size: number;
    if (method === 0) {
      size = compressedSize;
    } else if (method === 8) {
      try {
        size = inflateRawSync(content.subarray(dataStart, dataStart + compressedSize), { maxOutputLength: Math.max(room, 1) }).length;
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return 'the .xlsx file inflates to more than the size allowed';
        return 'the .xlsx file is damaged: a part cannot be decompressed';
      }
    } else {
      return `the .xlsx file uses a compression (method ${method}) that Excel does not write`;
    }
    if (size > room) return 'the .xlsx file inflates to more than the size allowed';
    total += size;
  }
  return undefined;
}

/** The offset of the zip's end-of-central-directory record, searched from the end past a comment of up to 64 KiB. */
function findEndOfCentralDirectory(content: Buffer): number | undefined {
  const last = content.length - 22;
  for (let at = last; at >= Math.max(0, last - 0xffff); at--) {
    if (content.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  return undefined;
}
