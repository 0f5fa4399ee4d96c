import { createInflateRaw } from 'node:zlib';
import { IMPORT_LIMITS } from './spreadsheet-grid';

/**
 * A check of an XLSX file's zip container before any spreadsheet library opens it. exceljs inflates every part in
 * memory and builds an object for each row and cell of every worksheet, whichever sheet the import then reads: a
 * small hostile file (a "zip bomb", parts that claim one size and inflate to another, a sheet of millions of tiny
 * rows) would take the server's memory and hold its event loop for as long as exceljs works (a 253 KB file of 3.9
 * million rows held it 16 s). Here each part is inflated as a stream, a chunk at a time, nothing kept: its size is
 * checked as it grows, and the worksheets' rows and cells and the shared strings' texts are counted as they come.
 * The file is refused, before exceljs sees it, as soon as it goes past a limit, or when it is not a plain zip:
 * what a refusal costs is bounded by the limits (inflating and counting at most `maxTotalBytes`, tens of
 * milliseconds), and the event loop is free between chunks.
 */
export interface ZipLimits {
  maxEntries: number;
  /** The most one part may inflate to. */
  maxEntryBytes: number;
  /** The most all the parts together may inflate to. */
  maxTotalBytes: number;
  /** Rows holding a value in one worksheet: the header and the data rows a file may have. */
  maxSheetRows: number;
  /** Rows in all the worksheets together, empty ones (a height, a format) included: exceljs builds each. */
  maxRows: number;
  /** Cells in all the worksheets together, empty formatted ones and those merged ranges cover included, and distinct texts (shared strings). */
  maxCells: number;
  /** Merged ranges in all the worksheets together: exceljs checks each against all the others. */
  maxMergedRanges: number;
}

/** Why a file is refused: `unreadable-file` for a damaged, encrypted or oversized container, or too many rows or cells. */
export interface ZipProblem {
  code: 'unreadable-file' | 'too-many-rows' | 'too-many-cells';
  /** For `unreadable-file`, what follows "The file cannot be read: "; otherwise the whole sentence. */
  message: string;
}

/**
 * What a plan of 20,000 rows really needs, measured on a workbook exceljs wrote (the 40 fixture objectives' rows
 * cycled into 20,000 rows of the template's columns, as clerks fill them): its sheet inflates to 6.8 MB, its shared
 * strings to 0.2 MB, 7.1 MB in all; 20,001 rows, 168,000 cells (8.4 a row); reading it takes about 1 s. The limits
 * leave about twice that: 16 MiB a part, 32 MiB in all (room for a second sheet as large, styles, instructions);
 * 400,000 cells (20 a row over 20,000 rows: reading 380,000 took 1.3 to 1.8 s). A sheet of 20,000 rows filling all
 * 60 columns (42 MB, 1,200,000 cells, 7 s to read) is past them: no real plan is that. Rows holding a value: the
 * header and the 20,000 rows below it, in each sheet; rows of any kind: three times that in all the sheets together
 * (a formatted empty row costs exceljs about 4 µs). Merged ranges: 3,000 (exceljs checks each against all the
 * others: 0.5 s for 3,000, 1.4 s for 5,000, 4 s for 8,000), a plan of 300 objectives merging 10 columns down their
 * rows. What any other part costs exceljs grows with its size: 32 MiB of it, a second or two at most.
 */
export const XLSX_ZIP_LIMITS: ZipLimits = {
  maxEntries: 1_000,
  maxEntryBytes: 16 * 1024 * 1024,
  maxTotalBytes: 32 * 1024 * 1024,
  maxSheetRows: IMPORT_LIMITS.dataRows + 1,
  maxRows: 3 * (IMPORT_LIMITS.dataRows + 1),
  maxCells: 400_000,
  maxMergedRanges: 3_000,
};

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** The parts exceljs reads as worksheets: its own test of a part's name (not anchored, as exceljs has it). */
const WORKSHEET_PART = /xl\/worksheets\/sheet(\d+)[.]xml/;
const SHARED_STRINGS_PART = /^\/?xl\/sharedStrings\.xml$/;

const unreadable = (message: string): ZipProblem => ({ code: 'unreadable-file', message });

/** Undefined when `content` is a zip whose parts all inflate and count within the limits; otherwise why it is refused. */
export async function zipProblem(content: Buffer, limits: ZipLimits = XLSX_ZIP_LIMITS): Promise<ZipProblem | undefined> {
  if (content.subarray(0, 8).equals(OLE_SIGNATURE)) {
    return unreadable('it is an old Excel .xls file or a password-protected workbook: save it as an .xlsx workbook without a password');
  }
  if (content.length < 22 || content.readUInt32LE(0) !== LOCAL_HEADER) return unreadable('it is not an .xlsx workbook (an .xlsx file is a zip archive)');
  const end = findEndOfCentralDirectory(content);
  if (end === undefined) return unreadable('the .xlsx file is damaged: its zip directory is missing');
  const entries = content.readUInt16LE(end + 10);
  const directorySize = content.readUInt32LE(end + 12);
  const directoryOffset = content.readUInt32LE(end + 16);
  if (entries === 0xffff || directoryOffset === 0xffffffff) return unreadable('the .xlsx file is too large (a ZIP64 archive)');
  if (entries > limits.maxEntries) return unreadable(`the .xlsx file has ${entries} parts, more than the ${limits.maxEntries} allowed`);
  if (directoryOffset + directorySize > end) return unreadable('the .xlsx file is damaged: its zip directory is out of place');
  const totals: Totals = { rows: 0, cells: 0, mergedRanges: 0 };
  let total = 0;
  let at = directoryOffset;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > end || content.readUInt32LE(at) !== CENTRAL_HEADER) return unreadable('the .xlsx file is damaged: its zip directory is cut short');
    const flags = content.readUInt16LE(at + 8);
    const method = content.readUInt16LE(at + 10);
    const compressedSize = content.readUInt32LE(at + 20);
    const nameLength = content.readUInt16LE(at + 28);
    const extraLength = content.readUInt16LE(at + 30);
    const commentLength = content.readUInt16LE(at + 32);
    const localOffset = content.readUInt32LE(at + 42);
    const name = content.toString('utf8', at + 46, Math.min(at + 46 + nameLength, end));
    at += 46 + nameLength + extraLength + commentLength;
    if (flags & 1) return unreadable('the .xlsx file is encrypted: save it without a password');
    if (localOffset + 30 > content.length || content.readUInt32LE(localOffset) !== LOCAL_HEADER)
      return unreadable('the .xlsx file is damaged: a part is missing');
    const dataStart = localOffset + 30 + content.readUInt16LE(localOffset + 26) + content.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > content.length) return unreadable('the .xlsx file is damaged: a part is cut short');
    if (method !== 0 && method !== 8) return unreadable(`the .xlsx file uses a compression (method ${method}) that Excel does not write`);
    const room = Math.min(limits.maxEntryBytes, limits.maxTotalBytes - total);
    const kind = WORKSHEET_PART.test(name) ? 'sheet' : SHARED_STRINGS_PART.test(name) ? 'strings' : undefined;
    const counter = kind === undefined ? undefined : new MarkupCounter(kind, limits, totals);
    const stored = content.subarray(dataStart, dataStart + compressedSize);
    const part = method === 0 ? countChunk(stored, room, counter) : await inflatePart(stored, room, counter);
    if (typeof part !== 'number') return part;
    total += part;
  }
  return undefined;
}

/** A part's inflated size, or why it is refused: inflated a chunk at a time, each counted, none kept. */
async function inflatePart(stored: Buffer, room: number, counter: MarkupCounter | undefined): Promise<number | ZipProblem> {
  const inflater = createInflateRaw({ chunkSize: 64 * 1024 });
  inflater.end(stored);
  let size = 0;
  try {
    // Leaving the loop early (a refusal) destroys the stream: nothing more is inflated.
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      const counted = countChunk(chunk, room - size, counter);
      if (typeof counted !== 'number') return counted;
      size += counted;
    }
  } catch {
    return unreadable('the .xlsx file is damaged: a part cannot be decompressed');
  }
  return size;
}

/** The chunk's size when it fits in `room` and its markup within the limits; otherwise why the file is refused. */
function countChunk(chunk: Buffer, room: number, counter: MarkupCounter | undefined): number | ZipProblem {
  if (chunk.length > room) return unreadable('the .xlsx file inflates to more than the size allowed');
  return counter?.count(chunk) ?? chunk.length;
}

interface Totals {
  rows: number;
  cells: number;
  mergedRanges: number;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;

/** After an element's name: a space, a tab, a line break, `>` or `/`. */
function endsName(byte: number): boolean {
  return byte === 0x20 || byte === GT || byte === SLASH || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

const bytes = (name: string) => [...name].map((char) => char.charCodeAt(0));
/** The elements counted, by the bit that stands for each while a name is read. */
const ROW = 1;
const CELL = 2;
const MERGED_RANGE = 4;
const TEXT_ITEM = 8;
const SHEET_NAMES: [number, number[]][] = [
  [ROW, bytes('row')],
  [CELL, bytes('c')],
  [MERGED_RANGE, bytes('mergeCell')],
];
const STRINGS_NAMES: [number, number[]][] = [[TEXT_ITEM, bytes('si')]];
/** The longest start tag of a merged range read: `<mergeCell ref="AAA1000000:XFD1048576"/>` is 43 bytes. */
const MERGED_RANGE_TAG = 200;
const RANGE = /^\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?$/;

// Where the counter is in the markup: in text, in an element's name, in the start tag of a cell or a merged range.
const TEXT = 0;
const NAME = 1;
const CELL_TAG = 2;
const MERGED_RANGE_TAG_STATE = 3;

/**
 * A worksheet's rows, cells and merged ranges, or the shared strings' texts, counted as exceljs's XML parser meets
 * them: elements named `row`, `c`, `mergeCell` and `si` (it reads no other names for them). A byte at a time,
 * across chunks, looking at nothing twice: linear whatever the bytes are. Every such element counts wherever it
 * is, one inside a comment or a CDATA section too: an over-count only refuses the file that holds it, and nothing
 * hides an element from the count. A row holds a value when one of its cells is not `<c …/>` (it has a value or a
 * formula). A merged range counts as the cells it covers, each of which exceljs builds, and exceljs checks each
 * range against all the others: ranges cost the square of their number.
 */
class MarkupCounter {
  private readonly bits: number[];
  private readonly names: number[][];
  /** The bits of all the names counted. */
  private readonly allNames: number;
  private state = TEXT;
  /** While in a name: its length so far, and the elements (bits) it may still be. */
  private nameLength = 0;
  private candidates = 0;
  private previous = 0;
  private tag = '';
  private valuedRows = 0;
  private rowHasValue = false;
  private texts = 0;

  constructor(
    kind: 'sheet' | 'strings',
    private readonly limits: ZipLimits,
    private readonly totals: Totals,
  ) {
    const names = kind === 'sheet' ? SHEET_NAMES : STRINGS_NAMES;
    this.bits = names.map(([bit]) => bit);
    this.names = names.map(([, name]) => name);
    this.allNames = this.bits.reduce((all, bit) => all | bit, 0);
  }

  /** The chunk's size, or why the file is refused. */
  count(chunk: Buffer): number | ZipProblem {
    const { bits, names } = this;
    // The hot loop keeps its state in locals, written back when a method needs it and at the end.
    let state = this.state;
    let nameLength = this.nameLength;
    let candidates = this.candidates;
    let previous = this.previous;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (state === TEXT) {
        if (byte === LT) {
          state = NAME;
          nameLength = 0;
          candidates = this.allNames;
        }
        continue;
      }
      if (state === NAME) {
        if (byte === LT) {
          nameLength = 0;
          candidates = this.allNames;
        } else if (!endsName(byte)) {
          for (let k = 0; k < names.length; k++) if (names[k][nameLength] !== byte) candidates &= ~bits[k];
          nameLength += 1;
          if (candidates === 0) state = TEXT;
        } else {
          let found = 0;
          for (let k = 0; k < names.length; k++) if (candidates & bits[k] && names[k].length === nameLength) found = bits[k];
          state = TEXT;
          if (found !== 0) {
            const problem = this.element(found, byte);
            if (problem !== undefined) return problem;
            state = this.state;
            previous = byte;
          }
        }
        continue;
      }
      let problem: ZipProblem | undefined;
      if (byte === LT) {
        // A `<` cannot be in a start tag: markup begins there, and is counted.
        state = NAME;
        nameLength = 0;
        candidates = this.allNames;
      } else if (state === CELL_TAG) {
        if (byte === GT) {
          state = TEXT;
          problem = this.valued(previous !== SLASH);
        }
        previous = byte;
      } else if (byte === GT) {
        state = TEXT;
        problem = this.mergedRange(this.tag);
      } else if (this.tag.length < MERGED_RANGE_TAG) {
        this.tag += String.fromCharCode(byte);
      } else {
        problem = tooManyCells(`A merged range of the workbook cannot be read (its tag is longer than ${MERGED_RANGE_TAG} characters)`);
      }
      if (problem !== undefined) return problem;
    }
    this.state = state;
    this.nameLength = nameLength;
    this.candidates = candidates;
    this.previous = previous;
    return chunk.length;
  }

  /** An element counted, its name ended by `byte`: sets the state that follows. */
  private element(found: number, byte: number): ZipProblem | undefined {
    this.state = TEXT;
    if (found === ROW) return this.row();
    if (found === TEXT_ITEM) return this.text();
    if (found === CELL) {
      if (byte !== GT && byte !== SLASH) this.state = CELL_TAG;
      return this.cell(byte === GT);
    }
    this.state = MERGED_RANGE_TAG_STATE;
    this.tag = String.fromCharCode(byte);
    if (byte !== GT) return undefined;
    this.state = TEXT;
    return this.mergedRange(this.tag);
  }

  private row(): ZipProblem | undefined {
    this.totals.rows += 1;
    this.rowHasValue = false;
    if (this.totals.rows > this.limits.maxRows)
      return tooManyRows(`The workbook's sheets have more than ${this.limits.maxRows} rows in all, empty ones included`);
    return undefined;
  }

  private cell(valued: boolean): ZipProblem | undefined {
    return this.cells(1) ?? this.valued(valued);
  }

  private cells(count: number): ZipProblem | undefined {
    this.totals.cells += count;
    if (this.totals.cells <= this.limits.maxCells) return undefined;
    return tooManyCells(`The workbook's sheets have more than ${this.limits.maxCells} cells in all, empty, formatted and merged ones included`);
  }

  private valued(valued: boolean): ZipProblem | undefined {
    if (!valued || this.rowHasValue) return undefined;
    this.rowHasValue = true;
    this.valuedRows += 1;
    if (this.valuedRows > this.limits.maxSheetRows)
      return tooManyRows(`A sheet of the workbook has more than ${this.limits.maxSheetRows - 1} rows below its header`);
    return undefined;
  }

  /** `<mergeCell ref="B2:D4"/>`, from its tag's attributes: as many cells as it covers. */
  private mergedRange(tag: string): ZipProblem | undefined {
    this.totals.mergedRanges += 1;
    if (this.totals.mergedRanges > this.limits.maxMergedRanges) {
      return tooManyCells(
        `The workbook's sheets have more than ${this.limits.maxMergedRanges} merged ranges`,
        "unmerge the cells (a row may repeat its objective's code)",
      );
    }
    const ref = /\bref\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(tag);
    const range = RANGE.exec((ref?.[1] ?? ref?.[2] ?? '').trim().toUpperCase());
    if (range === null) return tooManyCells('A merged range of the workbook cannot be read');
    const [top, left] = [Number(range[2]), columnNumber(range[1])];
    const [bottom, right] = range[3] === undefined ? [top, left] : [Number(range[4]), columnNumber(range[3])];
    return this.cells((Math.abs(bottom - top) + 1) * (Math.abs(right - left) + 1));
  }

  private text(): ZipProblem | undefined {
    this.texts += 1;
    if (this.texts > this.limits.maxCells) return tooManyCells(`The workbook holds more than ${this.limits.maxCells} distinct texts`);
    return undefined;
  }
}

/** A column's number from its letters: A → 1, AA → 27. */
function columnNumber(letters: string): number {
  let number = 0;
  for (const letter of letters) number = number * 26 + letter.charCodeAt(0) - 64;
  return number;
}

const tooManyRows = (what: string): ZipProblem => ({ code: 'too-many-rows', message: `${what}: split the plan into several files.` });
const tooManyCells = (what: string, advice = "send the plan's sheet alone, or split the plan into several files"): ZipProblem => ({
  code: 'too-many-cells',
  message: `${what}, more than a plan may have: ${advice}.`,
});

/** The offset of the zip's end-of-central-directory record, searched from the end past a comment of up to 64 KiB. */
function findEndOfCentralDirectory(content: Buffer): number | undefined {
  const last = content.length - 22;
  for (let at = last; at >= Math.max(0, last - 0xffff); at--) {
    if (content.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  return undefined;
}
