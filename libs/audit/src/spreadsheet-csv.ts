import { type Options } from 'csv-stringify';

/**
 * CSV as a spreadsheet set to Italian opens it, for every file the audit gives people (the dossier's table, the
 * trail's export): RFC 4180 quoting and CRLF line ends, but `;` between fields (Excel in Italian reads `,` as the
 * decimal separator and opens a comma-separated file in a single column), and a UTF-8 byte order mark (without it
 * Excel reads accents, "→" and "≥" in the Windows code page).
 */
export const SPREADSHEET_CSV: Options = {
  bom: true,
  delimiter: ';',
  record_delimiter: 'windows',
  // Given a record delimiter, the library quotes only fields holding that one: a reason written on two lines (LF)
  // would otherwise split its row in a spreadsheet.
  quote_record_delimiter: true,
  header: true,
  // A reason or a title starting with "=", "+", "-" or "@" would run as a formula in a spreadsheet (OWASP "CSV
  // injection"): such a cell gets a leading apostrophe, which Excel hides; numbers are left alone.
  escape_formulas: true,
};
