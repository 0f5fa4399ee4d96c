import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import { type DossierContent, type DossierEvent, type DossierObjective } from './dossier-content';
import { dossierDigest } from './dossier-json';
import { MemoryOutput, type FileOutput } from './dossier-output';
import { isSigned, partsOfContent, type DossierHead, type DossierLeaf, type DossierParts } from './dossier-parts';
import { changeValueText, redFlagKindLabel, roleLabel, scopeKindLabel, severityLabel, statusLabel } from './dossier-labels';

/**
 * The fascicolo di audit as a PDF/A-2b document in Italian.
 *
 * PDF/A: pdfkit writes the pdfaid identification into the XMP and the sRGB output intent, and embeds the fonts
 * (DejaVu, as subsets with a ToUnicode map, so that the text can be searched and copied). This module adds what
 * pdfkit leaves to its caller: only embedded fonts are ever selected, no character is shown that the font has no
 * glyph for (that would show .notdef, which PDF/A forbids), only RGB colours (those of the output intent), no
 * transparency, no encryption, and document information that the XMP repeats word for word.
 *
 * Determinism: the same content gives the same bytes. The dates of the document are the content's `asOf`, the
 * trailer /ID is the start of the SHA-256 of the content's canonical JSON, and nothing reads the clock or draws a
 * random number (pdfkit's subset tags derive from font ids, its object numbers from the drawing order).
 *
 * Size: a plan with tens of thousands of events makes thousands of pages, so pages are not held until the end. The
 * document is laid out twice with the same code: once only to count the pages (for the footers' "Pagina N di M"),
 * then to draw them, each page handed to the output as soon as it is full; each pass takes the objectives' timelines
 * one at a time (`DossierParts`), so neither holds the plan whole. Lines are broken here, with the fonts'
 * advance widths, and pdfkit only draws them: its own line breaking shapes every word with the OpenType engine,
 * which made a 30,000-event dossier take minutes, and a page break of its own would escape the page count.
 */
export async function renderDossierPdf(content: DossierContent): Promise<Buffer> {
  const parts = partsOfContent(content);
  const output = new MemoryOutput();
  await writeDossierPdf(parts, await dossierDigest(parts), output);
  return output.bytes();
}

/**
 * The PDF of a dossier's parts, written to `output` page by page: `digest` is the content hash (the /ID),
 * `onProgress` hears of each objective drawn (the second pass).
 */
export async function writeDossierPdf(
  parts: DossierParts,
  digest: Buffer,
  output: FileOutput,
  onProgress: (done: number, of: number, pass: 'counting' | 'drawing') => Promise<void> = async () => undefined,
): Promise<void> {
  const { head } = parts;
  const asOf = new Date(head.asOf);
  if (Number.isNaN(asOf.getTime())) throw new RangeError(`the dossier's asOf ${JSON.stringify(head.asOf)} is not a date`);

  const counting = new Layout(null, null, head);
  let counted = 0;
  await layOut(counting, parts, () => onProgress(++counted, head.objectives.length, 'counting'));
  const pages = counting.finish();

  const doc = pdfADocument(head, asOf, digest);
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('data', (chunk: Uint8Array) => output.write(chunk));
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  // The pages drawn so far go to the output between objectives and every few hundred rows of a long table.
  const drawing = new Layout(doc, pages, head, async () => {
    await output.drain();
    await yieldToEventLoop();
  });
  let drawn = 0;
  await layOut(drawing, parts, async () => {
    await output.drain();
    await onProgress(++drawn, head.objectives.length, 'drawing');
  });
  if (drawing.finish() !== pages) throw new Error('the dossier took a different number of pages when drawn than when counted');
  doc.end();
  await ended;
  await output.end();
}

type FontName = 'regular' | 'bold' | 'mono';

const FONT_FILES: Record<FontName, string> = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', mono: 'DejaVuSansMono.ttf' };

/** What line breaking needs of a font, in thousandths of the font size (the unit of PDF glyph widths). */
class FontFace {
  readonly bytes: Buffer;
  /** Baseline to baseline, as pdfkit spaces the lines of a paragraph. */
  readonly lineHeight: number;
  /** What stands for a character the font has no glyph for. */
  readonly replacement: string;
  private readonly font: fontkit.Font;
  private readonly scale: number;
  private readonly covers: ReadonlySet<number>;
  /** Advance widths of the Basic Multilingual Plane, filled as characters are met (-1: not yet). */
  private readonly widths = new Float64Array(0x10000).fill(-1);

  constructor(file: string) {
    this.bytes = readFileSync(file);
    this.font = openFont(this.bytes);
    this.scale = 1000 / this.font.unitsPerEm;
    this.lineHeight = (this.font.ascent - this.font.descent + this.font.lineGap) * this.scale;
    this.covers = new Set(this.font.characterSet);
    this.replacement = this.covers.has(0xfffd) ? '\ufffd' : '?';
  }

  has(code: number): boolean {
    return this.covers.has(code);
  }

  /** The width of a text at size 1000, glyph by glyph: exactly what the unshaped font below draws. */
  width(text: string): number {
    let width = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff) {
        width += this.advance(text.codePointAt(i)!);
        i++;
      } else {
        let advance = this.widths[code];
        if (advance < 0) advance = this.widths[code] = this.advance(code);
        width += advance;
      }
    }
    return width;
  }

  /** A fresh fontkit font for one pdfkit document, laying text out glyph by glyph as `width` measures it. */
  forDocument(): fontkit.Font {
    return unshaped(openFont(this.bytes));
  }

  private advance(code: number): number {
    return this.font.glyphForCodePoint(code).advanceWidth * this.scale;
  }
}

function openFont(bytes: Buffer): fontkit.Font {
  const font = fontkit.create(bytes);
  if (!('glyphForCodePoint' in font)) throw new Error('a font collection where a single font was expected');
  return font;
}

/**
 * The font with OpenType shaping switched off: each character is its own glyph at its own advance, no kerning and
 * no ligatures (which also keeps "fi" two letters for a reader that copies the text). Italian needs no shaping:
 * accented letters are single characters once the text is in NFC.
 */
function unshaped(font: fontkit.Font): fontkit.Font {
  const glyphs = new Map<number, { glyph: fontkit.Glyph; advance: number }>();
  // pdfkit scales the positions in place (by 1000 / unitsPerEm), then reads the run's width in the same unit.
  const scale = 1000 / font.unitsPerEm;
  const layout = (text: string) => {
    const run: fontkit.Glyph[] = [];
    const positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number; advanceWidth: number }[] = [];
    let width = 0;
    for (let i = 0; i < text.length; i++) {
      let code = text.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff) code = text.codePointAt(i++)!;
      let known = glyphs.get(code);
      if (!known) {
        const glyph = font.glyphForCodePoint(code);
        glyphs.set(code, (known = { glyph, advance: glyph.advanceWidth }));
      }
      run.push(known.glyph);
      // advanceWidth is pdfkit's, set after the others: present from the start, every position keeps one shape.
      positions.push({ xAdvance: known.advance, yAdvance: 0, xOffset: 0, yOffset: 0, advanceWidth: known.advance });
      width += known.advance;
    }
    return { glyphs: run, positions, advanceWidth: width * scale };
  };
  Object.defineProperty(font, 'layout', { value: layout });
  return font;
}

let faces: Record<FontName, FontFace> | undefined;

/** DejaVu from its npm package (Bitstream Vera licence: free to embed), read once per process. */
function fontFaces(): Record<FontName, FontFace> {
  if (!faces) {
    // Resolved as a package, not relative to this file, so that the same code finds it from the sources and from dist/.
    const folder = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    faces = {
      regular: new FontFace(join(folder, FONT_FILES.regular)),
      bold: new FontFace(join(folder, FONT_FILES.bold)),
      mono: new FontFace(join(folder, FONT_FILES.mono)),
    };
  }
  return faces;
}

// A4 in points, margins of about 2 cm; the footer sits in the bottom margin.
const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { top: 56, bottom: 68, left: 54, right: 54 };
const FOOTER_Y = PAGE.height - 44;

const COLOR = { text: '#1a1a1a', muted: '#555555', rule: '#b3b3b3', band: '#e9ecef', code: '#f3f4f6', flag: '#a4161a' };

interface TextStyle {
  font: FontName;
  size: number;
  color?: string;
  /** Extra points between lines. */
  lineGap?: number;
}

const STYLE = {
  body: { font: 'regular', size: 9, lineGap: 1.5 },
  small: { font: 'regular', size: 8, color: COLOR.muted, lineGap: 1 },
  label: { font: 'bold', size: 9, lineGap: 1.5 },
  eventTitle: { font: 'bold', size: 9.5, lineGap: 1 },
  change: { font: 'regular', size: 8.5, lineGap: 1 },
  flag: { font: 'bold', size: 8, color: COLOR.flag, lineGap: 1 },
  cell: { font: 'regular', size: 8, lineGap: 1 },
  cellHead: { font: 'bold', size: 8, lineGap: 1 },
  monoCell: { font: 'mono', size: 7, lineGap: 1 },
  mono: { font: 'mono', size: 7.5, lineGap: 1.5 },
  h1: { font: 'bold', size: 16, lineGap: 2 },
  h2: { font: 'bold', size: 13, lineGap: 2 },
  h3: { font: 'bold', size: 10.5, lineGap: 1.5 },
} satisfies Record<string, TextStyle>;

/** How long a value or a free text may be in the PDF; the CSV and the JSON carry it whole. */
const MAX_VALUE_CHARS = 300;
const MAX_TEXT_CHARS = 1500;
/** Leaf hashes in the timeline: enough to find the full one in the appendix. */
const SHORT_HASH_CHARS = 16;

function pdfADocument(content: DossierHead, asOf: Date, digest: Buffer): PDFKit.PDFDocument {
  const info = {
    Title: metadataText(`Fascicolo di audit — ${content.scope.label}`),
    Author: metadataText(content.ente),
    Subject: metadataText(
      `${scopeKindLabel(content.scope.kind)} ${content.scope.label}: storia completa e verificabile, situazione al ${italianDate(content.asOf)}`,
    ),
    Creator: 'piao-cycle, fascicolo di audit',
    CreationDate: asOf,
    ModDate: asOf,
  };
  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height],
    margins: MARGIN,
    pdfVersion: '1.7',
    subset: 'PDF/A-2b',
    lang: 'it-IT',
    displayTitle: true,
    autoFirstPage: false,
    bufferPages: false,
    // Its cache keeps a layout of every word ever shown (each leaf hash is a word of its own): unshaped layout is cheap.
    fontLayoutCache: false,
    info,
  });
  // pdfkit hashes the information dictionary into the /ID, so two dossiers with the same title and date would share
  // one. The content's own hash names this document and no other.
  (doc as unknown as { _id: Uint8Array })._id = digest.subarray(0, 16);
  // pdfkit writes CreateDate into the XMP but not ModifyDate: PDF/A wants the XMP to say what /Info says.
  doc.appendXML(`<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:ModifyDate>${xmpDate(asOf)}</xmp:ModifyDate></rdf:Description>`);
  const all = fontFaces();
  for (const name of Object.keys(FONT_FILES) as FontName[]) {
    // pdfkit takes an opened fontkit font as well as a file (PDFFontFactory.open); its types only say the latter.
    doc.registerFont(name, all[name].forDocument() as unknown as Buffer);
  }
  return doc;
}

/** pdfkit puts /Info strings into the XMP as they are: characters that XML reads as markup are replaced. */
function metadataText(text: string): string {
  return text.replace(/&/g, 'e').replace(/</g, '‹').replace(/>/g, '›');
}

/** The XMP form of a date, as pdfkit writes CreateDate: UTC to the second. */
function xmpDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

interface Column {
  header: string;
  width: number;
  style: TextStyle;
}

/** Space around the text of a table cell. */
const CELL_PAD = 3;

/**
 * Places text, tables and bands top to bottom, breaking lines and starting a new page when the next block does not
 * fit. Without a document it only counts (the first pass); with one it also draws, footers included.
 */
class Layout {
  readonly left = MARGIN.left;
  readonly width = PAGE.width - MARGIN.left - MARGIN.right;
  private readonly bottom = PAGE.height - MARGIN.bottom;
  private readonly fonts = fontFaces();
  private readonly footerText: string;
  private footerLeft: string | undefined;
  private y = MARGIN.top;
  private page = 0;

  constructor(
    private readonly doc: PDFKit.PDFDocument | null,
    private readonly totalPages: number | null,
    content: DossierHead,
    /** Called every few hundred rows of a table: lets the process breathe, and the output take the pages drawn. */
    private readonly pause: () => Promise<void> = yieldToEventLoop,
  ) {
    this.footerText = `${content.ente} · Fascicolo di audit · ${content.scope.label} · situazione al ${italianDate(content.asOf)}`;
  }

  /** Ends the last page; returns the number of pages. */
  finish(): number {
    if (this.page > 0) this.footer();
    return this.page;
  }

  newPage(): void {
    if (this.page > 0) this.footer();
    this.doc?.addPage();
    this.page += 1;
    this.y = MARGIN.top;
  }

  /** Starts a new page unless `height` more points fit on this one. */
  ensure(height: number): void {
    // At the top of a page already, what does not fit would not fit on the next one either.
    if (this.page === 0 || (this.y + height > this.bottom && this.y > MARGIN.top)) this.newPage();
  }

  space(height: number): void {
    this.y = Math.min(this.y + height, this.bottom);
  }

  /** Where the next block starts, for a page laid out at fixed heights (the cover). */
  moveTo(y: number): void {
    this.y = y;
  }

  /** An outline entry pointing at the current page. */
  bookmark(title: string): void {
    this.doc?.outline.addItem(this.printable(title.length > 120 ? `${title.slice(0, 119)}…` : title, 'regular'));
  }

  /**
   * A paragraph at the left margin (or `indent` points in), moved whole to the next page when it does not fit. One
   * longer than a page is cut to a page, which the length limits on values keep from happening with real content.
   */
  text(raw: string, style: TextStyle, options: { indent?: number; width?: number; gapAfter?: number; keepWithNext?: number; marker?: string } = {}): void {
    // A list item's marker ("•", "2.") stands in the indent; the lines of its text align after it.
    const marker =
      options.marker === undefined ? null : { text: options.marker, width: (this.fonts[style.font].width(`${options.marker} `) * style.size) / 1000 };
    const x = this.left + (options.indent ?? 0) + (marker?.width ?? 0);
    const lines = this.lines(raw, style, options.width ?? this.left + this.width - x);
    if (lines.length === 0) return;
    const lineHeight = this.lineHeight(style);
    const fit = Math.floor((this.bottom - MARGIN.top) / lineHeight);
    if (lines.length > fit) lines.splice(fit - 1, lines.length, `${lines[fit - 1]}…`);
    this.ensure(lines.length * lineHeight + (options.keepWithNext ?? 0));
    if (marker) this.draw([marker.text], style, x - marker.width, this.y);
    this.draw(lines, style, x, this.y);
    this.y += lines.length * lineHeight + (options.gapAfter ?? 0);
  }

  /** A heading goes to the next page with at least `keepWithNext` points of what follows it. */
  heading(text: string, style: TextStyle, keepWithNext = 40): void {
    this.space(5);
    this.text(text, style, { gapAfter: 4, keepWithNext });
  }

  /** Monospaced text on a grey band, a line at a time so that it can go on over a page break. */
  code(text: string): void {
    const style = STYLE.mono;
    const lines = text.replace(/\n$/, '').split('\n');
    const lineHeight = this.lineHeight(style);
    lines.forEach((line, i) => {
      const wrapped = this.lines(line === '' ? ' ' : line, style, this.width - 2 * CELL_PAD * 2);
      const top = i === 0 ? CELL_PAD * 2 : 0;
      const height = top + wrapped.length * lineHeight + (i === lines.length - 1 ? CELL_PAD * 2 : 0);
      this.ensure(height);
      this.band(this.left, this.y, this.width, height, COLOR.code);
      this.draw(wrapped, style, this.left + CELL_PAD * 2, this.y + top);
      this.y += height;
    });
    this.space(6);
  }

  /**
   * A table whose rows go on over as many pages as they need, the header repeated at the top of each. A row is never
   * split: cells are short (values are clipped), so a row fits on a page.
   */
  async table(columns: readonly Column[], rows: Iterable<readonly string[]> | AsyncIterable<readonly string[]>): Promise<void> {
    const header = this.row(
      columns,
      columns.map((c) => c.header),
      STYLE.cellHead,
    );
    let first = true;
    let count = 0;
    for await (const cells of rows) {
      if (++count % 500 === 0) await this.pause();
      const row = this.row(columns, cells);
      if (first || this.y + row.height > this.bottom) {
        this.ensure(header.height + row.height);
        this.drawRow(columns, header, COLOR.band);
        first = false;
      }
      this.drawRow(columns, row, null);
    }
    this.space(6);
  }

  private row(columns: readonly Column[], cells: readonly string[], style?: TextStyle): { lines: string[][]; height: number } {
    const lines = columns.map((column, i) => this.lines(cells[i] ?? '', style ?? column.style, column.width - 2 * CELL_PAD));
    const heights = columns.map((column, i) => lines[i].length * this.lineHeight(style ?? column.style));
    return { lines, height: Math.max(...heights) + 2 * CELL_PAD };
  }

  private drawRow(columns: readonly Column[], row: { lines: string[][]; height: number }, fill: string | null): void {
    if (fill) this.band(this.left, this.y, this.width, row.height, fill);
    let x = this.left;
    columns.forEach((column, i) => {
      this.draw(row.lines[i], fill ? STYLE.cellHead : column.style, x + CELL_PAD, this.y + CELL_PAD);
      x += column.width;
    });
    this.y += row.height;
    this.rule(this.left, this.y, this.width);
  }

  /** The text as the font shows it, broken into lines no wider than `width` points. */
  private lines(raw: string, style: TextStyle, width: number): string[] {
    const text = this.printable(raw, style.font);
    return text === '' ? [] : breakLines(text, this.fonts[style.font], (width * 1000) / style.size);
  }

  private lineHeight(style: TextStyle): number {
    return (this.fonts[style.font].lineHeight * style.size) / 1000 + (style.lineGap ?? 0);
  }

  /** Lines one under the other from `y`; without line breaking by pdfkit, which therefore never adds a page. */
  private draw(lines: readonly string[], style: TextStyle, x: number, y: number): void {
    const doc = this.doc;
    if (!doc || lines.length === 0) return;
    doc
      .font(style.font)
      .fontSize(style.size)
      .fillColor(style.color ?? COLOR.text);
    const lineHeight = this.lineHeight(style);
    lines.forEach((line, i) => {
      // With `features` given, pdfkit lays the line out in one call instead of word by word and character by
      // character; the unshaped font ignores which features they are.
      if (line !== '') doc.text(line, x, y + i * lineHeight, { lineBreak: false, features: [] });
    });
  }

  private band(x: number, y: number, width: number, height: number, color: string): void {
    this.doc?.rect(x, y, width, height).fill(color);
  }

  private rule(x: number, y: number, width: number): void {
    this.doc
      ?.moveTo(x, y)
      .lineTo(x + width, y)
      .lineWidth(0.5)
      .strokeColor(COLOR.rule)
      .stroke();
  }

  private footer(): void {
    if (!this.doc) return;
    const style = STYLE.small;
    const face = this.fonts[style.font];
    this.rule(this.left, FOOTER_Y - 6, this.width);
    const pageText = `Pagina ${this.page} di ${this.totalPages}`;
    const pageWidth = (face.width(pageText) * style.size) / 1000;
    this.draw([pageText], style, this.left + this.width - pageWidth, FOOTER_Y);
    this.footerLeft ??= this.fitted(this.footerText, style, this.width - pageWidth - 24);
    this.draw([this.footerLeft], style, this.left, FOOTER_Y);
  }

  /** One line of text, shortened with an ellipsis to `width` points. */
  private fitted(raw: string, style: TextStyle, width: number): string {
    const face = this.fonts[style.font];
    const limit = (width * 1000) / style.size;
    let text = this.printable(raw, style.font);
    if (face.width(text) <= limit) return text;
    while (text.length > 1 && face.width(`${text}…`) > limit) text = text.slice(0, -1);
    return `${text}…`;
  }

  /**
   * Text as the font can show it: NFC (accents as single characters), control characters as spaces (line breaks
   * stay), and characters the font has no glyph for as the replacement character, so that no text refers to the
   * .notdef glyph, which PDF/A forbids.
   */
  private printable(text: string, font: FontName): string {
    const normalized = text.normalize('NFC');
    if (/^[\x20-\x7e\n]*$/.test(normalized)) return normalized;
    const face = this.fonts[font];
    let out = '';
    for (const char of normalized) {
      const code = char.codePointAt(0)!;
      if (code === 0x0a) out += '\n';
      else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += ' ';
      else out += face.has(code) ? char : face.replacement;
    }
    return out;
  }
}

/**
 * Greedy line breaking at spaces, as a word processor does; a word wider than the line (a hash, a long JSON value)
 * is cut where the line ends. Line breaks in the text are kept. `width` is in thousandths of the font size.
 */
function breakLines(text: string, face: FontFace, width: number): string[] {
  const lines: string[] = [];
  const space = face.width(' ');
  for (const paragraph of text.split('\n')) {
    let line = '';
    let lineWidth = 0;
    for (const word of paragraph.split(' ')) {
      const wordWidth = face.width(word);
      if (line !== '' && lineWidth + space + wordWidth <= width) {
        line += ` ${word}`;
        lineWidth += space + wordWidth;
        continue;
      }
      if (line !== '') lines.push(line);
      if (wordWidth <= width) {
        line = word;
        lineWidth = wordWidth;
        continue;
      }
      line = '';
      lineWidth = 0;
      for (const char of word) {
        const charWidth = face.width(char);
        if (line !== '' && lineWidth + charWidth > width) {
          lines.push(line);
          line = '';
          lineWidth = 0;
        }
        line += char;
        lineWidth += charWidth;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** The whole document, in the order the brief of the fascicolo sets: the same calls on both passes. */
async function layOut(layout: Layout, parts: DossierParts, afterObjective: () => Promise<void>): Promise<void> {
  const { head } = parts;
  const flagNumbers = redFlagNumbers(head);
  cover(layout, head);
  await summary(layout, head, flagNumbers);
  for await (const objective of parts.objectives()) {
    await objectiveSection(layout, objective, flagNumbers);
    await afterObjective();
    await yieldToEventLoop();
  }
  await actsSection(layout, head);
  redFlagsSection(layout, head);
  await verificationAppendix(layout, parts);
}

/**
 * Lets other work of the process run (an HTTP request, a queue's heartbeat): a large dossier takes seconds of CPU,
 * which in one piece would stall the server for as long.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** "S1", "S2"… in the content's order, and for each event the flags that cite it. */
function redFlagNumbers(content: DossierHead): { byEvent: Map<string, string[]>; byObjective: Map<string, number> } {
  const byEvent = new Map<string, string[]>();
  const byObjective = new Map<string, number>();
  content.redFlags.forEach((flag, i) => {
    for (const eventId of flag.eventIds) byEvent.set(eventId, [...(byEvent.get(eventId) ?? []), `S${i + 1}`]);
    byObjective.set(flag.objectiveId, (byObjective.get(flag.objectiveId) ?? 0) + 1);
  });
  return { byEvent, byObjective };
}

function cover(layout: Layout, content: DossierHead): void {
  layout.newPage();
  layout.bookmark('Copertina');
  layout.moveTo(170);
  layout.text(content.ente, { font: 'bold', size: 14, lineGap: 2 }, { gapAfter: 18 });
  layout.text('Fascicolo di audit', { font: 'bold', size: 28, lineGap: 2 }, { gapAfter: 10 });
  layout.text(`${scopeKindLabel(content.scope.kind)}: ${content.scope.label}`, { font: 'regular', size: 14, lineGap: 2 }, { gapAfter: 36 });
  layout.text(`Situazione al ${italianDate(content.asOf)}`, { font: 'bold', size: 12, lineGap: 2 }, { gapAfter: 6 });
  layout.text(`Registro degli eventi fino alla posizione ${content.upTo}`, STYLE.body, { gapAfter: 48 });
  layout.text(
    'Il fascicolo riporta, per ogni obiettivo compreso, la storia completa registrata nel sistema: chi ha fatto che cosa, ' +
      'quando, con quale ruolo, su quale atto e che cosa è cambiato (valore precedente → valore nuovo), con le ' +
      'segnalazioni che ne derivano. Ogni evento è una foglia di un albero di Merkle firmato: l’appendice riporta ' +
      'l’impronta di ciascuno e i passi per verificare, con strumenti indipendenti, che nulla sia stato alterato dopo la ' +
      'registrazione. Il fascicolo non contiene nulla di registrato dopo la posizione indicata.',
    { ...STYLE.body, color: COLOR.muted },
  );
}

async function summary(layout: Layout, content: DossierHead, flags: ReturnType<typeof redFlagNumbers>): Promise<void> {
  layout.newPage();
  layout.heading('Sintesi', STYLE.h1);
  layout.bookmark('Sintesi');
  const { summary: s } = content;
  const flagTotal = s.redFlags.high + s.redFlags.medium + s.redFlags.low;
  layout.text(`Obiettivi: ${s.objectives}`, STYLE.body);
  layout.text(`Eventi registrati: ${s.events}`, STYLE.body);
  layout.text(`Atti della Giunta citati: ${s.acts}`, STYLE.body);
  layout.text(
    `Segnalazioni: ${flagTotal} (gravità alta ${s.redFlags.high}, media ${s.redFlags.medium}, bassa ${s.redFlags.low})`,
    flagTotal > 0 ? { ...STYLE.label, color: COLOR.flag } : STYLE.body,
    { gapAfter: 10 },
  );
  layout.heading('Obiettivi compresi', STYLE.h3);
  const columns: Column[] = [
    { header: 'Codice', width: 60, style: STYLE.cell },
    { header: 'Obiettivo', width: 223, style: STYLE.cell },
    { header: 'Stato', width: 90, style: STYLE.cell },
    { header: 'Eventi', width: 50, style: STYLE.cell },
    { header: 'Segnalazioni', width: layout.width - 423, style: STYLE.cell },
  ];
  await layout.table(
    columns,
    content.objectives.map((o) => [
      o.code,
      clip(o.title, MAX_VALUE_CHARS),
      statusLabel(o.status),
      String(o.events),
      String(flags.byObjective.get(o.objectiveId) ?? 0),
    ]),
  );
}

async function objectiveSection(layout: Layout, objective: DossierObjective, flags: ReturnType<typeof redFlagNumbers>): Promise<void> {
  layout.newPage();
  layout.heading(`Obiettivo ${objective.code} — ${clip(objective.title, MAX_VALUE_CHARS)}`, STYLE.h2);
  layout.bookmark(`Obiettivo ${objective.code} — ${objective.title}`);
  const unit = objective.responsibleUnitName ? `${objective.responsibleUnitName} (${objective.responsibleUnitId})` : objective.responsibleUnitId;
  layout.text(`Stato: ${statusLabel(objective.status)}`, STYLE.body);
  layout.text(`Unità responsabile: ${unit}`, STYLE.body);
  layout.text(`Approvazione: ${objective.approvalAct ? actText(objective.approvalAct) : 'nessuna deliberazione della Giunta'}`, STYLE.body);
  layout.text(`Eventi nella cronologia: ${objective.timeline.length}`, STYLE.body, { gapAfter: 6 });

  layout.heading('Versioni a confronto', STYLE.h3);
  if (objective.versions.length === 0) {
    layout.text(
      objective.approvalAct
        ? 'La definizione attuale coincide con quella approvata dalla Giunta.'
        : 'La Giunta non ha approvato l’obiettivo: non c’è una versione approvata da confrontare.',
      STYLE.body,
      { gapAfter: 6 },
    );
  } else {
    const columns: Column[] = [
      { header: 'Campo', width: 150, style: STYLE.cell },
      { header: 'Come approvato', width: (layout.width - 150) / 2, style: STYLE.cell },
      { header: 'Attuale', width: (layout.width - 150) / 2, style: STYLE.cell },
    ];
    await layout.table(
      columns,
      objective.versions.map((v) => [v.path, valueText(v.from), valueText(v.to)]),
    );
  }

  layout.heading('Cronologia', STYLE.h3);
  if (objective.timeline.length === 0) layout.text('Nessun evento registrato.', STYLE.body);
  for (const event of objective.timeline) timelineEvent(layout, event, flags.byEvent.get(event.eventId) ?? []);
}

function timelineEvent(layout: Layout, event: DossierEvent, flagIds: readonly string[]): void {
  const head = `${italianDateTime(event.occurredAt)} — ${event.label}`;
  // An event of a past year's history was recorded by its import: who imported it says when, and by whom.
  const recorded = event.imported
    ? `importato da ${event.imported.by.name} il ${italianDateTime(event.imported.at)}`
    : `registrato il ${italianDateTime(event.recordedAt)}`;
  const who = `${event.actor.name} (${roleLabel(event.actor.role)}) · ${recorded} · rev. ${event.revision}`;
  // The title goes to the next page with at least the line that says who: a title alone at the foot of a page
  // reads as an event without an author.
  layout.space(5);
  layout.text(head, STYLE.eventTitle, { gapAfter: 1, keepWithNext: 12 });
  layout.text(who, STYLE.small, { gapAfter: 1 });
  if (event.reason) layout.text(`Motivazione: ${clip(event.reason, MAX_TEXT_CHARS)}`, STYLE.body, { indent: 10 });
  if (event.act) layout.text(`Atto: ${actText(event.act)}`, STYLE.body, { indent: 10 });
  for (const change of event.changes) {
    layout.text(`${change.path}: ${valueText(change.from)} → ${valueText(change.to)}`, STYLE.change, { indent: 10, marker: '•' });
  }
  if (flagIds.length > 0) layout.text(`Citato nelle segnalazioni ${flagIds.join(', ')}`, STYLE.flag, { indent: 10 });
  const leaf =
    event.leafIndex !== null && event.leafHash !== null
      ? `Foglia n. ${event.leafIndex} · hash ${event.leafHash.slice(0, SHORT_HASH_CHARS)}…`
      : 'Foglia non ancora calcolata';
  layout.text(`${leaf} · ID evento ${event.eventId}`, STYLE.small, { indent: 10 });
}

async function actsSection(layout: Layout, content: DossierHead): Promise<void> {
  layout.newPage();
  layout.heading('Atti citati', STYLE.h1);
  layout.bookmark('Atti citati');
  if (content.acts.length === 0) {
    layout.text('Nessun atto della Giunta è citato dagli eventi del fascicolo.', STYLE.body);
    return;
  }
  const columns: Column[] = [
    { header: 'Atto', width: 120, style: STYLE.cell },
    { header: 'Oggetto', width: 150, style: STYLE.cell },
    { header: 'Obiettivo', width: 55, style: STYLE.cell },
    // An event id (a UUID) on one line.
    { header: 'Evento', width: layout.width - 325, style: STYLE.monoCell },
  ];
  await layout.table(
    columns,
    content.acts.map((a) => [actText(a), clip(a.subject, MAX_VALUE_CHARS), a.objectiveCode ?? '', a.eventId]),
  );
}

function redFlagsSection(layout: Layout, content: DossierHead): void {
  layout.space(10);
  layout.heading('Segnalazioni', STYLE.h1);
  layout.bookmark('Segnalazioni');
  if (content.redFlags.length === 0) {
    layout.text('Nessuna segnalazione: la storia degli obiettivi compresi non presenta nessuna delle anomalie cercate.', STYLE.body);
    return;
  }
  content.redFlags.forEach((flag, i) => {
    layout.space(4);
    layout.text(
      `S${i + 1} · Gravità ${severityLabel(flag.severity).toLowerCase()} · Obiettivo ${flag.code} · ${redFlagKindLabel(flag.kind)}`,
      {
        ...STYLE.label,
        color: flag.severity === 'high' ? COLOR.flag : COLOR.text,
      },
      { keepWithNext: 12 },
    );
    layout.text(clip(flag.description, MAX_TEXT_CHARS), STYLE.body, { indent: 10 });
    if (flag.eventIds.length === 0) {
      layout.text('Riguarda la definizione in vigore, non un evento.', STYLE.small, { indent: 10 });
    }
    for (const eventId of flag.eventIds) {
      const found = content.cited[eventId];
      const where = found ? ` — obiettivo ${found.code}, rev. ${found.revision}, ${found.label}, ${italianDateTime(found.occurredAt)}` : '';
      layout.text(`Evento ${eventId}${where}`, STYLE.small, { indent: 10 });
    }
  });
}

async function verificationAppendix(layout: Layout, parts: DossierParts): Promise<void> {
  const v = parts.head.verification;
  layout.newPage();
  layout.heading('Appendice — Verifica dell’integrità', STYLE.h1);
  layout.bookmark('Appendice — Verifica dell’integrità');
  layout.text(
    'Ogni evento è registrato come foglia di un albero di Merkle (RFC 6962, SHA-256); la radice dell’albero è firmata ' +
      'periodicamente in un checkpoint (formato C2SP tlog-checkpoint, firma Ed25519). Chi riceve il fascicolo può ' +
      'ricalcolare l’hash di ogni foglia dall’evento registrato e verificare, con la prova di inclusione, che la foglia ' +
      'appartiene all’albero firmato: un evento modificato, tolto o riordinato dopo la firma non supera la verifica.',
    STYLE.body,
    { gapAfter: 8 },
  );
  layout.text(`Registro (origin): ${v.origin}`, STYLE.body);
  layout.text(`Dimensione dell’albero: ${v.treeSize ?? 'non ancora firmato'}`, STYLE.body);
  layout.text(`Radice: ${v.rootHash ?? 'non ancora firmata'}`, STYLE.body, { gapAfter: 6 });

  layout.heading('Checkpoint firmato', STYLE.h3);
  if (v.checkpoint === null) {
    layout.text('Nessun checkpoint firmato copre ancora gli eventi del fascicolo.', STYLE.body);
  } else {
    layout.code(v.checkpoint);
  }

  layout.heading('Come verificare', STYLE.h3);
  v.howToCheck.forEach((step, i) => layout.text(clip(step, MAX_TEXT_CHARS), STYLE.body, { indent: 4, gapAfter: 2, marker: `${i + 1}.` }));

  layout.heading('Impronte delle foglie', STYLE.h3);
  layout.text('Una riga per evento, nell’ordine del registro; l’hash è SHA-256(0x00 ‖ foglia), in base64 come nelle prove e nei checkpoint.', STYLE.small, {
    gapAfter: 4,
  });
  // A leaf at or past the signed tree's size is in the log but not yet under a signature: the reader must know
  // that its check waits for the next checkpoint.
  const signed = (index: number | null) => isSigned(index, v.treeSize);
  const unsigned = parts.head.unsignedLeaves;
  if (unsigned > 0) {
    layout.text(
      unsigned === 1
        ? 'Un evento non è ancora coperto dal checkpoint firmato: la sua inclusione si potrà verificare con il prossimo.'
        : `${unsigned} eventi non sono ancora coperti dal checkpoint firmato: la loro inclusione si potrà verificare con il prossimo.`,
      STYLE.small,
      { gapAfter: 4 },
    );
  }
  const hashWidth = 282;
  const columns: Column[] = [
    { header: 'Foglia', width: 50, style: STYLE.cell },
    { header: 'Obiettivo, revisione', width: layout.width - 50 - hashWidth, style: STYLE.cell },
    { header: 'Hash della foglia', width: hashWidth, style: STYLE.monoCell },
  ];
  await layout.table(columns, appendixRows(parts.leaves(), signed));
}

async function* appendixRows(leaves: AsyncIterable<DossierLeaf>, signed: (index: number | null) => boolean): AsyncIterable<readonly string[]> {
  for await (const leaf of leaves) {
    yield [
      leaf.index === null ? '—' : String(leaf.index),
      `${leaf.code}, rev. ${leaf.revision}${signed(leaf.index) ? '' : ' (non firmata)'}`,
      leaf.hash ?? 'non ancora calcolato',
    ];
  }
}

function actText(act: { number: string; date: string }): string {
  return `DGC n. ${act.number} del ${italianDate(act.date)}`;
}

function valueText(value: unknown): string {
  return clip(changeValueText(value), MAX_VALUE_CHARS);
}

/** At most `max` characters, saying how many were left out. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… [altri ${text.length - max} caratteri nel CSV]`;
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Instants are shown in Italian time: the ente's day, not UTC's. */
const ROME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function romeParts(value: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> | null {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  const parts = Object.fromEntries(ROME.formatToParts(date).map((p) => [p.type, p.value]));
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute };
}

/** dd/mm/yyyy of a calendar date, or of an instant's day in Italy; anything else as it is. */
function italianDate(value: string): string {
  const calendar = CALENDAR_DATE.exec(value);
  if (calendar) return `${calendar[3]}/${calendar[2]}/${calendar[1]}`;
  const p = romeParts(value);
  return p ? `${p.day}/${p.month}/${p.year}` : value;
}

/** A day as dd/mm/yyyy, an instant with its time in Italy: the time is shown only when the log holds one. */
function italianDateTime(value: string): string {
  if (CALENDAR_DATE.test(value)) return italianDate(value);
  const p = romeParts(value);
  return p ? `${p.day}/${p.month}/${p.year} alle ${p.hour}:${p.minute}` : value;
}
