import { formatPercent } from '../format/format';
import { t } from '../i18n/messages';
import { type NamedBand } from './score-bands';

/** A band as people read it: «Fascia 2», and its range «da 50 % a meno di 75 %». */
export function bandName(band: NamedBand): string {
  return t('scores.bandName', { n: band.n });
}

export function bandRange(band: Pick<NamedBand, 'fromPercent' | 'toPercent'>): string {
  return band.toPercent === undefined
    ? t('scores.rangeFrom', { from: formatPercent(band.fromPercent) })
    : t('scores.rangeBetween', { from: formatPercent(band.fromPercent), to: formatPercent(band.toPercent) });
}
