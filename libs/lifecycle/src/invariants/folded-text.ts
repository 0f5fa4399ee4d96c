/** The text without its accents and other combining marks: "attività" → "attivita". */
export function withoutAccents(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '');
}

/**
 * How names written differently are compared: lower case, without accents, every run of spaces and punctuation one
 * space. "SETTORE WELFARE e Politiche abitative" and "Settore welfare e politiche abitative" fold alike, as do
 * "R.U.P." and "r u p".
 */
export function foldedName(text: string): string {
  return withoutAccents(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
