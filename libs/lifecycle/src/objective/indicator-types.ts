import { violated } from '../access/rule-violation';
import { isPlainObject, show } from '../invariants/json-values';
import { foldedName } from '../invariants/folded-text';
import { type ObjectiveDefinition } from './objective-definition';

/**
 * The catalogue of indicator types (docs/api.md, "Indicator types"): the standard types every ente has, and the ones
 * an ente adds (`IndicatorTypeDefined`). An indicator's `type` is an id of its ente's catalogue; the type as the plan
 * wrote it ("EFFICIENZA", "attività/processo", "tempistica") is kept beside it in `typeAsWritten`, and resolved to an
 * id by matching it, whatever its case, accents and punctuation, with the ids, labels and synonyms of the catalogue.
 */
export interface IndicatorType {
  /** Lower-case letters, digits and dashes, at most 40: `efficacia`, `attivita-processo`. */
  typeId: string;
  /** As a person reads it, in Italian: "Economicità". */
  label: string;
  /** Other ways plans write it: "economicita'", "tempistica". */
  synonyms?: readonly string[];
}

export interface CatalogueEntry extends IndicatorType {
  /** A standard type (every ente has it), or one the ente defined. */
  standard: boolean;
}

/** What an indicator type's id looks like. */
export const INDICATOR_TYPE_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const INDICATOR_TYPE_LABEL_MAX = 100;
export const INDICATOR_TYPE_SYNONYMS_MAX = 20;

/**
 * The types every ente has. The first nine are those every indicator could carry before the catalogue existed: the
 * events recorded since keep naming them, and stay valid.
 */
export const STANDARD_INDICATOR_TYPES: readonly IndicatorType[] = [
  { typeId: 'efficacia', label: 'Efficacia' },
  { typeId: 'efficienza', label: 'Efficienza' },
  { typeId: 'economicita', label: 'Economicità', synonyms: ['economicità', "economicita'", 'ECONOMICITÀ'] },
  { typeId: 'qualita', label: 'Qualità', synonyms: ['qualità', "qualita'", 'qualitativo', 'qualitativa'] },
  { typeId: 'quantita', label: 'Quantità', synonyms: ['quantità', "quantita'", 'quantitativo', 'quantitativa'] },
  { typeId: 'tempo', label: 'Tempo', synonyms: ['tempi', 'tempistica', 'temporale', 'tempestività'] },
  { typeId: 'costo', label: 'Costo', synonyms: ['costi'] },
  { typeId: 'output', label: 'Output' },
  { typeId: 'outcome', label: 'Outcome' },
  { typeId: 'attivita-processo', label: 'Attività/processo', synonyms: ['attività/processo', 'processo', 'attività'] },
  { typeId: 'impatto', label: 'Impatto', synonyms: ['impatti'] },
];

/**
 * A name reduced to what tells it apart: no case, no accents, no punctuation, and no leading "indicatore di":
 * "ECONOMICITÀ", "economicita'" and "Indicatore di economicità" are all `economicita`; "attività/processo" and
 * `attivita-processo` are both `attivita processo`. Empty when nothing is left (a name of punctuation only).
 */
export function indicatorTypeKey(name: string): string {
  return foldedName(name.normalize('NFKC')).replace(/^indicator[ei] (di |d )?(?=.)/, '');
}

/** Every name a type answers to: its id, its label, its synonyms. */
export function namesOf(type: IndicatorType): string[] {
  return [type.typeId, type.label, ...(type.synonyms ?? [])];
}

/**
 * The id of the catalogue's type that `written` names (its id, label or one of its synonyms, whatever the case, the
 * accents and the punctuation), or undefined when none does. The catalogue never has two types answering to one name
 * (`DefineIndicatorType` refuses it); were it so, the first wins.
 */
export function resolveIndicatorType(written: string, catalogue: readonly IndicatorType[]): string | undefined {
  const key = indicatorTypeKey(written);
  if (key === '') return undefined;
  return catalogue.find((type) => namesOf(type).some((name) => indicatorTypeKey(name) === key))?.typeId;
}

/**
 * The definition with its indicators' types checked against the ente's catalogue and resolved where the plan only
 * wrote one:
 * - a `type` given must be an id of the catalogue (`unknown-indicator-type`, naming the indicator and the ids known);
 * - a `typeAsWritten` without `type` sets `type` to the id it resolves to; when it resolves to none, the type stays
 *   absent and the definition carries the warning `indicator-type-not-in-catalogue` (see `definitionWarnings`);
 * - both given: both are kept as given, even when they disagree (the text is what the plan said).
 * Whatever is malformed is left as it is, for the definition's own checks to refuse.
 */
export function resolveIndicatorTypes<D extends ObjectiveDefinition>(definition: D, catalogue: readonly IndicatorType[]): D {
  const indicators: unknown = isPlainObject(definition) ? definition.indicators : undefined;
  if (!Array.isArray(indicators)) return definition;
  let changed = false;
  const resolved = indicators.map((indicator: unknown, index) => {
    if (!isPlainObject(indicator)) return indicator;
    const { type, typeAsWritten } = indicator;
    if (typeof type === 'string') {
      if (!catalogue.some((t) => t.typeId === type)) {
        const id = typeof indicator.id === 'string' ? ` (${indicator.id})` : '';
        violated(
          'unknown-indicator-type',
          `indicators[${index}].type${id}: ${show(type)} is not an indicator type of the ente; known types: ${catalogue.map((t) => t.typeId).join(', ')} ` +
            '(GET /organisation/indicator-types; the Segretario adds one with POST /organisation/indicator-types, or give the type as written in typeAsWritten)',
        );
      }
      return indicator;
    }
    if (type !== undefined || typeof typeAsWritten !== 'string') return indicator;
    const typeId = resolveIndicatorType(typeAsWritten, catalogue);
    if (typeId === undefined) return indicator;
    changed = true;
    return { ...indicator, type: typeId };
  });
  return changed ? { ...definition, indicators: resolved } : definition;
}
